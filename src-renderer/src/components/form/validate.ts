import type { JsonSchema } from '../../../../src-main/core/schema.ts';
import type { PayloadError, PayloadRule } from '../../../../src-main/core/vendors/types.ts';
import { validatePayload, validateSchema } from '../../../../src-main/core/payload.ts';
import { NoValidatorError } from '../../../../src-main/core/validation/registry.ts';

/**
 * Findings from main's own validation, run here on every change: the validators ajv generated at build time (plain
 * code, allowed by the CSP) and the vendor's rules (`rules`, the operation's `validate`, from its VendorUi), so the
 * form shows exactly what main's session.start decides, with no IPC call. `vendorPayload`: also warn about fields the
 * schema does not list (vendor payloads; not Parley's own settings). A schema the build did not generate a validator
 * for (a stale build) cannot be checked here: one warning says so, and main still checks it on send.
 */
export function validateLocally(schema: JsonSchema, value: unknown, vendorPayload = false, rules?: PayloadRule): PayloadError[] {
  try {
    return vendorPayload ? validatePayload({ schema, validate: rules }, value) : validateSchema(schema, value);
  } catch (err) {
    if (!(err instanceof NoValidatorError)) throw err;
    return [
      { path: '', severity: 'warning', message: 'Parley cannot check this here (its validators were built for other schemas); it is checked when you send' },
    ];
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
