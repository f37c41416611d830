import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder Electron calls userData for an app named Parley; the CLI uses the same one. PARLEY_DATA_DIR overrides. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PARLEY_DATA_DIR) return env.PARLEY_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Parley');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Parley');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Parley');
}
