// The core, the renderer and the bridge in a process of their own, so a test can SIGKILL it (crash safety).
// argv: dataDir keychainService rendererDir. Prints one JSON line {"url": ..., "bridgeUrl": ...} when ready.
import { createCore } from '../../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../../src-main/core/secrets/store.ts';
import { BridgeServer } from './bridge-server.ts';

const [dataDir, keychainService, rendererDir] = process.argv.slice(2);
if (!dataDir || !keychainService || !rendererDir) throw new Error('usage: core-process.ts DATA_DIR KEYCHAIN_SERVICE RENDERER_DIR');
const core = createCore({ dataDir, secrets: new KeychainSecretStore(keychainService), version: 'e2e', seedSandboxProfiles: true });
const bridge = new BridgeServer(core, rendererDir);
await bridge.start();
process.stdout.write(JSON.stringify({ url: bridge.url, bridgeUrl: bridge.bridgeUrl }) + '\n');
process.on('SIGTERM', async () => {
  await bridge.close();
  await core.close();
  process.exit(0);
});
