/**
 * Runs in the vitest process (Node), behind the renderer project's `mainFindings` browser command: main's answer for a
 * payload, through the contract handler the app's session.start validation shares (validatePayload with the
 * descriptor's own schema and rules).
 */
import { validatePayload } from '../../../src-main/core/payload.ts';
import { BUILT_IN_VENDORS, vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { PayloadError } from '../../../src-main/core/vendors/types.ts';

export function mainFindings(vendor: string, operation: string, payload: unknown): PayloadError[] {
  const op = vendorById(vendor).operations.find((o) => o.id === operation);
  if (!op) throw new Error(`${vendor} has no operation ${operation}`);
  return validatePayload(op, payload);
}

/** What main tells the renderer about each vendor's operations (vendors.list), for the renderer test. */
export function operationViews(): { vendor: string; id: string; schema: unknown; example: unknown }[] {
  return BUILT_IN_VENDORS.flatMap((v) => v.operations.map((o) => JSON.parse(JSON.stringify({ vendor: v.id, id: o.id, schema: o.schema, example: o.example }))));
}
