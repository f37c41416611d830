/**
 * Removes secrets from anything before it is stored, forwarded, logged or exported.
 *
 * Two rules: every registered secret value is replaced wherever it occurs, in every encoding it can travel in
 * (`encodedForms`), and the value of every credential-named key or header is replaced whatever it holds.
 * Strings that contain a JSON object (Tencent's LLMConfig/TTSConfig) are parsed, redacted and re-serialised.
 */
export const REDACTED = '«redacted»';

/**
 * Keys whose values are credentials wherever they appear (compared case-insensitively, ignoring - and _): the one
 * definition of a secret field, read by redaction and by the payload form (masked input, secret references).
 */
export const CREDENTIAL_KEYS = [
  'authorization',
  'xapikey',
  'apikey',
  'checksum',
  'token',
  'usersig',
  'secretkey',
  'secretid',
  'appsecret',
  'sdksecretkey',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'password',
];

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const CREDENTIAL_SET = new Set(CREDENTIAL_KEYS);
/** A credential key as it appears in serialised JSON (also escaped inside a JSON-string field): `"X-Api-Key":`. */
const CREDENTIAL_KEY_IN_JSON = new RegExp(`\\\\?"(?:${CREDENTIAL_KEYS.map((k) => k.split('').join('[-_]?')).join('|')})\\\\?"\\s*:`, 'i');

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_SET.has(normalise(key));
}

/** Values shorter than this would redact ordinary text; the secret scan ignores them for the same reason. */
export const MIN_SECRET_LENGTH = 4;
/** An encoded fragment shorter than this (a base64 run of a short secret) would match ordinary text. */
const MIN_FRAGMENT_LENGTH = 8;

const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);
/** application/x-www-form-urlencoded, as URLSearchParams writes a query (space as +, `!'()~` escaped). */
const formEncoded = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
/** RFC 3986 percent-encoding: encodeURIComponent plus `!'()*`. */
const strictEncoded = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const toBase64Url = (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * The runs of base64 text that any base64 string containing `bytes` must contain, whatever the bytes before them:
 * for each of the three alignments, the encoding without the groups shared with the neighbours. This is how a secret
 * inside a JWT claim (a LiveKit token minted with it) or a base64-encoded body is found.
 */
function base64Runs(bytes: Buffer): string[] {
  const out = [bytes.toString('base64')];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    out.push(encoded.slice(k ? 4 : 0, 4 * Math.floor((k + bytes.length) / 3)));
  }
  return out.filter((f) => f.length >= MIN_FRAGMENT_LENGTH);
}

