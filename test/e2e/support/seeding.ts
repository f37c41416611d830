import type { Core } from '../../../src-main/core/core.ts';

/**
 * Wait for the sandbox profiles to be seeded; when that failed (e.g. the keychain refused a write), fail at once with
 * the cause instead of letting every test time out waiting for the profile list.
 */
export async function seeded(core: Core): Promise<void> {
  try {
    await core.handlers['profiles.list']({});
  } catch (err) {
    await core.close();
    throw new Error(`seeding the sandbox profiles failed: ${(err as Error).message}`, { cause: err });
  }
}
