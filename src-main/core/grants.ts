/**
 * Files the user names come from the user: the renderer asks main for a native open/save dialog (dialog.open,
 * dialog.save), main remembers the answer as granted, and every handler that takes a path resolves it here. A path is
 * usable when it is below the data folder, below a shipped resource folder that purpose reads, or granted for that
 * purpose; anything else is refused before the file system is touched, so an error never says whether it exists.
 * The CLI does not go through here: its user types the path.
 */
import { existsSync, mkdirSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { loadJsonStore, type Notices, type StoreShape } from './notices.ts';
import { confined, insideAny, PathRefusedError } from './paths.ts';

export const OPEN_PURPOSES = ['caseFolder', 'bundleOpen', 'speechWav'] as const;
export const SAVE_PURPOSES = ['bundleSave'] as const;
export type OpenPurpose = (typeof OPEN_PURPOSES)[number];
export type SavePurpose = (typeof SAVE_PURPOSES)[number];
export type Purpose = OpenPurpose | SavePurpose;

/** How a path is used by a handler: the folder of cases, a case file in it, a bundle to read or write, speech. */
export type Use = 'caseFolder' | 'caseFile' | 'bundleRead' | 'bundleWrite' | 'speechWav';

const BUNDLE_SUFFIX = '.parley-bundle.json';

/** The native dialog of the app (Electron's), or a test's stand-in. Answers an absolute path, or null when cancelled. */
export interface FileDialog {
  open(request: { purpose: OpenPurpose; locale: string }): Promise<string | null>;
  save(request: { purpose: SavePurpose; locale: string; defaultName: string }): Promise<string | null>;
}

interface Grant {
  purpose: Purpose;
  path: string;
}

/** Case folders are remembered across starts (the renderer keeps the chosen folder); files are granted per run. */
const PERSISTED: readonly Purpose[] = ['caseFolder'];
const MAX_PERSISTED = 20;

function grantsShape(value: unknown): StoreShape<Grant[]> | null {
  if (!value || typeof value !== 'object' || !Array.isArray((value as { grants?: unknown }).grants)) return null;
  const all = (value as { grants: unknown[] }).grants;
  const ok = (g: unknown): g is Grant =>
    !!g && typeof g === 'object' && PERSISTED.includes((g as Grant).purpose) && typeof (g as Grant).path === 'string' && isAbsolute((g as Grant).path);
  return { value: all.filter(ok), rejected: all.filter((g) => !ok(g)) };
}

export interface GrantOptions {
  dataDir: string;
  /** Shipped folders a use may read (sample utterances for speech). */
  resources?: Partial<Record<Use, string[]>>;
  notices?: Notices;
}

export class Grants {
  private grants: Grant[];
  private readonly file: string;
  private readonly dataDir: string;
  private readonly resources: Partial<Record<Use, string[]>>;

  constructor(options: GrantOptions) {
    this.dataDir = options.dataDir;
    this.resources = options.resources ?? {};
    this.file = join(options.dataDir, 'grants.json');
    mkdirSync(options.dataDir, { recursive: true });
    this.grants = loadJsonStore(this.file, grantsShape, options.notices) ?? [];
  }

  /**
   * Record what the user chose in a dialog; returns the path the renderer should use from now on (its real path).
   * Folders must exist; an opened file must exist; a bundle to save gets the bundle suffix and needs its folder.
   */
  grant(purpose: Purpose, chosen: string): string {
    if (!isAbsolute(chosen)) throw new PathRefusedError(`${purpose}: the dialog answered a relative path`);
    let path: string;
    if (purpose === 'bundleSave') {
      const named = chosen.endsWith(BUNDLE_SUFFIX) ? chosen : `${chosen.replace(/\.json$/i, '')}${BUNDLE_SUFFIX}`;
      if (!existsSync(dirname(named)) || !statSync(dirname(named)).isDirectory()) throw new PathRefusedError(`${dirname(named)}: no such folder`);
      path = join(realpathSync(dirname(named)), basename(named));
    } else {
      // The user picked it, links included: the grant is for what it points at.
      if (!existsSync(chosen)) throw new PathRefusedError(`${chosen}: no such ${purpose === 'caseFolder' ? 'folder' : 'file'}`);
      path = realpathSync(chosen);
      if (purpose === 'caseFolder' && !statSync(path).isDirectory()) throw new PathRefusedError(`${chosen}: expected a folder`);
      if (purpose !== 'caseFolder' && !statSync(path).isFile()) throw new PathRefusedError(`${chosen}: expected a file`);
    }
    this.grants = [...this.grants.filter((g) => !(g.purpose === purpose && g.path === path)), { purpose, path }];
    if (PERSISTED.includes(purpose)) this.persist();
    return path;
  }

  private persist(): void {
    const kept = this.grants.filter((g) => PERSISTED.includes(g.purpose)).slice(-MAX_PERSISTED);
    this.grants = [...this.grants.filter((g) => !PERSISTED.includes(g.purpose)), ...kept];
    writeFileSync(this.file + '.tmp', JSON.stringify({ version: 1, grants: kept }, null, 2));
    renameSync(this.file + '.tmp', this.file);
  }

  private folders(purpose: Purpose): string[] {
    return this.grants.filter((g) => g.purpose === purpose).map((g) => g.path);
  }

  private files(...purposes: Purpose[]): Set<string> {
    return new Set(this.grants.filter((g) => purposes.includes(g.purpose)).map((g) => g.path));
  }

  /**
   * The real path the renderer may use for `use`, or a PathRefusedError that tells the user to choose the file in the
   * dialog. Below a granted folder or the data folder, links are followed only while they stay inside it.
   */
  resolve(use: Use, path: string, field: string): string {
    if (typeof path !== 'string' || !isAbsolute(path)) throw new PathRefusedError(`${field}: expected an absolute path chosen with "Choose…"`);
    const roots = [this.dataDir, ...(this.resources[use] ?? [])];
    if (use === 'caseFolder' || use === 'caseFile' || use === 'speechWav') roots.push(...this.folders('caseFolder'));
    const inside = insideAny(roots, path);
    if (inside) return inside;
    const files =
      use === 'bundleRead'
        ? this.files('bundleOpen', 'bundleSave')
        : use === 'bundleWrite'
          ? this.files('bundleSave')
          : use === 'speechWav'
            ? this.files('speechWav')
            : new Set<string>();
    const target = resolve(path);
    if (files.has(target)) return confined(dirname(target), basename(target));
    throw new PathRefusedError(`${field}: ${basename(target) || target} was not chosen with "Choose…" and is not in Parley's data folder; choose it again`);
  }
}