/**
 * Every form in which a secret value can travel and be recognised: as is, JSON-escaped (once and twice, for JSON in a
 * JSON string), URL-encoded three ways (encodeURIComponent, RFC 3986, form encoding), hex, base64 and base64url (also
 * inside a longer encoded text such as a JWT payload). One expansion for the redactor and the secret scan alike.
 */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>();
  const texts = new Set([value, jsonEscaped(value), jsonEscaped(jsonEscaped(value))]);
  for (const t of texts) {
    forms.add(t);
    forms.add(encodeURIComponent(t));
    forms.add(strictEncoded(t));
    forms.add(formEncoded(t));
  }
  for (const t of new Set([value, jsonEscaped(value)])) {
    const bytes = Buffer.from(t, 'utf8');
    const hex = bytes.toString('hex');
    forms.add(hex);
    forms.add(hex.toUpperCase());
    for (const run of base64Runs(bytes)) {
      forms.add(run);
      forms.add(toBase64Url(run));
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

export class Redactor {
  private values = new Set<string>();
  private pattern: RegExp | null = null;

  private secrets = new Set<string>();

  /** Register a secret value, in all its encoded forms. Values shorter than 4 characters are ignored: they would redact ordinary text. */
  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return;
    this.secrets.add(value);
    for (const form of encodedForms(value)) this.values.add(form);
    this.pattern = null;
  }

  /** True when `text` holds a registered secret in any of its forms. */
  contains(text: string): boolean {
    if (this.values.size === 0 || text.length < MIN_SECRET_LENGTH) return false;
    const p = this.valuePattern();
    p.lastIndex = 0;
    const hit = p.test(text);
    p.lastIndex = 0;
    return hit;
  }

  /**
   * Replace registered secret values anywhere in a value (no credential-key rule): for results handed to the
   * renderer, which may legitimately hold a field named `token`. Returns the input itself when nothing matches.
   */
  scrub<T>(input: T): T {
    if (this.values.size === 0) return input;
    let serialised: string | undefined;
    try {
      serialised = JSON.stringify(input);
    } catch {
      serialised = undefined;
    }
    if (serialised !== undefined && !this.contains(serialised)) return input;
    return this.scrubWalk(input, 0) as T;
  }

  private scrubWalk(input: unknown, depth: number): unknown {
    if (typeof input === 'string') return this.text(input);
    if (depth > 64 || input === null || typeof input !== 'object' || input instanceof Uint8Array) return input;
    if (Array.isArray(input)) return input.map((v) => this.scrubWalk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[this.text(k)] = this.scrubWalk(v, depth + 1);
    return out;
  }

  /** How many secret values are registered (each with its encoded forms). */
  get size(): number {
    return this.secrets.size;
  }

  private valuePattern(): RegExp {
    if (!this.pattern) {
      const sorted = [...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(sorted.join('|'), 'g');
    }
    return this.pattern;
  }

  /** Replace every registered secret value in a string. */
  text(input: string): string {
    if (this.values.size === 0 || input.length < 4) return input;
    return input.replace(this.valuePattern(), REDACTED);
  }

  /**
   * Fast pre-check on a value's JSON serialisation: false means `value()` would return it unchanged, so the
   * event pipeline can skip the deep walk for the common event that holds no credential.
   */
  mayNeedRedaction(serialised: string): boolean {
    return CREDENTIAL_KEY_IN_JSON.test(serialised) || this.contains(serialised);
  }

  /** Deep-redact a value: registered secrets anywhere, credential keys always. Returns a new value. */
  value<T>(input: T): T {
    return this.walk(input, 0) as T;
  }

  private walk(input: unknown, depth: number): unknown {
    if (depth > 64) return '«too deep»';
    if (typeof input === 'string') return this.jsonString(input, depth) ?? this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.walk(v, depth + 1));
    if (input instanceof Uint8Array || input === null || typeof input !== 'object') return input;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] = isCredentialKey(k) && v !== '' && v !== null && v !== undefined && typeof v !== 'object' && !isMasked(v) ? REDACTED : this.walk(v, depth + 1);
    }
    return out;
  }

  /** A string holding a JSON object or array is redacted as structured data, so nested APIKey fields are caught. */
  private jsonString(input: string, depth: number): string | null {
    const first = input.trimStart()[0];
    if ((first !== '{' && first !== '[') || input.length > 1_000_000) return null;
    try {
      const parsed: unknown = JSON.parse(input);
      if (parsed === null || typeof parsed !== 'object') return null;
      return JSON.stringify(this.walk(parsed, depth + 1));
    } catch {
      return null;
    }
  }
}

/**
 * Safe to keep under a credential key: already masked for display (`mask()`: bullets and at most the last four
 * characters, also after an auth scheme such as "Bearer "), or a `{{secret:NAME}}` reference / `{{usersig}}` template (resolved at send time, not a value).
 */
function isMasked(v: unknown): boolean {
  return typeof v === 'string' && (/^((Bearer|Token|Basic) )?••••.{0,4}$/u.test(v) || /^\{\{\s*(secret:[A-Za-z0-9_.-]+|usersig)\s*\}\}$/i.test(v));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the UI may show of a secret: set or not, and the last four characters. */
export function lastFour(value: string): string {
  return value.length <= 4 ? '' : value.slice(-4);
}

export function mask(value: string): string {
  const tail = lastFour(value);
  return tail ? `••••${tail}` : '••••';
}
