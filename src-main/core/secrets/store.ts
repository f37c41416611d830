import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';

export const KEYCHAIN_SERVICE = 'parley';

/**
 * On Linux every entry is pinned to the Secret Service (gnome-keyring, KeePassXC, KWallet's provider). Without the pin
 * the keyring crate falls back to the kernel keyring when no Secret Service answers, which keeps secrets only until
 * the next reboot and so loses every stored key silently; pinned, the call fails and the user is told what to
 * install or unlock (KEYCHAIN_UNAVAILABLE). Other platforms ignore the option (macOS Keychain, Windows Credential
 * Manager).
 */
export const KEYCHAIN_ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

/** Keychain could not be used. Never answered by a plaintext fallback: the user gets the cause and the fix. */
export class KeychainUnavailableError extends Error {
  readonly code = 'KEYCHAIN_UNAVAILABLE';
  readonly reason: string;
  readonly fix: string;
  constructor(reason: string, fix: string) {
    super(`OS keychain unavailable: ${reason}. ${fix}`);
    this.reason = reason;
    this.fix = fix;
  }
}

export function explainKeychainError(err: unknown, platform: NodeJS.Platform = process.platform): KeychainUnavailableError {
  const raw = err instanceof Error ? err.message : String(err);
  if (platform === 'linux') {
    if (/no result found|collection|locked|unlock/i.test(raw))
      return new KeychainUnavailableError(
        `the Secret Service has no unlocked default collection (${raw})`,
        'Unlock your login keyring (open "Passwords and Keys" / Seahorse, or run `gnome-keyring-daemon --unlock`), then retry.',
      );
    return new KeychainUnavailableError(
      `no Secret Service provider answered on D-Bus (${raw})`,
      'Install and start a Secret Service provider such as gnome-keyring or KeePassXC (with Secret Service enabled), make sure DBUS_SESSION_BUS_ADDRESS is set, then retry.',
    );
  }
  if (platform === 'darwin')
    return new KeychainUnavailableError(
      `macOS Keychain refused the request (${raw})`,
      'Unlock the login keychain in Keychain Access and allow Parley access, then retry.',
    );
  return new KeychainUnavailableError(
    `Windows Credential Manager refused the request (${raw})`,
    'Check that Credential Manager is available for your user, then retry.',
  );
}

/**
 * Secrets per profile in the OS keychain: service `parley`, account `<profileId>/<name>`. The asynchronous entry API
 * runs each keychain call off the main thread, so a keychain that waits for the user (an unlock or access prompt)
 * does not freeze the app's main process.
 */
export interface SecretStore {
  get(profileId: string, name: string): Promise<string | null>;
  set(profileId: string, name: string, value: string): Promise<void>;
  delete(profileId: string, name: string): Promise<void>;
}

/**
 * One keychain call at a time in this process, whatever the store. Off the main thread, calls could otherwise run
 * side by side, and gnome-keyring-daemon does not survive concurrent Secret Service requests (it drops off the bus:
 * "Message recipient disconnected from message bus without replying", and every later call fails).
 */
let keychainQueue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(call: () => Promise<T>): Promise<T> {
  const run = keychainQueue.then(call, call);
  keychainQueue = run.catch(() => undefined);
  return run;
}

export class KeychainSecretStore implements SecretStore {
  private readonly service: string;
  /**
   * One entry per secret, kept: on Linux each entry holds its own D-Bus connection until it is garbage-collected, so
   * a new entry per call piles up connections (a session bus refuses more than its per-user limit). An entry whose
   * call failed is dropped, so the next call starts afresh (a restarted bus, an unlocked keyring).
   */
  private readonly entries = new Map<string, AsyncEntry>();

  constructor(service = KEYCHAIN_SERVICE) {
    this.service = service;
  }

  private async call<T>(profileId: string, name: string, use: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    const account = `${profileId}/${name}`;
    return oneAtATime(async () => {
      try {
        let entry = this.entries.get(account);
        if (!entry) {
          // Creating the entry already connects to the Secret Service on Linux, so it can fail too.
          entry = new AsyncEntry(this.service, account, KEYCHAIN_ENTRY_OPTIONS);
          this.entries.set(account, entry);
        }
        return await use(entry);
      } catch (err) {
        this.entries.delete(account);
        throw explainKeychainError(err);
      }
    });
  }

  async get(profileId: string, name: string): Promise<string | null> {
    return (await this.call(profileId, name, (e) => e.getPassword())) ?? null;
  }

  async set(profileId: string, name: string, value: string): Promise<void> {
    if (typeof value !== 'string' || value.length === 0) throw new Error(`secret ${name}: expected a non-empty string`);
    await this.call(profileId, name, (e) => e.setPassword(value));
  }

  async delete(profileId: string, name: string): Promise<void> {
    await this.call(profileId, name, (e) => e.deletePassword());
  }
}
