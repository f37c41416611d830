import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * How KeychainSecretStore uses @napi-rs/keyring: the asynchronous entries (a keychain prompt must not freeze the
 * main process) pinned to the Secret Service on Linux (no silent fallback to the kernel keyring, which forgets every
 * key at reboot). The native module is replaced here only to see the options it receives; the real keychain is
 * exercised in test/keychain.
 */
const keyring = vi.hoisted(() => {
  const created: { service: string; account: string; options: unknown }[] = [];
  const stored = new Map<string, string>();
  let failure: Error | null = null;
  let failNext: Error | null = null;
  const flight = { now: 0, max: 0 };
  // Each call is "in the keychain" for a moment: long enough for concurrent callers to overlap if they may.
  const tick = async () => {
    flight.max = Math.max(flight.max, ++flight.now);
    await new Promise((r) => setTimeout(r, 1));
    flight.now--;
    const once = failNext;
    failNext = null;
    if (once) throw once;
  };
  class AsyncEntry {
    readonly key: string;
    constructor(service: string, account: string, options?: unknown) {
      created.push({ service, account, options });
      this.key = `${service}:${account}`;
    }
    async getPassword(): Promise<string | null> {
      await tick();
      if (failure) throw failure;
      return stored.get(this.key) ?? null;
    }
    async setPassword(value: string): Promise<void> {
      await tick();
      if (failure) throw failure;
      stored.set(this.key, value);
    }
    async deletePassword(): Promise<boolean> {
      await tick();
      if (failure) throw failure;
      return stored.delete(this.key);
    }
  }
  class Entry {
    constructor() {
      throw new Error('the synchronous Entry blocks the main process while the keychain answers');
    }
  }
  return { AsyncEntry, Entry, created, stored, flight, fail: (err: Error | null) => (failure = err), failNext: (err: Error) => (failNext = err) };
});
vi.mock('@napi-rs/keyring', () => ({ AsyncEntry: keyring.AsyncEntry, Entry: keyring.Entry }));

const { KeychainSecretStore, KEYCHAIN_ENTRY_OPTIONS } = await import('../../../src-main/core/secrets/store.ts');

beforeEach(() => {
  keyring.created.length = 0;
  keyring.stored.clear();
  keyring.fail(null);
  keyring.flight.max = 0;
});

describe('keychain options', () => {
  it('pins every entry to the Secret Service on Linux', () => {
    expect(KEYCHAIN_ENTRY_OPTIONS).toEqual({ linux: { store: 'secret-service' } });
  });

  it('uses asynchronous entries with those options for set, get and delete, twice', async () => {
    const store = new KeychainSecretStore('parley-unit');
    for (let round = 0; round < 2; round++) {
      await store.set('p1', 'API_KEY', `value-${round}`);
      expect(await store.get('p1', 'API_KEY')).toBe(`value-${round}`);
      await store.delete('p1', 'API_KEY');
      expect(await store.get('p1', 'API_KEY')).toBeNull();
    }
    // One entry for the one secret: on Linux each entry holds a D-Bus connection, so entries are not made per call.
    expect(keyring.created).toEqual([{ service: 'parley-unit', account: 'p1/API_KEY', options: { linux: { store: 'secret-service' } } }]);
  });

  it('starts a fresh entry after a failed call (a restarted bus, a keyring unlocked since)', async () => {
    const store = new KeychainSecretStore('parley-unit');
    await store.set('p', 'K', 'v-123456');
    keyring.failNext(new Error('Platform failure: DBus error: Message recipient disconnected from message bus without replying'));
    await expect(store.get('p', 'K')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await store.get('p', 'K')).toBe('v-123456');
    expect(keyring.created).toHaveLength(2);
  });

  it('turns a missing Secret Service into KEYCHAIN_UNAVAILABLE with the fix, for every call', async () => {
    keyring.fail(new Error('Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory'));
    const store = new KeychainSecretStore('parley-unit');
    for (const attempt of [() => store.get('p', 'K'), () => store.set('p', 'K', 'v-123456'), () => store.delete('p', 'K')]) {
      const err = await attempt().then(
        () => null,
        (e: Error & { code?: string; fix?: string }) => e,
      );
      expect(err?.code).toBe('KEYCHAIN_UNAVAILABLE');
      expect(err?.message).toMatch(/^OS keychain unavailable: no Secret Service provider answered on D-Bus/);
      expect(err?.fix).toMatch(/gnome-keyring|KeePassXC/);
    }
  });

  it('sends one keychain call at a time, across stores, even when many are asked at once (gnome-keyring drops off the bus otherwise)', async () => {
    const a = new KeychainSecretStore('parley-unit-a');
    const b = new KeychainSecretStore('parley-unit-b');
    await Promise.all([...Array(6).keys()].flatMap((i) => [a.set('p', `K${i}`, `a-${i}`), b.set('p', `K${i}`, `b-${i}`)]));
    const read = await Promise.all([...Array(6).keys()].flatMap((i) => [a.get('p', `K${i}`), b.get('p', `K${i}`)]));
    expect(read).toEqual([...Array(6).keys()].flatMap((i) => [`a-${i}`, `b-${i}`]));
    expect(keyring.flight.max).toBe(1);
  });

  it('a failed call does not stop the ones queued behind it', async () => {
    const store = new KeychainSecretStore('parley-unit');
    await store.set('p', 'K', 'v-123456');
    keyring.failNext(new Error('Secret Service: no result found'));
    const [first, second] = await Promise.allSettled([store.get('p', 'K'), store.get('p', 'K')]);
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(second).toEqual({ status: 'fulfilled', value: 'v-123456' });
  });
});
