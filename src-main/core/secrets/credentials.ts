import type { Profile } from '../profiles/types.ts';
import type { VendorDescriptor } from '../vendors/types.ts';

/** Where a profile's credential values come from: the keychain in the app; keychain, environment or demo values in the CLI. */
export type CredentialSource = (profile: Profile, name: string) => Promise<string | undefined>;

/**
 * A profile's credentials, each field its vendor declares read once from the source: a session, an inspection, a
 * room join or a minted room credential all read them through this, and a missing one is the same error everywhere.
 */
export class ProfileCredentials {
  readonly values: ReadonlyMap<string, string>;
  private readonly profile: Profile;
  private readonly secretNames: ReadonlySet<string>;

  private constructor(profile: Profile, values: Map<string, string>, secretNames: Set<string>) {
    this.profile = profile;
    this.values = values;
    this.secretNames = secretNames;
  }

  static async resolve(source: CredentialSource, profile: Profile, vendor: Pick<VendorDescriptor, 'credentials'>): Promise<ProfileCredentials> {
    const values = new Map<string, string>();
    for (const field of vendor.credentials) {
      const value = await source(profile, field.name);
      if (value !== undefined) values.set(field.name, value);
    }
    return new ProfileCredentials(profile, values, new Set(vendor.credentials.filter((f) => f.secret).map((f) => f.name)));
  }

  /** The value of a credential field; CREDENTIAL_MISSING, naming the field and the profile, when it is not set. */
  get(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw Object.assign(new Error(`credential ${name} is not set for profile "${this.profile.name}"`), { code: 'CREDENTIAL_MISSING' });
    return value;
  }

  /** The values of the secret fields (redacted wherever they appear). */
  secrets(): string[] {
    return [...this.values].filter(([name]) => this.secretNames.has(name)).map(([, v]) => v);
  }
}
