/**
 * Test cases as readable JSON files (`<name>.parley-case.json`) that a team keeps in git. A folder of case
 * files is a collection; sub-folders are nested collections.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { JsonSchema } from '../schema.ts';
import { validateSchema } from '../payload.ts';
// Parley's own file schema: compiled by Node on first use (the build generates validators for vendor schemas only).
import '../validation/node-compiler.ts';
import { VENDOR_ID_PATTERN } from '../vendors/types.ts';
import { isVendorId, vendorIdList } from '../vendors/registry.ts';
import { confined, isInside, MiB, readRegularFile, writeFileAtomic } from '../paths.ts';
import type { SecretScanner } from './secret-scan.ts';

export const CASE_SUFFIX = '.parley-case.json';

export interface CaseInput {
  /** WAV file, relative to the case file's folder (absolute paths are accepted but do not travel in git). */
  wav?: string;
  text?: string;
}

export interface CaseExpectations {
  /** HTTP status of the (first) control-plane response. */
  status?: number;
  /** The vendor error code the run must end with (a negative test). */
  errorCode?: string;
  /** Event kinds that must appear in the session record. */
  eventKinds?: string[];
  /** Upper bounds per metric name (STANDARD_METRICS or a vendor's own), in the metric's unit (ms for *_ms). */
  latencyBudgetsMs?: Record<string, number>;
}

export interface CaseFile {
  version: 1;
  name: string;
  vendor: string;
  operation: string;
  profile?: string;
  payload: Record<string, unknown>;
  input?: CaseInput;
  expectations?: CaseExpectations;
}

export const CASE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['version', 'name', 'vendor', 'operation', 'payload'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    // A registered vendor: checked after the schema (parseCase), so a vendor added to the registry needs nothing here.
    vendor: { type: 'string', pattern: VENDOR_ID_PATTERN },
    operation: { type: 'string', minLength: 1, maxLength: 120 },
    profile: { type: 'string', minLength: 1, maxLength: 120 },
    payload: { type: 'object' },
    input: {
      type: 'object',
      additionalProperties: false,
      properties: { wav: { type: 'string', minLength: 1, maxLength: 1024 }, text: { type: 'string', minLength: 1, maxLength: 10000 } },
    },
    expectations: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: { type: 'integer', minimum: 100, maximum: 599 },
        errorCode: { type: 'string', minLength: 1, maxLength: 200 },
        eventKinds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 120 }, maxItems: 200 },
        latencyBudgetsMs: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
      },
    },
  },
};

export class CaseFileError extends Error {
  readonly code = 'CASE_INVALID';
}

/** A case file is small; anything larger is not one (and is not read into memory). */
export const MAX_CASE_BYTES = 4 * MiB;
const CASE_KEYS = ['version', 'name', 'vendor', 'operation', 'payload'];

/**
 * Parse and check a case file's text; errors name the file and the field. They never quote the text: a file that is
 * not JSON, or JSON without any case field, is "not a Parley case file" whatever it holds.
 */
export function parseCase(text: string, source = 'case'): CaseFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CaseFileError(`${source}: not JSON, so not a Parley case file (is it damaged?)`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !CASE_KEYS.some((k) => Object.hasOwn(value as object, k)))
    throw new CaseFileError(`${source}: not a Parley case file (expected an object with ${CASE_KEYS.join(', ')})`);
  if ((value as { version?: unknown }).version === 2)
    throw new CaseFileError(`${source}: a scenario (version 2, several turns): open it in the Scenarios tab or run it with parley run`);
  const errors = validateSchema(CASE_SCHEMA, value);
  if (errors.length) throw new CaseFileError(`${source}: ${errors.map((e) => e.message).join('; ')}`);
  const c = value as CaseFile;
  if (!isVendorId(c.vendor)) throw new CaseFileError(`${source}: /vendor: expected one of ${vendorIdList()}, got "${c.vendor}"`);
  if (c.input && c.input.wav && c.input.text) throw new CaseFileError(`${source}: /input: give either wav or text, not both`);
  return c;
}

/** Stable, readable serialisation (two-space indent, fixed key order, trailing newline) so diffs in git stay small. */
export function serializeCase(c: CaseFile): string {
  const ordered: CaseFile = {
    version: 1,
    name: c.name,
    vendor: c.vendor,
    operation: c.operation,
    ...(c.profile ? { profile: c.profile } : {}),
    payload: c.payload,
  };
  if (c.input && (c.input.wav || c.input.text)) ordered.input = c.input;
  if (c.expectations && Object.keys(c.expectations).length) ordered.expectations = c.expectations;
  return JSON.stringify(ordered, null, 2) + '\n';
}

/** File name for a case name: lower-case words joined by '-', nothing that a file system or git dislikes. */
export function caseFileName(name: string): string {
  const slug = name
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/^\.+/, '')
    .slice(0, 120);
  if (!slug) throw new CaseFileError('name: expected at least one letter or digit');
  return slug + CASE_SUFFIX;
}

export interface CaseEntry<T = CaseFile> {
  /** Absolute path of the file. */
  path: string;
  /** Collection = the folder relative to the listed root ('' at the root). */
  collection: string;
  case?: T;
  /** Set instead of `case` when the file cannot be read: the list still shows it. */
  error?: string;
}

/** How far a listing goes: a case folder is a repository folder, not a disk. */
export const LIST_LIMITS = { maxDepth: 8, maxEntries: 10_000 };

