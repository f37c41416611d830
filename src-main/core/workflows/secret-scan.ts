/**
 * Finds stored secret values in text that is about to leave the app (a case file, a bundle, a snippet).
 * The result names where each secret comes from (profile and credential), never the value itself.
 */
import type { Profile } from '../profiles/types.ts';
import type { SecretStore } from '../secrets/store.ts';
import { encodedForms, MIN_SECRET_LENGTH, type Redactor } from '../secrets/redact.ts';
import type { VendorDescriptor } from '../vendors/types.ts';

export interface KnownSecret {
  /** Where the value is stored, e.g. `profile "Tencent live" · SECRET_KEY`. */
  label: string;
  value: string;
}

export class SecretScanner {
  private readonly known: (KnownSecret & { forms: string[] })[];
  private readonly redactor: Redactor | undefined;

  constructor(known: KnownSecret[], redactor?: Redactor) {
    this.known = known.filter((k) => k.value.length >= MIN_SECRET_LENGTH).map((k) => ({ ...k, forms: encodedForms(k.value) }));
    this.redactor = redactor;
  }

  /** Labels of every secret found in `text`, in any of its encoded forms (base64, hex, URL and form encoding ...). */
  scan(text: string): string[] {
    const found = new Set<string>();
    for (const k of this.known) if (k.forms.some((v) => text.includes(v))) found.add(k.label);
    // The session engine's redactor also knows derived secrets (minted tokens, signing keys) and values used
    // by earlier sessions of this run; it cannot say which one matched.
    if (this.redactor?.contains(text)) found.add('a credential used by a session in this run');
    return [...found];
  }

  /** Throw a clear error naming the secrets (not their values) when any is present. */
  assertClean(text: string, what: string): void {
    const found = this.scan(text);
    if (found.length)
      throw new SecretFoundError(
        `${what} contains a stored secret value (${found.join('; ')}): refusing to write it. Use {{secret:NAME}} references instead.`,
        found,
      );
  }
}

export class SecretFoundError extends Error {
  readonly code = 'SECRET_FOUND';
  readonly found: string[];
  constructor(message: string, found: string[]) {
    super(message);
    this.found = found;
  }
}

/** Every secret credential value stored in the keychain for every profile. */
export async function storedSecrets(profiles: Profile[], store: SecretStore, vendorOf: (id: string) => VendorDescriptor): Promise<KnownSecret[]> {
  const out: KnownSecret[] = [];
  for (const p of profiles) {
    for (const field of vendorOf(p.vendor).credentials) {
      if (!field.secret) continue;
      const value = await store.get(p.id, field.name);
      if (value) out.push({ label: `profile "${p.name}" · ${field.name}`, value });
    }
  }
  return out;
}
