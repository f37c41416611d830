/**
 * Ids and paths from the renderer (which also runs closed-source RTC SDKs) are untrusted. Every id the contract takes
 * matches one pattern, every file below a trusted folder is reached through `confined()`, and every file Parley reads
 * on someone's behalf goes through `readRegularFile()` (no devices, pipes or sockets; a size limit).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Session, comparison, profile and other ids: a letter or digit, then letters, digits, `_` or `-`; at most 128. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$';
const ID_RE = new RegExp(ID_PATTERN);

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_RE.test(value);
}

/** A path refused because it leaves the folder it must stay in, or was never chosen by the user. */
export class PathRefusedError extends Error {
  readonly code = 'PATH_REFUSED';
}

/** A file that exists but is not one Parley reads: a folder, a device, a pipe, or larger than the limit. */
export class FileRefusedError extends Error {
  readonly code = 'FILE_REFUSED';
}

export function assertId(value: string, what: string): string {
  if (!isId(value)) throw new PathRefusedError(`${what}: expected an id (letters, digits, _ and -, at most 128 characters)`);
  return value;
}

/** True when `path` is `root` or below it (both absolute and normalised; no file-system access). */
export function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
}

/**
 * The real path of `root` joined with `parts`, refused when it would leave `root`: lexically (`..`, an absolute part)
 * or through a symbolic link anywhere on the way, a dangling one included. A path that does not exist yet is resolved
 * through its deepest existing folder, so it can be created safely. Nothing outside `root` is ever touched.
 */
export function confined(root: string, ...parts: string[]): string {
  const base = realRoot(root);
  for (const part of parts) if (isAbsolute(part)) throw new PathRefusedError(`${part}: expected a name inside ${basename(base)}, not an absolute path`);
  const lexical = resolve(base, ...parts);
  if (!isInside(base, lexical)) throw new PathRefusedError(`${parts.join('/')}: leaves the folder it must stay in`);
  return realInside(base, lexical);
}

/** `lexical` (already inside `base`) with every existing link resolved; refused when a link points out of `base`. */
function realInside(base: string, lexical: string): string {
  const missing: string[] = [];
  let probe = lexical;
  for (;;) {
    let real: string | null = null;
    try {
      real = realpathSync(probe);
    } catch {
      let isLink = false;
      try {
        isLink = lstatSync(probe).isSymbolicLink();
      } catch {
        /* does not exist: go up one level */
      }
      if (isLink) throw new PathRefusedError(`${relative(base, lexical) || '.'}: goes through a broken link`);
    }
    if (real !== null) {
      if (!isInside(base, real)) throw new PathRefusedError(`${relative(base, lexical) || '.'}: a link inside points out of the folder`);
      return missing.length ? join(real, ...missing) : real;
    }
    const up = dirname(probe);
    if (up === probe) throw new PathRefusedError(`${lexical}: no such folder`);
    missing.unshift(basename(probe));
    probe = up;
  }
}

/**
 * `path` (absolute) as a real path inside one of `roots`, or null when it is in none of them. Compared against each
 * root as given and as its real path (a data folder under a linked /tmp), then checked link by link like confined().
 */
export function insideAny(roots: readonly string[], path: string): string | null {
  if (!isAbsolute(path)) return null;
  const target = resolve(path);
  for (const root of roots) {
    for (const candidate of new Set([resolve(root), realRoot(root)])) {
      if (!isInside(candidate, target)) continue;
      return confined(candidate, relative(candidate, target));
    }
  }
  return null;
}

export const MiB = 1024 * 1024;

/** File-system error codes in words, for messages a user reads. */
export const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EEXIST: 'already exists',
  ENOSPC: 'the disk is full',
  EROFS: 'the disk is read-only',
  ELOOP: 'too many links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENXIO: 'no reader or device behind it',
};

export function fsErrorText(code: string | undefined): string {
  return (code && FS_ERRORS[code]) ?? `the file system refused (${code ?? 'unknown error'})`;
}

function megabytes(n: number): string {
  return `${Math.round((n / MiB) * 10) / 10} MB`;
}

/**
 * The bytes of a regular file of at most `maxBytes`. Devices (/dev/zero), pipes and sockets are refused before a byte
 * is read (the open does not block on a pipe); so are folders. Messages name the file, never its content.
 */
export function readRegularFile(path: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new FileRefusedError(`${what}: ${fsErrorText((err as NodeJS.ErrnoException).code)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileRefusedError(`${what}: is a folder, expected a file`);
    if (!stat.isFile()) throw new FileRefusedError(`${what}: is not a regular file (a device, pipe or socket)`);
    if (stat.size > maxBytes) throw new FileRefusedError(`${what}: ${megabytes(stat.size)} is larger than the ${megabytes(maxBytes)} Parley reads`);
    const out = Buffer.alloc(stat.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === out.length ? out : out.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** A name for a file set aside next to the original: `profiles.json.unreadable-2026-12-01T10-00-00-000Z`. */
export function setAsideName(file: string, now = new Date()): string {
  return `${file}.unreadable-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Write a file in a folder the user owns (a case folder, a bundle's folder) all at once: into a new temporary file,
 * created exclusively so a planted link under the temporary name is never followed, then renamed over the target.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { flag: 'wx' });
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
