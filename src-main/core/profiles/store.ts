import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadJsonStore, type Notices, type StoreShape } from '../notices.ts';
import { isId } from '../paths.ts';
import type { Profile } from './types.ts';
import { isVendorId } from '../vendors/registry.ts';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A stored profile Parley can use: an id, a name, a registered vendor and a target, settings as an object. */
export function isUsableProfile(p: unknown): p is Profile {
  return (
    isObject(p) &&
    isId(p.id) &&
    typeof p.name === 'string' &&
    typeof p.vendor === 'string' &&
    isVendorId(p.vendor) &&
    (p.target === 'sandbox' || p.target === 'live') &&
    isObject(p.settings) &&
    (p.timeouts === undefined || isObject(p.timeouts))
  );
}

function profilesShape(value: unknown): StoreShape<Profile[]> | null {
  if (!isObject(value) || !Array.isArray(value.profiles)) return null;
  const all: unknown[] = value.profiles;
  return { value: all.filter(isUsableProfile), rejected: all.filter((p) => !isUsableProfile(p)) };
}

/**
 * Profiles as one JSON file (no secrets in them: those are in the keychain). An unreadable file is set aside under a
 * new name (never overwritten) and the user is told through `notices`; a malformed profile is set aside alone.
 */
export class ProfileStore {
  private profiles: Profile[];

  private readonly file: string;

  constructor(file: string, notices?: Notices) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    this.profiles = loadJsonStore(file, profilesShape, notices) ?? [];
  }

  private save(): void {
    writeFileSync(this.file + '.tmp', JSON.stringify({ version: 1, profiles: this.profiles }, null, 2));
    renameSync(this.file + '.tmp', this.file);
  }

  list(): Profile[] {
    return this.profiles.map((p) => structuredClone(p));
  }

  get(id: string): Profile {
    const p = this.profiles.find((x) => x.id === id);
    if (!p) throw new Error(`profile ${id} does not exist`);
    return structuredClone(p);
  }

  find(idOrName: string): Profile | undefined {
    const p = this.profiles.find((x) => x.id === idOrName) ?? this.profiles.find((x) => x.name === idOrName);
    return p && structuredClone(p);
  }

  upsert(input: Omit<Profile, 'id' | 'createdAt' | 'updatedAt'> & { id?: string }): Profile {
    const now = new Date().toISOString();
    const existing = input.id ? this.profiles.find((x) => x.id === input.id) : undefined;
    const profile: Profile = {
      ...existing,
      ...input,
      id: existing?.id ?? input.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.profiles = existing ? this.profiles.map((x) => (x.id === profile.id ? profile : x)) : [...this.profiles, profile];
    this.save();
    return structuredClone(profile);
  }

  remove(id: string): void {
    this.profiles = this.profiles.filter((x) => x.id !== id);
    this.save();
  }
}
