// The core, the renderer and the bridge in a process of their own, so a test can SIGKILL it (crash safety).
// argv: dataDir keychainService rendererDir. Prints one JSON line when ready, {"url": ..., "bridgeUrl": ...}, or
// {"error": ...} and exits 1 when seeding the sandbox profiles failed.
import { createCore } from '../../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../../src-main/core/secrets/store.ts';
import { BridgeServer } from './bridge-server.ts';
import { seeded } from './seeding.ts';

const [dataDir, keychainService, rendererDir] = process.argv.slice(2);
if (!dataDir || !keychainService || !rendererDir) throw new Error('usage: core-process.ts DATA_DIR KEYCHAIN_SERVICE RENDERER_DIR');
const core = createCore({ dataDir, secrets: new KeychainSecretStore(keychainService), version: 'e2e', seedSandboxProfiles: true });
try {
  await seeded(core);
} catch (err) {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }) + '\n');
  process.exit(1);
}
const bridge = new BridgeServer(core, rendererDir);
await bridge.start();
process.stdout.write(JSON.stringify({ url: bridge.url, bridgeUrl: bridge.bridgeUrl }) + '\n');
process.on('SIGTERM', async () => {
  await bridge.close();
  await core.close();
  process.exit(0);
});
