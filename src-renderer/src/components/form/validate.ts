import type { JsonSchema } from '../../../../src-main/core/schema.ts';
import type { PayloadError } from '../../../../src-main/core/vendors/types.ts';
import { validateSchema } from '../../../../src-main/core/payload.ts';

// The built app's pages never allow eval (src-main/app/csp.ts), so there the attempt would only be refused and
// reported as a CSP violation: the built renderer asks main from the start.
let codegenBlocked = import.meta.env.PROD;

/**
 * Field errors from the same ajv validator main uses (same messages). Ajv compiles schemas with `new Function`,
 * which the app's CSP (`script-src 'self'`, no 'unsafe-eval') forbids. We keep the CSP strict rather than loosen it for a
 * convenience: when code generation is blocked this returns null and the caller asks main (`payload.validate`, the
 * same ajv and schema) instead.
 */
export function validateLocally(schema: JsonSchema, value: unknown): PayloadError[] | null {
  if (codegenBlocked) return null;
  try {
    return validateSchema(schema, value);
  } catch (err) {
    if (err instanceof EvalError || /unsafe-eval|Content Security Policy/i.test(String(err))) {
      codegenBlocked = true;
      return null;
    }
    throw err;
  }
}

/** Errors grouped by JSON pointer, for the fields to show. */
export function errorsByPath(errors: readonly PayloadError[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of errors) {
    const list = map.get(e.path) ?? [];
    if (!list.includes(e.message)) list.push(e.message);
    map.set(e.path, list);
  }
  return map;
}
