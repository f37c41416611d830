import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_VENDORS } from '../../../src-main/core/vendors/registry.ts';
import { buildTimeSchemas, createAjv, generateValidatorsModule } from '../../../src-main/core/validation/codegen.ts';
import { COMPILED_VALIDATORS } from '../../../src-main/core/validation/compiled.ts';
import { schemaFingerprint } from '../../../src-main/core/validation/fingerprint.ts';
import { validatorFor } from '../../../src-main/core/validation/registry.ts';
import { equal, ucs2length } from '../../../src-main/core/validation/runtime.ts';
import { vendorUi } from '../../../src-renderer/src/vendors/registry.ts';

const compiledPath = resolve(import.meta.dirname, '../../../src-main/core/validation/compiled.ts');
const compiled = COMPILED_VALIDATORS as Record<string, unknown>;

describe('validators generated at build time (validation/compiled.ts)', () => {
  it('are up to date with the vendor schemas (else: npm run gen:validators)', () => {
    const fresh = generateValidatorsModule(buildTimeSchemas(BUILT_IN_VENDORS));
    // One comparison, not a diff of 600 KiB: the message says what to run.
    expect(readFileSync(compiledPath, 'utf8') === fresh, 'src-main/core/validation/compiled.ts is stale: run npm run gen:validators').toBe(true);
  });

  it('cover every schema the form validates, and main uses them too', () => {
    for (const v of BUILT_IN_VENDORS) {
      const schemas = [v.settingsSchema, ...v.operations.flatMap((o) => [o.schema, ...(o.actions ?? []).map((a) => a.schema)])];
      for (const s of schemas.filter((x) => !!x)) {
        expect(compiled[schemaFingerprint(s!)], v.id).toBeTypeOf('function');
        // A JSON copy (what the renderer gets over IPC) finds the same function as the descriptor's own object.
        expect(validatorFor(JSON.parse(JSON.stringify(s)))).toBe(compiled[schemaFingerprint(s!)]);
        expect(validatorFor(s!)).toBe(compiled[schemaFingerprint(s!)]);
      }
    }
  });

  it('are plain code: no eval, no Function, no require, only the runtime module imported', () => {
    const code = readFileSync(compiledPath, 'utf8');
    expect(code).not.toMatch(/\beval\(|new Function|\bFunction\(|require\(/);
    expect([...code.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['./runtime.ts']);
  });

  it('answer as ajv compiling the same schema at run time does, errors included', () => {
    const ajv = createAjv();
    const connect = BUILT_IN_VENDORS.find((v) => v.id === 'convai')!.operations[0]!.schema;
    const runtime = ajv.compile(connect);
    const generated = validatorFor(connect);
    for (const value of [{}, { character_id: 5 }, { character_id: 'c', llm_provider: 'nope', max_chunk_duration_ms: -1 }, []]) {
      expect(generated(value)).toBe(runtime(value));
      expect(generated.errors ?? null).toEqual(runtime.errors ?? null);
    }
  });

  it("runtime helpers behave as ajv's", () => {
    expect(ucs2length('a😀b')).toBe(3);
    expect(ucs2length('\ud800')).toBe(1);
    expect(equal({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(equal({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(equal([1], { 0: 1 })).toBe(false);
    expect(equal(NaN, NaN)).toBe(true);
  });
});

describe('vendor rules beyond JSON Schema', () => {
  it("the renderer runs the descriptor's own rule functions (VendorUi.payloadRules), for every operation that has one", () => {
    for (const v of BUILT_IN_VENDORS) for (const op of v.operations) expect(vendorUi(v.id)?.payloadRules?.[op.id], `${v.id}/${op.id}`).toBe(op.validate);
  });
});
