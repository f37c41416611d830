/**
 * Removes secrets from anything before it is stored, forwarded, logged or exported.
 *
 * Two rules: every registered secret value is replaced wherever it occurs (also JSON-escaped and
 * URL-encoded), and the value of every credential-named key or header is replaced whatever it holds.
 * Strings that contain a JSON object (Tencent's LLMConfig/TTSConfig) are parsed, redacted and re-serialised.
 */
export const REDACTED = '«redacted»';

/** Keys whose values are credentials wherever they appear (compared case-insensitively, ignoring - and _). */
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

export class Redactor {
  private values = new Set<string>();
  private pattern: RegExp | null = null;

  /** Register a secret value. Values shorter than 4 characters are ignored: they would redact ordinary text. */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4 || this.values.has(value)) return;
    this.values.add(value);
    const jsonEscaped = JSON.stringify(value).slice(1, -1);
    for (const variant of [jsonEscaped, JSON.stringify(jsonEscaped).slice(1, -1), encodeURIComponent(value)]) if (variant !== value) this.values.add(variant);
    this.pattern = null;
  }

  get size(): number {
    return this.values.size;
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
    if (CREDENTIAL_KEY_IN_JSON.test(serialised)) return true;
    if (this.values.size === 0) return false;
    const p = this.valuePattern();
    p.lastIndex = 0;
    const hit = p.test(serialised);
    p.lastIndex = 0;
    return hit;
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
 * characters), or a `{{secret:NAME}}` reference / `{{usersig}}` template (resolved at send time, not a value).
 */
function isMasked(v: unknown): boolean {
  return typeof v === 'string' && (/^••••.{0,4}$/u.test(v) || /^\{\{\s*(secret:[A-Za-z0-9_.-]+|usersig)\s*\}\}$/i.test(v));
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
