import type { ErrorObject } from 'ajv';
import type { JsonSchema } from './schema.ts';
import type { ConstraintSource, OperationDescriptor, PayloadError } from './vendors/types.ts';
import { validatorFor as validator } from './validation/registry.ts';

/**
 * Validate against a JSON Schema; findings name the field (JSON pointer) and what was expected. A constraint whose
 * schema node is marked `x-source: { kind: 'inferred' }` is a warning; every other failed constraint is an error
 * (Parley's own schemas carry no marks, so for them everything stays an error).
 */
export function validateSchema(schema: JsonSchema, value: unknown): PayloadError[] {
  const v = validator(schema);
  if (v(value)) return [];
  const seen = new Set<string>();
  // One finding per field and message (a node and its oneOf branch may both require the same key).
  return closestOneOfBranch(v.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map(describe)
    .filter((f) => {
      const key = `${f.severity}\u0000${f.path}\u0000${f.message}`;
      return !seen.has(key) && !!seen.add(key);
    });
}

/**
 * A vendor payload: the schema's findings plus a warning for every field the vendor's documentation (the schema)
 * does not list. Vendor schemas leave `additionalProperties` open because vendors add fields before they document
 * them; this is where such a field is reported, the same way in the form, the CLI and the sandboxes.
 */
export function validateVendorPayload(schema: JsonSchema, value: unknown): PayloadError[] {
  // A json-string field may hold its wire form (a pasted payload, a CLI body): checked as the object it encodes.
  const parsed = fromWire(schema, value);
  return [...validateSchema(schema, parsed), ...undocumentedFields(schema, parsed)];
}

/** The findings that stop a send (without "send anyway") or make a sandbox refuse the request. */
export function blockingErrors(findings: readonly PayloadError[]): PayloadError[] {
  return findings.filter((f) => f.severity === 'error');
}

export function warningsOf(findings: readonly PayloadError[]): PayloadError[] {
  return findings.filter((f) => f.severity === 'warning');
}

/** One line for a terminal or a log: the message and where its rule comes from (inferred ones say so). */
export function findingLine(f: PayloadError): string {
  if (!f.source) return f.message;
  if (f.source.kind === 'inferred') return `${f.message} [inferred, not stated by the vendor: ${f.source.ref}]`;
  return f.severity === 'error' ? `${f.message} [documented: ${f.source.ref}]` : `${f.message} [${f.source.ref}]`;
}

/** Failed `const` or `not` marks a branch written for another shape (Tencent TTSType, NetEase llm.enableAgent). */
const BRANCH_MISMATCH_WEIGHT = 100;
const branchScore = (list: ErrorObject[]) =>
  list.reduce((n, x) => n + (x.keyword === 'if' ? 0 : x.keyword === 'const' || x.keyword === 'not' ? BRANCH_MISMATCH_WEIGHT : 1), 0);

/**
 * The branch of a oneOf a value is written for. A branch may say so itself with `x-selects` (a schema the value
 * matches when it is in that branch's shape: NetEase's `agent` present, a TTSType of "flow" …); branches without it
 * are the fallback. Among the candidates, the one with the fewest (weighted) errors wins.
 */
function selectBranch(branches: JsonSchema[], value: unknown, errorsOf: (index: number) => ErrorObject[] | undefined): number {
  const selecting = branches.map((b, i) => (b['x-selects'] ? i : -1)).filter((i) => i >= 0);
  const selected = selecting.find((i) => validator(branches[i]!['x-selects'] as JsonSchema)(value));
  if (selected !== undefined) return selected;
  const fallback = branches.map((_, i) => i).filter((i) => !selecting.includes(i));
  const candidates = fallback.length ? fallback : branches.map((_, i) => i);
  let best = candidates[0]!;
  let bestScore = Infinity;
  for (const i of candidates) {
    const score = branchScore(errorsOf(i) ?? []);
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A failed oneOf without a discriminator reports every branch's errors plus "must match exactly one schema". Keep
 * only the errors of the branch the value is written for (selectBranch): for a shape switch (NetEase's three
 * request modes) that is the mode the user is writing, so the errors read as that mode's field errors.
 */
function closestOneOfBranch(errors: ErrorObject[]): ErrorObject[] {
  let out = errors;
  for (const e of errors) {
    if (e.keyword !== 'oneOf' || (e.params as { passingSchemas?: unknown }).passingSchemas) continue;
    const prefix = `${e.schemaPath}/`;
    const byBranch = new Map<string, ErrorObject[]>();
    for (const x of out) {
      if (!x.schemaPath.startsWith(prefix)) continue;
      const branch = x.schemaPath.slice(prefix.length).split('/')[0]!;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), x]);
    }
    if (byBranch.size === 0) continue;
    const branches = Array.isArray(e.schema) ? (e.schema as JsonSchema[]) : [];
    const chosen = branches.length ? byBranch.get(String(selectBranch(branches, e.data, (i) => byBranch.get(String(i))))) : undefined;
    const best = chosen ?? [...byBranch.values()].sort((a, b) => branchScore(a) - branchScore(b))[0]!;
    out = out.filter((x) => x !== e && (!x.schemaPath.startsWith(prefix) || best.includes(x)));
  }
  return out;
}

