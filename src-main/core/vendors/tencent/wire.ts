import type { JsonSchema } from '../../schema.ts';

/**
 * Inverse of toWire: json-string fields (LLMConfig, TTSConfig, AvatarConfig) back to objects so the builder schema
 * can validate them. `badJson` decides what a field that is not valid JSON becomes (the sandbox answers with
 * InvalidParameter, the CLI with a usage error).
 */
export function fromWire(schema: JsonSchema, value: unknown, badJson: (field: string) => never, path = ''): unknown {
  if (schema['x-wire'] === 'json-string') {
    if (typeof value !== 'string') return value; // an object already, or a type error the schema reports
    try {
      return JSON.parse(value);
    } catch {
      return badJson(path.replace(/^\//, '').replace(/\//g, '.'));
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = schema.properties[k] ? fromWire(schema.properties[k]!, v, badJson, `${path}/${k}`) : v;
    return out;
  }
  return value;
}
