/**
 * For test schemas that are no vendor's (the kitchen sink): the build generated no validator for them, so this page
 * (a test page, without the app's CSP) compiles them with the ajv options main uses, as Node does for such schemas.
 * Vendor schemas keep their generated validators (test/renderer/validation-csp.test.ts runs them under the CSP).
 */
import { createAjv } from '../../../src-main/core/validation/codegen.ts';
import { installRuntimeCompiler } from '../../../src-main/core/validation/registry.ts';

const ajv = createAjv();
installRuntimeCompiler((schema) => ajv.compile(schema));
