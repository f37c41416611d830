import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliUsageError, type CliIO } from './command.ts';

/** The bytes of a `--body FILE`, with a usage error naming the file when it cannot be read. */
export function readBodyBytes(file: string, io: CliIO): Buffer {
  const path = resolve(io.cwd, file);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliUsageError(`--body: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A `--body FILE` holding one JSON object. */
export function readJsonBody(file: string, io: CliIO): Record<string, unknown> {
  const text = readBodyBytes(file, io).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--body: ${resolve(io.cwd, file)} is not valid JSON (${(err as Error).message})`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CliUsageError(`--body: expected a JSON object in ${resolve(io.cwd, file)}`);
  return body as Record<string, unknown>;
}
