/**
 * Node only: importing this lets main validate schemas the build did not generate validators for (Parley's own file
 * and contract schemas, a vendor registered at run time), with the options of the generated ones.
 */
import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from '../schema.ts';
import { createAjv } from './codegen.ts';
import { installRuntimeCompiler } from './registry.ts';

const ajv = createAjv();
installRuntimeCompiler((schema: JsonSchema): ValidateFunction => ajv.compile(schema));
