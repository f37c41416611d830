import { describe, expect, it } from 'vitest';
import { toWire, validateSchema } from '../../../src-main/core/payload.ts';
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
    expect(errors.map((e) => e.message).sort()).toEqual(['/config: required', '/max: expected a number >= 20', '/mode: expected one of "pro", "standard"', '/name: required']);
    expect(errors.find((e) => e.path === '/max')).toBeTruthy();
  });

  it('accepts a valid payload', () => {
    expect(validateSchema(schema, { name: 'a', config: { Model: 'x' }, max: 20 })).toEqual([]);
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
    (leaky as Record<string, unknown>)['secrets.status'] = async () => [{ name: 'SECRET_KEY', label: { en: 'k', zh: 'k' }, set: true, last4: 'full-secret-value-123' }];
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
