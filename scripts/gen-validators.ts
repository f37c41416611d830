/**
 * `npm run gen:validators`: writes src-main/core/validation/compiled.ts, the validators of every built-in vendor's
 * schemas as plain code (ajv standalone). Run it after changing a vendor schema; the unit test
 * test/unit/core/compiled-validators.test.ts fails while the file is stale.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const target = resolve(import.meta.dirname, '../src-main/core/validation/compiled.ts');
// The vendors' modules import the validators: a missing file (a broken merge) starts as an empty table.
if (!existsSync(target)) writeFileSync(target, 'export const COMPILED_VALIDATORS = {};\n');
const { BUILT_IN_VENDORS } = await import('../src-main/core/vendors/registry.ts');
const { buildTimeSchemas, generateValidatorsModule } = await import('../src-main/core/validation/codegen.ts');
const code = generateValidatorsModule(buildTimeSchemas(BUILT_IN_VENDORS));
writeFileSync(target, code);
console.log(`${target}: ${(code.length / 1024).toFixed(0)} KiB`);