/**
 * Schema findings, undocumented fields and the operation's own rules. Rules run on schema-invalid payloads too (a
 * clear rule message, e.g. "interruptWords: required when interruptMode is 4", replaces the schema's terse one for
 * the same field); a rule that cannot cope with a malformed payload is skipped rather than hiding the schema errors.
 */
export function validatePayload(op: Pick<OperationDescriptor, 'schema' | 'validate'>, payload: unknown): PayloadError[] {
  const findings = validateVendorPayload(op.schema, payload);
  if (!op.validate || !payload || typeof payload !== 'object') return findings;
  let rules: PayloadError[];
  try {
    rules = op.validate(payload as Record<string, unknown>);
  } catch (err) {
    if (findings.length) return findings;
    throw err;
  }
  const rulePaths = new Set(rules.map((e) => e.path));
  return [...findings.filter((e) => !rulePaths.has(e.path)), ...rules];
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Where a failed constraint comes from. A node's `x-source` covers its own constraints (type, enum, range, pattern,
 * its `required` list ...); `x-constraint-sources` overrides it per keyword. Whether a property must be present is
 * the property's own fact: its `x-required-source`, else its `x-source`, else the parent's.
 */
function sourceOf(e: ErrorObject): ConstraintSource | undefined {
  const node = e.parentSchema as JsonSchema | undefined;
  if (!node) return undefined;
  if (e.keyword === 'required') {
    const child = node.properties?.[String((e.params as { missingProperty?: unknown }).missingProperty)];
    return (child?.['x-required-source'] ?? child?.['x-source'] ?? node['x-source']) as ConstraintSource | undefined;
  }
  const own = (node['x-constraint-sources'] as Record<string, ConstraintSource> | undefined)?.[e.keyword];
  return own ?? (node['x-source'] as ConstraintSource | undefined);
}

function describe(e: ErrorObject): PayloadError {
  const source = sourceOf(e);
  const severity: PayloadError['severity'] = source?.kind === 'inferred' ? 'warning' : 'error';
  const finding = (path: string, message: string): PayloadError => (source ? { path, message, severity, source } : { path, message, severity });
  const p = e.params as Record<string, unknown>;
  // Property names come from the payload (additionalProperties) or the schema: escaped so the path stays a JSON pointer.
  const path =
    e.keyword === 'required'
      ? `${e.instancePath}/${escapePointer(String(p.missingProperty))}`
      : e.keyword === 'additionalProperties'
        ? `${e.instancePath}/${escapePointer(String(p.additionalProperty))}`
        : e.instancePath;
  const field = path || '/';
  const own = (e.parentSchema as JsonSchema | undefined)?.['x-error-messages'] as Record<string, string> | undefined;
  if (own?.[e.keyword]) return finding(path, own[e.keyword]!);
  switch (e.keyword) {
    case 'required':
      return finding(path, `${field}: required`);
    case 'type':
      return finding(path, `${field}: expected ${p.type}`);
    case 'enum':
      return finding(path, `${field}: expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return finding(path, `${field}: expected a number ${p.comparison} ${p.limit}`);
    case 'additionalProperties':
      return finding(path, `${field}: unknown field`);
    case 'discriminator':
      return finding(
        `${e.instancePath}/${escapePointer(String(p.tag))}`,
        `${e.instancePath}/${p.tag}: ${p.error === 'mapping' ? `unsupported value ${JSON.stringify(p.tagValue)}` : 'expected a string naming the type'}`,
      );
    default:
      return finding(path, `${field}: ${e.message}`);
  }
}

/** The warning for a field the vendor's documentation does not list. */
export function undocumentedFieldMessage(path: string): string {
  return `${path}: not in the vendor's documentation (sent as is)`;
}

/**
 * Fields of `value` that `schema` does not list, walking nested objects, arrays, JSON-string fields and the oneOf
 * branch the value belongs to. Objects without `properties` (free JSON such as MetaInfo) and nodes marked
 * `x-open-object` are the user's own shape and are not reported; `additionalProperties: false` (Parley's own
 * schemas) is already an error from the schema and is not reported twice.
 */
export function undocumentedFields(schema: JsonSchema, value: unknown, path = ''): PayloadError[] {
  const out: PayloadError[] = [];
  walkFields(schema, value, path, out);
  return out;
}

function walkFields(schema: JsonSchema, value: unknown, path: string, out: PayloadError[]): void {
  if (schema['x-wire'] === 'json-string' && typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return; // the schema reports a string that is not the JSON it should be
    }
  }
  const s = effectiveShape(schema, value);
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walkFields(s.items!, v, `${path}/${i}`, out));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(value)) {
    const p = `${path}/${escapePointer(k)}`;
    const child = s.properties?.[k] ?? extra;
    if (child) walkFields(child, v, p, out);
    else if (s.properties && !s.open && s.additionalProperties !== false) out.push({ path: p, message: undocumentedFieldMessage(p), severity: 'warning' });
  }
}

