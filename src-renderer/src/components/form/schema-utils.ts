/** Pure helpers the payload builder uses to walk a JSON Schema alongside a value (JSON pointer paths). */
import type { JsonSchema, Localized } from '../../../../src-main/core/schema.ts';

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'array' | 'oneOf' | 'json' | 'any';

export function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
export function childPath(path: string, key: string | number): string {
  return `${path}/${escapeToken(String(key))}`;
}
function tokens(path: string): string[] {
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A container may hold its wire form, a JSON string (an `x-wire: json-string` field pasted in the JSON editor):
 * paths walk into it as the object it encodes, and a write turns it back into that object.
 */
function container(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

export function getAt(root: unknown, path: string): unknown {
  let cur = root;
  for (const t of tokens(path)) {
    cur = container(cur);
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}

/** Immutable set; `undefined` removes an object key (an optional field the user cleared). */
export function setAt(root: unknown, path: string, value: unknown): unknown {
  const ts = tokens(path);
  if (!ts.length) return value;
  const [head, ...rest] = ts as [string, ...string[]];
  const restPath = rest.length ? '/' + rest.map(escapeToken).join('/') : '';
  root = container(root);
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[Number(head)] = setAt(copy[Number(head)], restPath, value);
    return copy;
  }
  const obj = root && typeof root === 'object' ? { ...(root as Record<string, unknown>) } : {};
  const next = setAt(obj[head], restPath, value);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

export function kindOf(schema: JsonSchema): FieldKind {
  if (schema.enum) return 'enum';
  if (schema.oneOf || schema.anyOf) return 'oneOf';
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (!t && schema.properties) return 'object';
  switch (t) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'object':
    case 'array':
      return t === 'object' && !schema.properties ? 'json' : t;
    default:
      return 'any';
  }
}

/** Property names in display order: `x-order` first, then declaration order. */
export function orderedKeys(schema: JsonSchema): string[] {
  const keys = Object.keys(schema.properties ?? {});
  const order = schema['x-order'] ?? [];
  return [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))];
}

export function isZh(locale: string): boolean {
  return locale.startsWith('zh');
}
/** A schema's `{ en, zh }` text in the user's language, the other language when that one is empty. */
function inLocale(text: Localized | undefined, locale: string): string {
  if (!text) return '';
  return isZh(locale) ? text.zh || text.en : text.en || text.zh;
}
export function titleOf(schema: JsonSchema, locale: string): string {
  return inLocale(schema.title, locale);
}
export function docOf(schema: JsonSchema, locale: string): string {
  return inLocale(schema.description, locale);
}
/** The doc in the other language, for a tooltip. */
export function otherDocOf(schema: JsonSchema, locale: string): string {
  return (isZh(locale) ? schema.description?.en : schema.description?.zh) ?? '';
}
export function enumLabel(schema: JsonSchema, value: unknown, locale: string): string {
  const label: Localized | undefined = schema['x-enum-labels']?.[String(value)];
  const text = label ? (isZh(locale) ? label.zh || label.en : label.en || label.zh) : '';
  return text ? `${text} (${JSON.stringify(value)})` : JSON.stringify(value);
}

/** "0 – 100 ms", "≥ 1", "" when unbounded. */
export function rangeText(schema: JsonSchema): string {
  const lo = schema.minimum ?? schema.exclusiveMinimum;
  const hi = schema.maximum ?? schema.exclusiveMaximum;
  const unit = schema['x-unit'] ? ` ${schema['x-unit']}` : '';
  if (lo !== undefined && hi !== undefined) return `${lo} – ${hi}${unit}`;
  if (lo !== undefined) return `${schema.exclusiveMinimum !== undefined ? '>' : '≥'} ${lo}${unit}`;
  if (hi !== undefined) return `${schema.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}${unit}`;
  return unit.trim();
}

