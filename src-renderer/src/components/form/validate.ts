import type { JsonSchema } from '../../../../src-main/core/schema.ts';
import type { PayloadError } from '../../../../src-main/core/vendors/types.ts';
import { validateSchema, validateVendorPayload } from '../../../../src-main/core/payload.ts';

// The built app's pages never allow eval (src-main/app/csp.ts), so there the attempt would only be refused and
// reported as a CSP violation: the built renderer asks main from the start.
let codegenBlocked = import.meta.env.PROD;

/**
 * Findings from the same validator main uses (same messages, same error/warning split). Ajv compiles schemas with
 * `new Function`, which the app's CSP (`script-src 'self'`, no 'unsafe-eval') forbids. We keep the CSP strict rather
 * than loosen it for a convenience: when code generation is blocked this returns null and the caller relies on main
 * (`payload.validate`, the same function, which the panel asks after every change anyway).
 * `vendorPayload`: also warn about fields the schema does not list (vendor payloads; not Parley's own settings).
 */
export function validateLocally(schema: JsonSchema, value: unknown, vendorPayload = false): PayloadError[] | null {
  if (codegenBlocked) return null;
  try {
    return vendorPayload ? validateVendorPayload(schema, value) : validateSchema(schema, value);
  } catch (err) {
    if (err instanceof EvalError || /unsafe-eval|Content Security Policy/i.test(String(err))) {
      codegenBlocked = true;
      return null;
    }
    throw err;
  }
}

const keyOf = (f: PayloadError) => `${f.severity}\u0000${f.path}\u0000${f.message}`;

/** Findings from several places (local check, main, the vendor's answer) without repeats, in first-seen order. */
export function mergeFindings(...lists: readonly (readonly PayloadError[])[]): PayloadError[] {
  const seen = new Set<string>();
  const out: PayloadError[] = [];
  for (const list of lists)
    for (const f of list) {
      const key = keyOf(f);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
    }
  return out;
}

/** The findings that stop a plain Send (the user may still "send anyway"). */
export function blockingFindings(findings: readonly PayloadError[]): PayloadError[] {
  return findings.filter((f) => f.severity === 'error');
}

/** Findings grouped by JSON pointer, for the fields to show. */
export function findingsByPath(findings: readonly PayloadError[]): Map<string, PayloadError[]> {
  const map = new Map<string, PayloadError[]>();
  for (const f of mergeFindings(findings)) map.set(f.path, [...(map.get(f.path) ?? []), f]);
  return map;
}
