import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The `resources/` folder (sample utterances, sandbox media). Found from PARLEY_RESOURCES_DIR, the packaged app's
 * resources path (electron-builder extraResources → `<resourcesPath>/resources`), or by walking up from this module
 * (the repository when run from source, the CLI, tests and `out/main` in development).
 */
export function resourcesDir(): string {
  const fromEnv = process.env.PARLEY_RESOURCES_DIR;
  if (fromEnv) return resolve(fromEnv);
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'resources'))) return join(packaged, 'resources');
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'resources', 'utterances'))) return join(dir, 'resources');
    dir = dirname(dir);
  }
  throw new Error('resources folder not found: set PARLEY_RESOURCES_DIR to the folder holding utterances/ and the sandbox media');
}

export function resourcePath(...parts: string[]): string {
  return join(resourcesDir(), ...parts);
}
