/**
 * Things the user must be told that no operation they called would report: a store that could not be read and was
 * set aside (profiles.json, pins.json, grants.json, a session record). The renderer shows them until dismissed.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FileRefusedError, MiB, readRegularFile, setAsideName } from './paths.ts';

export type SetAsideReason = 'not-json' | 'wrong-shape' | 'bad-entries' | 'not-a-file';

export interface Notice {
  id: string;
  at: string;
  kind: 'set-aside';
  /** The file's name (no folder): `profiles.json`, `20261201T…-tencent-1a2b3c4d.json`. */
  file: string;
  /** Where its content is kept now, next to it. */
  movedTo: string;
  reason: SetAsideReason;
  /** With `bad-entries`: how many entries were set aside (the others are in use). */
  count?: number;
}

const MAX_NOTICES = 50;

export class Notices {
  private items: Notice[] = [];

  add(n: Omit<Notice, 'id' | 'at' | 'kind'>): Notice {
    const notice: Notice = { id: randomUUID(), at: new Date().toISOString(), kind: 'set-aside', ...n };
    this.items = [...this.items, notice].slice(-MAX_NOTICES);
    return notice;
  }

  list(): Notice[] {
    return this.items.map((n) => ({ ...n }));
  }

  dismiss(id: string): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

/** Move an unreadable file out of the way under a new name (nothing is deleted) and tell the user. */
export function setAside(file: string, reason: SetAsideReason, notices: Notices | undefined): string {
  let target = setAsideName(file);
  for (let i = 2; existsSync(target); i++) target = `${setAsideName(file)}-${i}`;
  try {
    renameSync(file, target);
  } catch {
    // Cannot rename (read-only folder): keep a copy so the next save cannot cost the content.
    try {
      copyFileSync(file, target);
    } catch {
      /* nothing more can be done; the notice still tells the user */
    }
  }
  notices?.add({ file: basename(file), movedTo: basename(target), reason });
  return target;
}

/** What a store makes of the parsed JSON: its value, and the entries it could not use (kept aside, not lost). */
export interface StoreShape<T> {
  value: T;
  rejected: unknown[];
}

/**
 * Read a JSON store file. Missing: null (a fresh store). Not JSON, or not the store's shape: the file is set aside
 * and null returned. Some entries unusable: those entries are written to a set-aside file and the rest returned, so
 * one bad entry never costs the others.
 */
export function loadJsonStore<T>(file: string, shape: (value: unknown) => StoreShape<T> | null, notices: Notices | undefined, maxBytes = 64 * MiB): T | null {
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = readRegularFile(file, maxBytes, basename(file)).toString('utf8');
  } catch (err) {
    if (err instanceof FileRefusedError) setAside(file, 'not-a-file', notices);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    setAside(file, 'not-json', notices);
    return null;
  }
  const shaped = shape(parsed);
  if (!shaped) {
    setAside(file, 'wrong-shape', notices);
    return null;
  }
  if (shaped.rejected.length) {
    let target = setAsideName(file);
    for (let i = 2; existsSync(target); i++) target = `${setAsideName(file)}-${i}`;
    try {
      writeFileSync(target, JSON.stringify({ setAsideFrom: basename(file), entries: shaped.rejected }, null, 2));
    } catch {
      /* the notice still tells the user */
    }
    notices?.add({ file: basename(file), movedTo: basename(target), reason: 'bad-entries', count: shaped.rejected.length });
  }
  return shaped.value;
}
