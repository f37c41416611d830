import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { FLUSH_INTERVAL_MS, readEvents } from '../../../src-main/core/session/event-store.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';

/** Run a core in a child process with a talking session; SIGKILL it once the index has made `searchable` answers findable. */
async function killMidSession(dataDir: string, searchable: number): Promise<string> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'support', 'crash-child.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  const lines = createInterface({ input: child.stdout });
  let sessionId = '';
  for await (const line of lines) {
    const m = JSON.parse(line) as { sessionId: string; searchable: number };
    sessionId = m.sessionId;
    if (m.searchable >= searchable) break;
  }
  // Events reach the index (in memory) within ~16 ms and the record within FLUSH_INTERVAL_MS: let the record have them.
  await new Promise((r) => setTimeout(r, 3 * FLUSH_INTERVAL_MS));
  child.kill('SIGKILL');
  await exited;
  return sessionId;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The process is killed in the middle of a session, twice: each time the record is whole up to the kill, the index
// file survives (SQLite's journal) and catches up from the record, and the session reads as interrupted.
describe('a crash in the middle of a session', () => {
  it('never costs the record, and the index catches up from it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-history-crash-'));
    const killed: string[] = [];
    for (const round of [1, 2]) {
      killed.push(await killMidSession(dataDir, 30));
      const core = createCore({ dataDir, secrets: new MemorySecretStore() });
      try {
        for (const id of killed) {
          const { events, badLines } = readEvents(join(dataDir, 'sessions', `${id}.ndjson`));
          expect(badLines, `${id} torn lines`).toBeLessThanOrEqual(1);
          expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
          const answers = events.filter((e) => e.kind === 'mindcraft.llm');
          expect(answers.length).toBeGreaterThanOrEqual(30);

          // Every answer in the record is searchable, including those the index had not seen before the kill.
          const [hit] = await core.handlers['history.query']({ query: { text: 'lighthouse keeper', vendor: 'mindcraft' } }).then((rows) =>
            rows.filter((r) => r.id === id),
          );
          expect(hit, `round ${round}: ${id}`).toMatchObject({ state: 'interrupted', eventCount: events.length, matches: { total: answers.length } });
          const last = answers.at(-1)!;
          const found = await core.handlers['history.query']({ query: { text: `"${(last.data as { text: string }).text}"` } });
          expect(found.find((r) => r.id === id)!.matches!.seqs).toEqual([last.seq]);

          const listed = (await core.handlers['session.list']({})).find((s) => s.id === id);
          expect(listed?.state).toBe('interrupted');
          // The summary file is corrected too (bundles and details read it).
          await until(
            () => core.handlers['history.detail']({ sessionId: id }),
            (d) => d.entry.state === 'interrupted',
            'the summary file to say interrupted',
          );
        }
        const status = await core.handlers['history.indexStatus']({});
        // The index file was used again, not rebuilt.
        expect(status.rebuilt).toBeUndefined();
        expect(status.sessions).toBe(round);
        expect(existsSync(join(dataDir, 'history.sqlite.corrupt'))).toBe(false);
      } finally {
        await core.close();
      }
    }
  }, 60_000);
});