/** Starting value for a new field or array item: default, const, first enum value, or an empty shape. */
export function defaultFor(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches?.length) return defaultFor(branches[0]!);
  switch (kindOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of schema.required ?? []) if (schema.properties?.[k]) out[k] = defaultFor(schema.properties[k]!);
      return out;
    }
    case 'json':
      return {};
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      // A documented example beats an arbitrary 0 (NetEase vendor numbers: 0 is not a known vendor).
      return typeof schema.examples?.[0] === 'number' ? schema.examples[0] : (schema.minimum ?? 0);
    default:
      return '';
  }
}

/**
 * Consts one level down also discriminate (NetEase: `llm.enableAgent` true only in the agent + parameters mode);
 * only keys present in the value count.
 */
function nestedConstScore(schema: JsonSchema, value: unknown): number {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 0;
  let score = 0;
  for (const [k, p] of Object.entries(schema.properties ?? {}))
    if (p.const !== undefined && k in value) score += (value as Record<string, unknown>)[k] === p.const ? 10 : -100;
  return score;
}

/** Which oneOf/anyOf branch a value belongs to: const discriminators first, then required keys, then type. */
export function branchIndex(branches: JsonSchema[], value: unknown): number {
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  let best = 0;
  let bestScore = -1;
  branches.forEach((b, i) => {
    let score = 0;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      for (const [k, p] of Object.entries(b.properties ?? {})) {
        if (p.const !== undefined) score += obj[k] === p.const ? 10 : -100;
        else if (p.enum && k in obj) score += p.enum.includes(obj[k]) ? 2 : -5;
        else if (k in obj) score += 1 + nestedConstScore(p, obj[k]);
      }
      for (const k of b.required ?? []) score += k in obj ? 2 : -3;
      for (const k of Object.keys(obj)) if (b.properties && !(k in b.properties) && b.additionalProperties === false) score -= 4;
    }
    const types = Array.isArray(b.type) ? b.type : b.type ? [b.type] : [];
    const t = typeOf(value);
    if (types.includes(t) || (t === 'integer' && types.includes('number'))) score += 3;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

export function branchLabel(schema: JsonSchema, index: number, locale: string): string {
  const title = titleOf(schema, locale);
  if (title) return title;
  const constProp = Object.entries(schema.properties ?? {}).find(([, p]) => p.const !== undefined);
  if (constProp) return `${constProp[0]} = ${JSON.stringify(constProp[1].const)}`;
  return `#${index + 1} ${Array.isArray(schema.type) ? schema.type.join('|') : (schema.type ?? '')}`.trim();
}

let domIds = 0;
/** An id unique in the page (a field's suggestion list). */
export function uniqueDomId(prefix: string): string {
  return `${prefix}-${++domIds}`;
}

/** Offered `{{secret:NAME}}` references. */
export function secretRef(name: string): string {
  return `{{secret:${name}}}`;
}

/**
 * Form annotations a schema's `if`/`then` adds to its children for the current value (e.g. Convai's note that
 * add_wav_header has no effect while audio_routing is audio_only). Only the `if` shapes vendors use are understood: `properties` with
 * `const` or `enum`; anything else is treated as not matching, so the form never shows a note by mistake.
 */
export function conditionalChild(schema: JsonSchema, key: string, value: unknown): JsonSchema {
  const base = schema.properties?.[key] ?? {};
  const extra = schema.if && schema.then?.properties?.[key];
  if (!extra || !ifMatches(schema.if!, value)) return base;
  const annotations = Object.fromEntries(Object.entries(extra).filter(([k]) => k.startsWith('x-')));
  return Object.keys(annotations).length ? { ...base, ...annotations } : base;
}

function ifMatches(cond: JsonSchema, value: unknown): boolean {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  if (cond.required?.some((k) => !(k in obj))) return false;
  for (const [k, rule] of Object.entries(cond.properties ?? {})) {
    if (!(k in obj)) continue; // JSON Schema: an absent property satisfies `properties`
    const v = obj[k];
    if ('const' in rule && v !== rule.const) return false;
    if (rule.enum && !rule.enum.includes(v)) return false;
    if (Object.keys(rule).some((r) => r !== 'const' && r !== 'enum')) return false;
  }
  return true;
}
