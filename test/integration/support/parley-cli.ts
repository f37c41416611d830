import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '../../..');
const execFileAsync = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `node bin/parley.mjs ARGS` as a child process in `cwd`, with a clean environment (PATH, HOME=cwd,
 * PARLEY_DATA_DIR=cwd/data) plus `env`. Never throws for a non-zero exit: the code is in the result.
 */
export async function runParley(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(ROOT, 'bin/parley.mjs'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, PARLEY_DATA_DIR: join(cwd, 'data'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
