import type { JsonSchema } from '../../schema.ts';
import type { PayloadError } from '../types.ts';
import type { PydanticError } from './client.ts';

/**
 * Turn Parley's field errors (from the operation's own JSON Schema + validate()) into the pydantic v2 entries
 * FastAPI returns in a 422 (`type`, `loc`, `msg`, `input`, `ctx`). The sandbox uses it, so its 422s come from
 * the same rules as the form and read like Convai's.
 */
export function toPydanticErrors(schema: JsonSchema, payload: unknown, errors: PayloadError[]): PydanticError[] {
  const seen = new Set<string>();
  const out: PydanticError[] = [];
  for (const e of errors) {
    const segments = pointerSegments(e.path);
    const key = e.path;
    if (seen.has(key)) continue; // ajv may report several keywords for one field; pydantic reports one
    seen.add(key);
    const node = schemaAt(schema, segments);
    const parentValue = valueAt(payload, segments.slice(0, -1));
    const present = segments.length === 0 || (parentValue !== null && typeof parentValue === 'object' && segments.at(-1)! in (parentValue as object));
    const input = present ? valueAt(payload, segments) : undefined;
    const loc = ['body', ...segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
    const { type, ...rest } = describe(node, present, input, parentValue, e.message);
    out.push({ type, loc, ...rest }); // FastAPI's key order
  }
  return out;
}

function describe(node: JsonSchema | undefined, present: boolean, input: unknown, parent: unknown, message: string): Omit<PydanticError, 'loc'> {
  if (!present) return { type: 'missing', msg: 'Field required', input: parent ?? {} };
  const type = Array.isArray(node?.type) ? node.type[0] : node?.type;
  if (node?.enum && !node.enum.includes(input)) {
    const expected = joinOr(node.enum.map((v) => `'${String(v)}'`));
    return { type: 'literal_error', msg: `Input should be ${expected}`, input, ctx: { expected } };
  }
  if (type === 'integer' && !(typeof input === 'number' && Number.isInteger(input))) {
    return typeof input === 'number'
      ? { type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part', input }
      : { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer', input };
  }
  if (type === 'number' && typeof input !== 'number') return { type: 'float_parsing', msg: 'Input should be a valid number', input };
  if (type === 'string' && typeof input !== 'string') return { type: 'string_type', msg: 'Input should be a valid string', input };
  if (type === 'boolean' && typeof input !== 'boolean') return { type: 'bool_parsing', msg: 'Input should be a valid boolean', input };
  if (type === 'array' && !Array.isArray(input)) return { type: 'list_type', msg: 'Input should be a valid list', input };
  if (type === 'object' && (input === null || typeof input !== 'object' || Array.isArray(input)))
    return { type: 'dict_type', msg: 'Input should be a valid dictionary', input };
  if (typeof input === 'number' && node?.minimum !== undefined && input < node.minimum)
    return { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${node.minimum}`, input, ctx: { ge: node.minimum } };
  if (typeof input === 'number' && node?.maximum !== undefined && input > node.maximum)
    return { type: 'less_than_equal', msg: `Input should be less than or equal to ${node.maximum}`, input, ctx: { le: node.maximum } };
  if (typeof input === 'string' && node?.minLength !== undefined && input.length < node.minLength)
    return {
      type: 'string_too_short',
      msg: `String should have at least ${node.minLength} character${node.minLength === 1 ? '' : 's'}`,
      input,
      ctx: { min_length: node.minLength },
    };
  if (node === undefined) return { type: 'extra_forbidden', msg: 'Extra inputs are not permitted', input };
  // A model-level rule (validate()): pydantic reports these as value_error with the reason in ctx.error.
  const reason = message.replace(/^[^:]*:\s*/, '');
  return { type: 'value_error', msg: `Value error, ${reason}`, input, ctx: { error: reason } };
}

function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function schemaAt(schema: JsonSchema, segments: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const s of segments) {
    if (!node) return undefined;
    if (node.type === 'array' || node.items) node = node.items;
    else if (node.properties?.[s]) node = node.properties[s];
    else node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  }
  return node;
}

function valueAt(value: unknown, segments: string[]): unknown {
  let v = value;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}
