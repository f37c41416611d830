// A core with a session that talks until this process is killed. argv: DATA_DIR. Prints one JSON line per answer the
// history index has made searchable: {"sessionId": ..., "searchable": n}.
import { createCore } from '../../../../src-main/core/core.ts';
import { MemorySecretStore } from '../../../unit/app/memory-secrets.ts';
import { startTalking } from './talking-vendor.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-child.ts DATA_DIR');
const core = createCore({ dataDir, secrets: new MemorySecretStore() });
const { sessionId } = await startTalking(core.sessions, { everyMs: 5 });
for (let n = 1; ; n += 10) {
  for (;;) {
    const rows = await core.history.query({ text: `"counts ${n} waves"`, limit: 1 });
    if (rows[0]?.id === sessionId) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdout.write(JSON.stringify({ sessionId, searchable: n }) + '\n');
}
