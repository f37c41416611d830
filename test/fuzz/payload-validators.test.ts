import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePayload, validateSchema } from '../../src-main/core/payload.ts';
import { ContractError, dispatch, OP_NAMES, type Handlers } from '../../src-main/core/contract.ts';
import { VENDORS } from '../../src-main/core/vendors/registry.ts';
import type { PayloadError } from '../../src-main/core/vendors/types.ts';
import {
  anyValue,
  BIG_RUNS,
  deepNest,
  hugeString,
  isJsonPointer,
  jsonValue,
  MISSING,
  mutatedJson,
  pointersOf,
  resolvePointer,
  RUNS,
  TEN_MB,
  wrongType,
} from './support/arbitraries.ts';

/**
 * Every payload validator (validatePayload over each operation of each vendor, the settings schemas, the contract's
 * argument check) never throws and answers with structured errors: a JSON pointer that leads to the field (or, for a
 * missing field, to its parent) and a message that names it.
 */
function expectStructured(errors: PayloadError[], payload: unknown): void {
  expect(Array.isArray(errors)).toBe(true);
  for (const e of errors) {
    expect(isJsonPointer(e.path), `path ${JSON.stringify(e.path)} is not a JSON pointer (${e.message})`).toBe(true);
    expect(typeof e.message === 'string' && e.message.length > 0).toBe(true);
    const parent = e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')));
    const leads = resolvePointer(payload, e.path) !== MISSING || resolvePointer(payload, parent) !== MISSING;
    expect(leads, `error path ${JSON.stringify(e.path)} leads nowhere in the payload (${e.message})`).toBe(true);
  }
}

const operations = VENDORS.flatMap((v) => v.operations.map((op) => ({ name: `${v.id} ${op.id}`, op })));

describe.each(operations)('validatePayload: $name', ({ op }) => {
  it('accepts its own example, apart from empty placeholders the user fills in (a TaskId from an earlier start)', () => {
    const errors = validatePayload(op, structuredClone(op.example)).filter((e) => resolvePointer(op.example, e.path) !== '');
    expect(errors).toEqual([]);
  });

  it('random values of any type: never throws, non-objects are rejected at the root', () => {
    fc.assert(
      fc.property(anyValue, (payload) => {
        const errors = validatePayload(op, payload);
        expectStructured(errors, payload);
        if (!payload || typeof payload !== 'object' || Array.isArray(payload)) expect(errors.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('the example with one field replaced, removed or extended (wrong types, keys like "a/b"): structured errors that point at the field', () => {
    fc.assert(
      fc.property(mutatedJson(op.example), (payload) => {
        expectStructured(validatePayload(op, payload), payload);
      }),
      { numRuns: RUNS },
    );
  });

  it('deep nesting anywhere in the example: no stack overflow', () => {
    const pointers = pointersOf(op.example).filter(Boolean);
    fc.assert(
      fc.property(fc.constantFrom(...pointers), fc.integer({ min: 1000, max: 20_000 }), (pointer, depth) => {
        const payload = structuredClone(op.example) as Record<string, unknown>;
        setAt(payload, pointer, deepNest(depth));
        expectStructured(validatePayload(op, payload), payload);
      }),
      { numRuns: 50 },
    );
  });

  it('a 10 MB string in a string field (patterns and formats must not backtrack for ever)', () => {
    const strings = pointersOf(op.example).filter((p) => typeof resolvePointer(op.example, p) === 'string');
    const targets = strings.length ? strings : ['/__huge'];
    const big = hugeString(TEN_MB);
    fc.assert(
      fc.property(fc.constantFrom(...targets), (pointer) => {
        const payload = structuredClone(op.example) as Record<string, unknown>;
        setAt(payload, pointer, big);
        const started = performance.now();
        expectStructured(validatePayload(op, payload), payload);
        expect(performance.now() - started).toBeLessThan(5000);
      }),
      { numRuns: BIG_RUNS },
    );
  });
});

function setAt(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const segments = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: Record<string, unknown> = root;
  for (const s of segments.slice(0, -1)) cur = cur[s] as Record<string, unknown>;
  cur[segments[segments.length - 1]!] = value;
}

describe.each(VENDORS.map((v) => ({ id: v.id, v })))('settings schema: $id', ({ v }) => {
  it('random settings: never throws, structured errors', () => {
    const base = v.defaultSettings('sandbox');
    fc.assert(
      fc.property(fc.oneof(anyValue, mutatedJson(base)), (settings) => {
        expectStructured(validateSchema(v.settingsSchema, settings), settings);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('contract argument check (the IPC and bridge boundary)', () => {
  const reached: unknown[] = [];
  const handlers = Object.fromEntries(OP_NAMES.map((n) => [n, async (args: unknown) => (reached.push(args), 'reached')])) as unknown as Handlers;

  it('random operation names and arguments: either BAD_ARGUMENTS naming the field, or the handler gets schema-valid arguments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...OP_NAMES), fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'constructor', 'toString')),
        fc.oneof(anyValue, jsonValue, wrongType),
        async (name, args) => {
          try {
            expect(await dispatch(handlers, name, args)).toBe('reached');
          } catch (err) {
            // The stand-in handlers answer 'reached', which breaks the result contract of the operations that have
            // one: that means the arguments passed and the handler ran.
            if ((err as { code?: string }).code === 'BAD_RESULT') return;
            expect(err).toBeInstanceOf(ContractError);
            expect((err as ContractError).code).toBe('BAD_ARGUMENTS');
            expect((err as Error).message).toMatch(/unknown operation|: /);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
