import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore, KeychainUnavailableError, explainKeychainError } from '../../src-main/core/secrets/store.ts';
import { createCore } from '../../src-main/core/core.ts';
import { testKeychainService } from './names.ts';

// These run against the real Secret Service that scripts/test.sh starts (gnome-keyring in a private D-Bus session).
const service = testKeychainService(import.meta.url);
const store = new KeychainSecretStore(service);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('KeychainSecretStore (real OS keychain)', () => {
  afterAll(async () => {
    await store.delete('p1', 'API_KEY').catch(() => undefined);
  });

  it('stores, reads back and deletes a secret', async () => {
    await store.set('p1', 'API_KEY', 'kc-value-123456');
    expect(await store.get('p1', 'API_KEY')).toBe('kc-value-123456');
    await store.delete('p1', 'API_KEY');
    expect(await store.get('p1', 'API_KEY')).toBeNull();
  });

  it('keeps profiles apart', async () => {
    await store.set('pa', 'API_KEY', 'value-of-a-1111');
    await store.set('pb', 'API_KEY', 'value-of-b-2222');
    expect(await store.get('pa', 'API_KEY')).toBe('value-of-a-1111');
    expect(await store.get('pb', 'API_KEY')).toBe('value-of-b-2222');
    await store.delete('pa', 'API_KEY');
    await store.delete('pb', 'API_KEY');
  });

  it('refuses an empty value with the field named', async () => {
    await expect(store.set('p1', 'API_KEY', '')).rejects.toThrow('secret API_KEY: expected a non-empty string');
  });
});

describe('keychain unavailable', () => {
  it('is an explicit error naming cause and fix when no Secret Service answers (no plaintext fallback)', () => {
    const script = `
      import { KeychainSecretStore } from './src-main/core/secrets/store.ts';
      try { await new KeychainSecretStore('parley-none').set('p', 'K', 'v-123456'); console.log('STORED'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'parley-nohome-')), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(result.message).toMatch(/OS keychain unavailable: .*Secret Service/);
    expect(result.message).toMatch(/gnome-keyring|KeePassXC/);
  });

  it('explains a locked collection differently from a missing provider', () => {
    const locked = explainKeychainError(new Error('Secret Service: no result found'), 'linux');
    const missing = explainKeychainError(new Error('org.freedesktop.DBus.Error.ServiceUnknown'), 'linux');
    expect(locked).toBeInstanceOf(KeychainUnavailableError);
    expect(locked.fix).toContain('Unlock');
    expect(missing.fix).toContain('Install and start a Secret Service provider');
  });
});

describe('core secrets handlers', () => {
  it('show set / not set and the last four characters, never the value, and keep it out of every file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-core-'));
    const core = createCore({ dataDir, secrets: new KeychainSecretStore(`${service}-core`) });
    const profile = await core.handlers['profiles.save']({ profile: { name: 'Live Tencent', vendor: 'tencent', target: 'live' } });
    const secret = 'tc-secret-key-ZZ9876';
    const status = await core.handlers['secrets.set']({ profileId: profile.id, name: 'SECRET_KEY', value: secret });
    expect(status).toMatchObject({ name: 'SECRET_KEY', set: true, last4: '9876' });
    expect(JSON.stringify(await core.handlers['secrets.status']({ profileId: profile.id }))).not.toContain(secret);
    for (const f of filesUnder(dataDir)) if (statSync(f).size < 5_000_000) expect(readFileSync(f, 'utf8')).not.toContain(secret);
    await core.handlers['profiles.delete']({ id: profile.id });
    expect(await new KeychainSecretStore(`${service}-core`).get(profile.id, 'SECRET_KEY')).toBeNull();
    await core.close();
  });

  it('rejects a credential the vendor does not have', async () => {
    const core = createCore({ dataDir: mkdtempSync(join(tmpdir(), 'parley-core-')), secrets: new KeychainSecretStore(`${service}-core`) });
    const profile = await core.handlers['profiles.save']({ profile: { name: 'x', vendor: 'convai', target: 'live' } });
    await expect(core.handlers['secrets.set']({ profileId: profile.id, name: 'NOPE', value: 'v-123456' })).rejects.toThrow('convai has no credential "NOPE"');
    await core.close();
  });
});
