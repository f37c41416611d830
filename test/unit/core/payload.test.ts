import { describe, expect, it } from 'vitest';
import { blockingErrors, findingLine, fromWire, toWire, validateSchema, validateVendorPayload } from '../../../src-main/core/payload.ts';
import { dispatch, contract, OP_NAMES, type Handlers } from '../../../src-main/core/contract.ts';
import type { JsonSchema } from '../../../src-main/core/schema.ts';

const schema: JsonSchema = {
  type: 'object',
  required: ['name', 'config'],
  properties: {
    name: { type: 'string' },
    mode: { type: 'string', enum: ['pro', 'standard'] },
    max: { type: 'integer', minimum: 20, maximum: 8000 },
    config: { type: 'object', 'x-wire': 'json-string', properties: { Model: { type: 'string' } } },
    list: { type: 'array', items: { type: 'object', properties: { inner: { type: 'object', 'x-wire': 'json-string' } } } },
  },
};

describe('validateSchema', () => {
  it('names each field and what was expected', () => {
    const errors = validateSchema(schema, { mode: 'turbo', max: 5 });
    expect(errors.map((e) => e.message).sort()).toEqual([
      '/config: required',
      '/max: expected a number >= 20',
      '/mode: expected one of "pro", "standard"',
      '/name: required',
    ]);
    expect(errors.find((e) => e.path === '/max')).toBeTruthy();
  });

  it('accepts a valid payload', () => {
    expect(validateSchema(schema, { name: 'a', config: { Model: 'x' }, max: 20 })).toEqual([]);
  });
});

describe('errors and warnings (the fidelity rule)', () => {
  const doc = { kind: 'documented', ref: 'docs/vendors/x.md#a' } as const;
  const guess = { kind: 'inferred', ref: 'docs/vendors/x.md#b' } as const;
  const vendor: JsonSchema = {
    type: 'object',
    'x-source': doc,
    required: ['id', 'hint'],
    properties: {
      id: { type: 'string', minLength: 1, 'x-source': doc, 'x-constraint-sources': { minLength: guess } },
      hint: { type: 'string', 'x-source': doc, 'x-required-source': guess },
      level: { type: 'integer', maximum: 5, 'x-source': guess },
      nested: { type: 'object', 'x-source': doc, properties: { a: { type: 'string', 'x-source': doc } } },
      list: { type: 'array', 'x-source': doc, items: { type: 'object', 'x-source': doc, properties: { n: { type: 'number', 'x-source': doc } } } },
      free: { type: 'object', 'x-source': doc },
      map: { type: 'object', 'x-source': doc, additionalProperties: { type: 'string', 'x-source': doc } },
      kind: {
        'x-source': doc,
        oneOf: [
          {
            type: 'object',
            'x-source': doc,
            'x-selects': { properties: { t: { const: 'a' } }, required: ['t'] },
            required: ['t'],
            properties: { t: { const: 'a', 'x-source': doc }, x: { type: 'number', 'x-source': doc } },
          },
          {
            type: 'object',
            'x-source': doc,
            'x-open-object': true,
            required: ['t'],
            properties: { t: { type: 'string', not: { enum: ['a'] }, 'x-source': doc } },
          },
        ],
      },
    },
  };

  it('a documented constraint is an error, an inferred one a warning, per keyword and for presence', () => {
    const findings = validateVendorPayload(vendor, { id: '', level: 9 });
    expect(findings).toEqual([
      { path: '/hint', message: '/hint: required', severity: 'warning', source: guess },
      { path: '/id', message: '/id: must NOT have fewer than 1 characters', severity: 'warning', source: guess },
      { path: '/level', message: '/level: expected a number <= 5', severity: 'warning', source: guess },
    ]);
    expect(blockingErrors(findings)).toEqual([]);
    expect(validateVendorPayload(vendor, { hint: 'h' })).toEqual([{ path: '/id', message: '/id: required', severity: 'error', source: doc }]);
    expect(findingLine({ path: '/id', message: '/id: required', severity: 'error', source: doc })).toBe('/id: required [documented: docs/vendors/x.md#a]');
    expect(findingLine({ path: '/l', message: '/l: x', severity: 'warning', source: guess })).toBe(
      '/l: x [inferred, not stated by the vendor: docs/vendors/x.md#b]',
    );
  });

  it('fields the schema does not list are warnings, at any depth, in the oneOf branch the value is in', () => {
    const findings = validateVendorPayload(vendor, {
      id: 'i',
      hint: 'h',
      extra: 1,
      'a/b': 2,
      nested: { a: 'x', b: 'y' },
      list: [{ n: 1 }, { n: 2, m: 3 }],
      free: { anything: true },
      map: { k: 'v' },
      kind: { t: 'a', x: 1, y: 2 },
    });
    expect(findings.map((f) => [f.path, f.severity, f.source])).toEqual([
      ['/extra', 'warning', undefined],
      ['/a~1b', 'warning', undefined],
      ['/nested/b', 'warning', undefined],
      ['/list/1/m', 'warning', undefined],
      ['/kind/y', 'warning', undefined],
    ]);
    expect(findings[0]!.message).toBe("/extra: not in the vendor's documentation (sent as is)");
    // An open branch (an unknown type's own settings) is not reported field by field.
    expect(validateVendorPayload(vendor, { id: 'i', hint: 'h', kind: { t: 'zz', whatever: 1 } })).toEqual([]);
    // The branch's documented rules stay errors.
    expect(validateVendorPayload(vendor, { id: 'i', hint: 'h', kind: { t: 'a', x: 'no' } })).toEqual([
      { path: '/kind/x', message: '/kind/x: expected number', severity: 'error', source: doc },
    ]);
  });

  it("Parley's own schemas (no marks, additionalProperties false) keep every failure an error, unknown fields once", () => {
    const own: JsonSchema = { type: 'object', additionalProperties: false, properties: { a: { type: 'integer', maximum: 1 } } };
    expect(validateVendorPayload(own, { a: 2, b: 1 })).toEqual([
      { path: '/b', message: '/b: unknown field', severity: 'error' },
      { path: '/a', message: '/a: expected a number <= 1', severity: 'error' },
    ]);
  });

  it('json-string fields are checked as the object they encode; fromWire undoes toWire', () => {
    const wire = toWire(schema, { name: 'a', config: { Model: 'x' } }) as Record<string, unknown>;
    expect(fromWire(schema, wire)).toEqual({ name: 'a', config: { Model: 'x' } });
    expect(fromWire(schema, { config: 'not json' })).toEqual({ config: 'not json' });
    expect(validateVendorPayload(schema, { name: 'a', config: '{"Model": 5}' }).map((e) => e.message)).toEqual(['/config/Model: expected string']);
  });
});

