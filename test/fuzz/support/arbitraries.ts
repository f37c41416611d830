/**
 * Hostile inputs shared by every fuzz test: random JSON, wrong types, huge strings, deep nesting, truncated frames,
 * invalid UTF-8 and binary where text is expected. Each parser test picks from these instead of inventing its own.
 */
import fc from 'fast-check';

/** Runs per property; the 10 MB cases use BIG_RUNS. */
export const RUNS = 200;
export const BIG_RUNS = 3;
export const TEN_MB = 10 * 1024 * 1024;

/** Any JSON value, including objects with keys that need pointer escaping ("a/b", "~"). */
export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 5 });

/** Values of every JS type a wire decoder may hand over (undefined, -0, NaN, sparse arrays, null-prototype objects ...). */
export const anyValue: fc.Arbitrary<unknown> = fc.anything({ maxDepth: 4, withNullPrototype: true, withSparseArray: true, withBoxedValues: false });

/** A value of the wrong kind for almost any field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.string(),
  fc.constantFrom('', ' ', '0', 'true', 'null', '{', '[]', '\u0000', '\uD800', '{{secret:NOPE}}'),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);

/** Nested arrays/objects this deep (built iteratively: a recursive builder would hit the stack limit itself). */
export function deepNest(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

export const deepValue: fc.Arbitrary<unknown> = fc.integer({ min: 50, max: 2000 }).map((d) => deepNest(d));

/** JSON text nested this deep, written directly (JSON.stringify of such a value overflows the stack). */
export function deepJsonText(depth: number): string {
  return '{"a":['.repeat(depth) + '1' + ']}'.repeat(depth);
}

/** Deeply nested JSON text, from plausible to absurd (100 000 levels). */
export const deepJson: fc.Arbitrary<string> = fc.integer({ min: 100, max: 100_000 }).map(deepJsonText);

export const hugeString = (bytes: number): string => 'x'.repeat(bytes);

/** A long (up to 256 KB) string: big enough to find quadratic or copying bugs, small enough for 200 runs. */
export const longString: fc.Arbitrary<string> = fc
  .integer({ min: 10_000, max: 256 * 1024 })
  .chain((n) => fc.constantFrom('x', '"', '\\', '\u00e9', '\ud83d\ude00').map((c) => c.repeat(Math.ceil(n / c.length))));

/** Byte sequences that are not UTF-8: lone continuation bytes, overlong forms, surrogates, truncated multi-byte. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom([0x80], [0xc0, 0xaf], [0xc3, 0x28], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xff], [0xfe, 0xff]),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([a, bad, b]) => Uint8Array.from([...a, ...bad, ...b]));

/** Random bytes: binary where text is expected. */
export const binary: fc.Arbitrary<Uint8Array> = fc.uint8Array({ minLength: 0, maxLength: 2048 });

/** A valid frame cut short at a random point (a torn read or a proxy that drops the tail). */
export function truncated(frame: string): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: Math.max(0, frame.length - 1) }).map((n) => frame.slice(0, n));
}

/** Text frames: random JSON, JSON of the wrong shape, near-misses of a valid frame, truncations and plain garbage. */
export function textFrames(validFrames: readonly string[]): fc.Arbitrary<string> {
  const valid = fc.constantFrom(...validFrames);
  return fc.oneof(
    jsonValue.map((v) => JSON.stringify(v) ?? 'null'),
    valid.chain((f) => truncated(f)),
    valid.chain((f) => mutatedJson(JSON.parse(f) as unknown).map((v) => JSON.stringify(v) ?? 'null')),
    fc.string({ unit: 'binary', maxLength: 200 }),
    deepJson,
    fc.constantFrom('', ' ', 'null', '[]', '{}', '"str"', '0', '{"a":', '\u0000', '\ufeff{}'),
  );
}

/** A JSON pointer (RFC 6901) to every value inside `v` ('' is the whole value). */
export function pointersOf(v: unknown, base = '', out: string[] = []): string[] {
  out.push(base);
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) pointersOf(child, `${base}/${escapePointer(k)}`, out);
  }
  return out;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The value at a JSON pointer, or `missing` when it does not resolve. */
export const MISSING = Symbol('missing');
export function resolvePointer(v: unknown, pointer: string): unknown {
  if (pointer === '') return v;
  let cur: unknown = v;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return MISSING;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** `v` (deep-cloned) with the value at a random position replaced, removed, or with a random extra key. */
export function mutatedJson(
  v: unknown,
  replacement: fc.Arbitrary<unknown> = fc.oneof(
    wrongType,
    jsonValue,
    longString.map((s) => s.slice(0, 4096)),
  ),
): fc.Arbitrary<unknown> {
  const pointers = pointersOf(v);
  return fc
    .tuple(fc.constantFrom(...pointers), fc.constantFrom('replace', 'delete', 'add'), replacement, fc.string({ maxLength: 8 }))
    .map(([pointer, op, value, key]) => {
      const root = structuredClone(v) as unknown;
      if (pointer === '') return op === 'replace' ? value : root;
      const segments = pointer.slice(1).split('/');
      const last = segments.pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
      const parent = resolvePointer(root, segments.length ? `/${segments.join('/')}` : '') as Record<string, unknown>;
      if (op === 'replace') parent[last] = value;
      else if (op === 'delete') delete parent[last];
      else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) (parent[last] as Record<string, unknown>)[key] = value;
      else parent[last] = value;
      return root;
    });
}

/** RFC 6901 syntax: '' or a sequence of '/' segments where '~' only appears as ~0 or ~1. */
export function isJsonPointer(p: unknown): boolean {
  return typeof p === 'string' && (p === '' || /^(\/([^~/]|~[01])*)+$/.test(p));
}