/**
 * Every case file under `root` (recursively; folders are collections), sorted by collection then name. Links are
 * followed only to files inside `root` (never to folders: no cycles); a link out of it, a broken link or a pipe named
 * like a case is listed with its error, never read. More than LIST_LIMITS.maxEntries entries is an error, not a wait.
 */
export function listCases(root: string, limits?: typeof LIST_LIMITS): CaseEntry[];
/** The same listing with another reader (scenarios read version 1 and 2 files). */
export function listCases<T>(root: string, limits: typeof LIST_LIMITS | undefined, readFile: (path: string) => T): CaseEntry<T>[];
export function listCases<T>(root: string, limits = LIST_LIMITS, readFile: (path: string) => T = readCase as (path: string) => T): CaseEntry<T>[] {
  const dir = resolve(root);
  if (!existsSync(dir)) throw new CaseFileError(`${dir}: folder does not exist`);
  const real = realpathSync(dir);
  if (statSync(real).isFile()) return [{ path: real, collection: '', case: readFile(real) }];
  const out: CaseEntry<T>[] = [];
  let seen = 0;
  const entry = (p: string, d: string, read: () => T): void => {
    const collection = relative(real, d).split('\\').join('/');
    try {
      out.push({ path: p, collection, case: read() });
    } catch (err) {
      out.push({ path: p, collection, error: (err as Error).message });
    }
  };
  const walk = (d: string, depth: number) => {
    for (const ent of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (++seen > limits.maxEntries)
        throw new CaseFileError(`${dir}: more than ${limits.maxEntries.toLocaleString('en')} files and folders; choose the folder that holds your case files`);
      const name = ent.name;
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      if (ent.isDirectory()) {
        if (depth < limits.maxDepth) walk(p, depth + 1);
      } else if (name.endsWith(CASE_SUFFIX)) {
        if (ent.isFile()) entry(p, d, () => readFile(p));
        else if (ent.isSymbolicLink()) entry(p, d, () => readFile(linkInside(real, p)));
        else
          entry(p, d, () => {
            throw new CaseFileError(`${name}: not a regular file`);
          });
      }
    }
  };
  walk(real, 0);
  return out.sort((a, b) => (a.collection === b.collection ? basename(a.path).localeCompare(basename(b.path)) : a.collection < b.collection ? -1 : 1));
}

/** The target of a link to a file inside `root`; an error for a broken link, a link out of root or to a folder. */
function linkInside(root: string, link: string): string {
  let target: string;
  try {
    target = realpathSync(link);
  } catch {
    throw new CaseFileError(`${basename(link)}: a broken link`);
  }
  if (!isInside(root, target)) throw new CaseFileError(`${basename(link)}: a link out of the case folder, not read`);
  if (!lstatSync(target).isFile()) throw new CaseFileError(`${basename(link)}: a link to something that is not a file`);
  return target;
}

export function readCase(path: string): CaseFile {
  return parseCase(readRegularFile(path, MAX_CASE_BYTES, basename(path)).toString('utf8'), basename(path));
}

/**
 * Write a case. The payload must hold `{{secret:NAME}}` references only: a value equal to a stored secret is
 * refused (the error names the secret's profile and field, not the value).
 */
export function saveCase(dir: string, c: CaseFile, scanner: SecretScanner, opts: { overwrite?: boolean; fileName?: string } = {}): string {
  const text = serializeCase(parseCase(JSON.stringify(c), c.name || 'case'));
  scanner.assertClean(text, `case "${c.name}"`);
  mkdirSync(dir, { recursive: true });
  const path = confined(dir, opts.fileName ?? caseFileName(c.name));
  if (!path.endsWith(CASE_SUFFIX)) throw new CaseFileError(`fileName: expected a name ending in ${CASE_SUFFIX}`);
  if (!opts.overwrite && existsSync(path)) throw new CaseFileError(`${path}: a case file with this name exists (choose another name or overwrite)`);
  writeFileAtomic(path, text);
  return path;
}

/** Copy a case under a new name in the same folder ("<name> copy", "<name> copy 2" ...). */
export function duplicateCase(path: string, scanner: SecretScanner): string {
  const c = readCase(path);
  const dir = dirname(path);
  for (let i = 1; i < 1000; i++) {
    const name = i === 1 ? `${c.name} copy` : `${c.name} copy ${i}`;
    if (!existsSync(confined(dir, caseFileName(name)))) return saveCase(dir, { ...c, name }, scanner);
  }
  throw new CaseFileError(`${path}: too many copies`);
}

/** Rename: the `name` inside and the file name follow each other. */
export function renameCase(path: string, newName: string, scanner: SecretScanner): string {
  const c = readCase(path);
  const target = confined(dirname(path), caseFileName(newName));
  if (target !== path && existsSync(target)) throw new CaseFileError(`${target}: a case file with this name exists`);
  const written = saveCase(dirname(path), { ...c, name: newName }, scanner, { overwrite: target === path });
  if (written !== path) unlinkSync(path);
  return written;
}

export function deleteCase(path: string): void {
  if (!path.endsWith(CASE_SUFFIX)) throw new CaseFileError(`${path}: not a case file (${CASE_SUFFIX})`);
  if (!lstatSync(path).isFile()) throw new CaseFileError(`${basename(path)}: not a regular file, not deleted`);
  unlinkSync(path);
}

/** Absolute WAV path of a case input (relative paths are relative to the case file). */
export function resolveCaseInput(c: CaseFile, casePath: string | undefined): CaseInput | undefined {
  if (!c.input) return undefined;
  if (c.input.wav) return { wav: casePath ? resolve(dirname(casePath), c.input.wav) : resolve(c.input.wav) };
  return { text: c.input.text };
}
