import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// When the keychain refuses the sandbox seeding, the E2E harness must fail at once with that cause (it used to let
// every test wait for [data-test="profile-item"] until it timed out). Each case runs in a child process whose
// session bus leads nowhere: a real, unavailable Secret Service.

const ROOT = resolve(import.meta.dirname, '../..');
const noKeychain = () => ({
  PATH: process.env.PATH ?? '',
  HOME: mkdtempSync(join(tmpdir(), 'parley-nokeychain-')),
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
});

function node(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: ROOT, env: noKeychain(), encoding: 'utf8' }, (err, stdout) => done({ code: err ? Number(err.code) : 0, stdout }));
  });
}

describe('seeding the sandbox profiles when the keychain is unavailable', () => {
  it('the in-process harness check rejects with the keychain error, naming cause and fix', async () => {
    const script = `
      import { createCore } from './src-main/core/core.ts';
      import { KeychainSecretStore } from './src-main/core/secrets/store.ts';
      import { seeded } from './test/e2e/support/seeding.ts';
      const core = createCore({ dataDir: process.argv[1], secrets: new KeychainSecretStore('parley-test-seeding'), seedSandboxProfiles: true });
      try { await seeded(core); console.log('SEEDED'); } catch (e) { console.log(JSON.stringify({ message: e.message, code: e.cause?.code })); }`;
    const { stdout } = await node(['--input-type=module', '-e', script, mkdtempSync(join(tmpdir(), 'parley-seed-'))]);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(result.message).toMatch(/^seeding the sandbox profiles failed: OS keychain unavailable: no Secret Service provider answered on D-Bus/);
    expect(result.message).toContain('Install and start a Secret Service provider');
  });

  it('the crash-test core process prints the cause instead of a bridge URL and exits 1', async () => {
    // The renderer folder is never served: seeding fails before the bridge starts.
    const rendererDir = mkdtempSync(join(tmpdir(), 'parley-no-renderer-'));
    const { code, stdout } = await node([
      join('test', 'e2e', 'support', 'core-process.ts'),
      mkdtempSync(join(tmpdir(), 'parley-seed-')),
      'parley-test-seeding',
      rendererDir,
    ]);
    expect(code).toBe(1);
    const line = JSON.parse(stdout.trim());
    expect(line).not.toHaveProperty('bridgeUrl');
    expect(line.error).toMatch(/^seeding the sandbox profiles failed: OS keychain unavailable: no Secret Service provider answered on D-Bus/);
  });
});
