import { Entry } from '@napi-rs/keyring';

export const KEYCHAIN_SERVICE = 'parley';

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
    return new KeychainUnavailableError(`macOS Keychain refused the request (${raw})`, 'Unlock the login keychain in Keychain Access and allow Parley access, then retry.');
  return new KeychainUnavailableError(`Windows Credential Manager refused the request (${raw})`, 'Check that Credential Manager is available for your user, then retry.');
}

/** Secrets per profile in the OS keychain: service `parley`, account `<profileId>/<name>`. */
export interface SecretStore {
  get(profileId: string, name: string): Promise<string | null>;
  set(profileId: string, name: string, value: string): Promise<void>;
  delete(profileId: string, name: string): Promise<void>;
}

export class KeychainSecretStore implements SecretStore {
  private readonly service: string;

  constructor(service = KEYCHAIN_SERVICE) {
    this.service = service;
  }

  private entry(profileId: string, name: string): Entry {
    return new Entry(this.service, `${profileId}/${name}`);
  }

  async get(profileId: string, name: string): Promise<string | null> {
    try {
      return this.entry(profileId, name).getPassword() ?? null;
    } catch (err) {
      throw explainKeychainError(err);
    }
  }

  async set(profileId: string, name: string, value: string): Promise<void> {
    if (typeof value !== 'string' || value.length === 0) throw new Error(`secret ${name}: expected a non-empty string`);
    try {
      this.entry(profileId, name).setPassword(value);
    } catch (err) {
      throw explainKeychainError(err);
    }
  }

  async delete(profileId: string, name: string): Promise<void> {
    try {
      this.entry(profileId, name).deletePassword();
    } catch (err) {
      throw explainKeychainError(err);
    }
  }
}
