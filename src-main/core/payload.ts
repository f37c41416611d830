import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './schema.ts';
import type { OperationDescriptor, PayloadError } from './vendors/types.ts';

// discriminator: a oneOf with `discriminator` (Tencent LLMConfig by LLMType) reports only the chosen branch's errors.
// verbose: errors carry their parentSchema, so a schema's `x-error-messages` ({ keyword: text }) can word its own
// errors (NetEase: "pipeline.interruptWords: required when interruptMode is 4 ...") in the renderer and main alike.
// logger off: a compile blocked by the renderer CSP is handled by the caller (validateLocally), not logged as an error.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, discriminator: true, verbose: true, logger: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function validator(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Validate against a JSON Schema; errors name the field (JSON pointer) and what was expected. */
export function validateSchema(schema: JsonSchema, value: unknown): PayloadError[] {
  const v = validator(schema);
  if (v(value)) return [];
  return closestOneOfBranch(v.errors ?? []).filter((e) => e.keyword !== 'if').map(describe);
}

/**
 * A failed oneOf without a discriminator reports every branch's errors plus "must match exactly one schema".
 * Keep only the branch that came closest (fewest errors): for a shape switch (NetEase's three request modes)
 * that is the mode the user is writing, so the errors read as that mode's field errors.
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
    // A failed `const` marks a branch for another shape (e.g. llm.enableAgent), so it weighs double.
    const score = (list: ErrorObject[]) => list.reduce((n, x) => n + (x.keyword === 'if' ? 0 : x.keyword === 'const' ? 2 : 1), 0);
    const best = [...byBranch.values()].sort((a, b) => score(a) - score(b))[0]!;
    out = out.filter((x) => x !== e && (!x.schemaPath.startsWith(prefix) || best.includes(x)));
  }
  return out;
}

/**
 * Schema errors plus the operation's own rules. Rules run on schema-invalid payloads too (a clear rule message,
 * e.g. "interruptWords: required when interruptMode is 4", replaces the schema's terse one for the same field);
 * a rule that cannot cope with a malformed payload is skipped rather than hiding the schema errors.
 */
export function validatePayload(op: Pick<OperationDescriptor, 'schema' | 'validate'>, payload: unknown): PayloadError[] {
  const errors = validateSchema(op.schema, payload);
  if (!op.validate || !payload || typeof payload !== 'object') return errors;
  let rules: PayloadError[];
  try {
    rules = op.validate(payload as Record<string, unknown>);
  } catch (err) {
    if (errors.length) return errors;
    throw err;
  }
  const rulePaths = new Set(rules.map((e) => e.path));
  return [...errors.filter((e) => !rulePaths.has(e.path)), ...rules];
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(e: ErrorObject): PayloadError {
  const p = e.params as Record<string, unknown>;
  // Property names come from the payload (additionalProperties) or the schema: escaped so the path stays a JSON pointer.
  const path = e.keyword === 'required' ? `${e.instancePath}/${escapePointer(String(p.missingProperty))}` : e.keyword === 'additionalProperties' ? `${e.instancePath}/${escapePointer(String(p.additionalProperty))}` : e.instancePath;
  const field = path || '/';
  const own = (e.parentSchema as JsonSchema | undefined)?.['x-error-messages'] as Record<string, string> | undefined;
  if (own?.[e.keyword]) return { path, message: own[e.keyword]! };
  switch (e.keyword) {
    case 'required':
      return { path, message: `${field}: required` };
    case 'type':
      return { path, message: `${field}: expected ${p.type}` };
    case 'enum':
      return { path, message: `${field}: expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `${field}: expected a number ${p.comparison} ${p.limit}` };
    case 'additionalProperties':
      return { path, message: `${field}: unknown field` };
    case 'discriminator':
      return { path: `${e.instancePath}/${escapePointer(String(p.tag))}`, message: `${e.instancePath}/${p.tag}: ${p.error === 'mapping' ? `unsupported value ${JSON.stringify(p.tagValue)}` : 'expected a string naming the type'}` };
    default:
      return { path, message: `${field}: ${e.message}` };
  }
}

/**
 * Turn the builder's value into the wire value: fields marked `x-wire: json-string` are serialised.
 * Walks the schema alongside the value, so nested and array fields are handled the same way.
 */
export function toWire(schema: JsonSchema, value: unknown): unknown {
  if (schema['x-wire'] === 'json-string') return typeof value === 'string' ? value : JSON.stringify(value);
  if (Array.isArray(value)) return schema.items ? value.map((v) => toWire(schema.items!, v)) : value;
  if (value && typeof value === 'object' && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = schema.properties[k] ? toWire(schema.properties[k]!, v) : v;
    return out;
  }
  return value;
}
