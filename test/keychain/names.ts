import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A keychain service name that no other test file, process or call uses, e.g. `parley-test-connect-4242-k3x9q2`.
 * The Secret Service does not serialise two clients writing the same item (one of them gets "No such interface
 * org.freedesktop.Secret.Item"), so test files never share an item. Pass `import.meta.url`.
 */
export function testKeychainService(testFileUrl: string): string {
  const file = basename(fileURLToPath(testFileUrl)).replace(/\.test\.ts$|\.ts$/, '');
  return `parley-test-${file}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
