import type { SecretStore } from '../../../src-main/core/secrets/store.ts';

/** An in-memory SecretStore for unit tests of the shell (the real keychain is covered by test/keychain). */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(profileId: string, name: string): Promise<string | null> {
    return this.values.get(`${profileId}/${name}`) ?? null;
  }
  async set(profileId: string, name: string, value: string): Promise<void> {
    this.values.set(`${profileId}/${name}`, value);
  }
  async delete(profileId: string, name: string): Promise<void> {
    this.values.delete(`${profileId}/${name}`);
  }
}