describe('toWire', () => {
  it('serialises json-string fields, also inside arrays, and leaves the rest', () => {
    const wire = toWire(schema, { name: 'a', config: { Model: 'x' }, list: [{ inner: { a: 1 } }] }) as Record<string, unknown>;
    expect(wire).toEqual({ name: 'a', config: '{"Model":"x"}', list: [{ inner: '{"a":1}' }] });
  });

  it('keeps a json-string field the user already wrote as a string', () => {
    expect((toWire(schema, { config: '{"raw":true}' }) as Record<string, unknown>).config).toBe('{"raw":true}');
  });

  it("leaves out x-local fields (Parley's own choices), at any depth, and keeps unknown ones", () => {
    const local: JsonSchema = {
      type: 'object',
      properties: {
        variant: { type: 'string', 'x-local': true },
        body: { type: 'object', properties: { mine: { 'x-local': true }, theirs: { type: 'string' } } },
      },
    };
    expect(toWire(local, { variant: 'client', body: { mine: 1, theirs: 'x' }, extra: 2 })).toEqual({ body: { theirs: 'x' }, extra: 2 });
  });
});

describe('dispatch', () => {
  const handlers = Object.fromEntries(OP_NAMES.map((n) => [n, async (a: unknown) => ({ called: n, a })])) as unknown as Handlers;

  it('rejects unknown operations and never reaches a handler', async () => {
    await expect(dispatch(handlers, 'fs.readFile', {})).rejects.toThrow('unknown operation "fs.readFile"');
    await expect(dispatch(handlers, '__proto__', {})).rejects.toThrow('unknown operation');
  });

  it('rejects bad arguments with the field named', async () => {
    await expect(dispatch(handlers, 'secrets.set', { profileId: 'p', name: 'K' })).rejects.toThrow('secrets.set: /value: required');
    await expect(dispatch(handlers, 'session.events', { sessionId: 's', limit: 0 })).rejects.toThrow('/limit: expected a number >= 1');
    await expect(dispatch(handlers, 'profiles.list', { extra: 1 })).rejects.toThrow('/extra: unknown field');
  });

  it('passes valid arguments through', async () => {
    await expect(dispatch(handlers, 'session.stop', { sessionId: 's1' })).resolves.toEqual({ called: 'session.stop', a: { sessionId: 's1' } });
  });

  it('documents every operation', () => {
    for (const name of OP_NAMES) expect(contract[name].doc.length).toBeGreaterThan(10);
  });
});

describe('dispatch result contract', () => {
  it('refuses a credential status that would carry more than the last four characters, without echoing it', async () => {
    const leaky = Object.fromEntries(OP_NAMES.map((n) => [n, async () => null])) as unknown as Handlers;
    (leaky as Record<string, unknown>)['secrets.status'] = async () => [
      { name: 'SECRET_KEY', label: { en: 'k', zh: 'k' }, set: true, last4: 'full-secret-value-123' },
    ];
    const err = await dispatch(leaky, 'secrets.status', { profileId: 'p' }).catch((e: Error & { code?: string }) => e);
    expect(err).toMatchObject({ code: 'BAD_RESULT' });
    expect((err as Error).message).toContain('/0/last4');
    expect((err as Error).message).not.toContain('full-secret-value-123');
  });

  it('refuses an extra field in a credential status (a value smuggled next to the flag)', async () => {
    const leaky = Object.fromEntries(OP_NAMES.map((n) => [n, async () => null])) as unknown as Handlers;
    (leaky as Record<string, unknown>)['secrets.set'] = async () => ({ name: 'K', label: { en: 'k', zh: 'k' }, set: true, last4: '1234', value: 'x' });
    await expect(dispatch(leaky, 'secrets.set', { profileId: 'p', name: 'K', value: 'v' })).rejects.toThrow('/value: unknown field');
  });
});
