import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Profile } from './types.ts';

/** Profiles as one JSON file (no secrets in it: those are in the keychain). */
export class ProfileStore {
  private profiles: Profile[];

  private readonly file: string;

  constructor(file: string) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    this.profiles = this.load();
  }

  private load(): Profile[] {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed.profiles) ? parsed.profiles : [];
    } catch {
      return [];
    }
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