interface Shape {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  open: boolean;
}

/** The properties that apply to `value`: the node's own, its allOf members' and those of the oneOf branch it is in. */
function effectiveShape(schema: JsonSchema, value: unknown): Shape {
  const shape: Shape = {
    properties: schema.properties,
    items: schema.items,
    additionalProperties: schema.additionalProperties,
    open: schema['x-open-object'] === true,
  };
  const parts = [...(schema.allOf ?? [])];
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches?.length) parts.push(closestBranch(branches, value));
  for (const part of parts) {
    const p = effectiveShape(part, value);
    if (p.properties) shape.properties = { ...shape.properties, ...p.properties };
    shape.items ??= p.items;
    if (p.additionalProperties !== undefined) shape.additionalProperties = p.additionalProperties;
    shape.open ||= p.open;
  }
  return shape;
}

/** The branch a value belongs to: the one its shape selects, else the first that accepts it, else the closest. */
function closestBranch(branches: JsonSchema[], value: unknown): JsonSchema {
  const results = branches.map((b) => {
    const v = validator(b);
    return v(value) ? [] : (v.errors ?? []);
  });
  if (!branches.some((b) => b['x-selects'])) {
    const accepting = results.findIndex((r) => r.length === 0);
    if (accepting >= 0) return branches[accepting]!;
  }
  return branches[selectBranch(branches, value, (i) => results[i])]!;
}

/**
 * The builder's value as the vendor receives it, the one wire-form mechanism: fields marked `x-wire: json-string` are
 * serialised, fields marked `x-local` (Parley's own choices, such as NetEase's per-call variant) are left out.
 * Walks the schema alongside the value, so nested and array fields are handled the same way.
 */
export function toWire(schema: JsonSchema, value: unknown): unknown {
  if (schema['x-wire'] === 'json-string') return typeof value === 'string' ? value : JSON.stringify(value);
  if (Array.isArray(value)) return schema.items ? value.map((v) => toWire(schema.items!, v)) : value;
  if (value && typeof value === 'object' && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties[k];
      if (child?.['x-local']) continue;
      out[k] = child ? toWire(child, v) : v;
    }
    return out;
  }
  return value;
}

/**
 * Inverse of toWire: json-string fields (Tencent LLMConfig, TTSConfig, AvatarConfig) back to the objects the schema
 * describes. `badJson` decides what a field that is not valid JSON becomes: by default it stays the string (and the
 * schema reports its type); the Tencent sandbox answers InvalidParameter, the CLI a usage error.
 */
export function fromWire(schema: JsonSchema, value: unknown, badJson: (field: string) => unknown = () => undefined, path = ''): unknown {
  if (schema['x-wire'] === 'json-string') {
    if (typeof value !== 'string') return value; // an object already, or a type error the schema reports
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return badJson(path.replace(/^\//, '').replace(/\//g, '.')) ?? value;
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = schema.properties[k] ? fromWire(schema.properties[k]!, v, badJson, `${path}/${k}`) : v;
    return out;
  }
  return value;
}
