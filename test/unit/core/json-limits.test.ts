import { describe, expect, it } from 'vitest';
import { jsonProblem } from '../../../src-main/core/json-limits.ts';
import { dispatch, type Handlers } from '../../../src-main/core/contract.ts';
import { deepNest } from '../../fuzz/support/arbitraries.ts';

const limits = { maxDepth: 8, maxBytes: 1000 };

describe('jsonProblem(): arguments are plain JSON data within limits', () => {
  it('accepts plain JSON, null-prototype objects and undefined properties', () => {
    expect(jsonProblem({ a: [1, 'x', null, true, { b: -0.5 }], u: undefined }, limits)).toBeNull();
    expect(jsonProblem(Object.assign(Object.create(null), { a: 1 }), limits)).toBeNull();
  });

  it('names the field and the reason for what structured clone carries but JSON does not', () => {
    const cyclic: Record<string, unknown> = { a: { b: 1 } };
    (cyclic.a as Record<string, unknown>).back = cyclic;
    expect(jsonProblem({ payload: { n: 10n } }, limits)).toBe('/payload/n: a BigInt (send it as a number or a string)');
    expect(jsonProblem({ payload: cyclic }, limits)).toBe('/payload/a/back: refers back to itself (a cycle); send plain JSON data');
    expect(jsonProblem({ when: new Date() }, limits)).toBe('/when: a Date object (send plain JSON objects and arrays)');
    expect(jsonProblem({ m: new Map() }, limits)).toMatch(/^\/m: a Map object/);
    expect(jsonProblem({ list: [1, NaN] }, limits)).toBe('/list/1: NaN (only finite numbers are JSON numbers)');
    expect(jsonProblem({ f: () => 1 }, limits)).toBe('/f: a function');
    expect(jsonProblem({ bytes: new Uint8Array(2) }, limits)).toMatch(/Uint8Array object/);
  });

  it('refuses deep nesting (10 000 levels) and size over the limit without walking it all', () => {
    expect(jsonProblem({ payload: deepNest(10_000) }, limits)).toMatch(/nested deeper than 8 levels/);
    expect(jsonProblem({ s: 'x'.repeat(2000) }, limits)).toBe('/s: the arguments are larger than 1 KB');
    // A sparse array claiming a billion items is refused once the size is reached, not iterated to the end.
    expect(jsonProblem({ a: new Array(1e9) }, limits)).toMatch(/larger than 1 KB/);
  });

  it('dispatch() refuses such arguments with BAD_ARGUMENTS before any handler runs', async () => {
    let reached = 0;
    const handlers = new Proxy({}, { get: () => async () => (reached++, { errors: [] }) }) as unknown as Handlers;
    const profileId = 'p1';
    for (const payload of [{ n: 1n }, deepNest(10_000), { big: 'x'.repeat(2 * 1024 * 1024) }]) {
      await expect(dispatch(handlers, 'session.start', { profileId, operation: 'x', payload, sendAnyway: true })).rejects.toMatchObject({
        code: 'BAD_ARGUMENTS',
        message: expect.stringMatching(/^session\.start: \/payload/),
      });
    }
    // The operations that carry audio take more.
    await expect(dispatch(handlers, 'session.send', { sessionId: 's1', action: 'audio', data: { pcm: 'A'.repeat(3 * 1024 * 1024) } })).resolves.toBeDefined();
    await expect(dispatch(handlers, 'session.send', { sessionId: 's1', action: 'audio', data: { pcm: 'A'.repeat(5 * 1024 * 1024) } })).rejects.toMatchObject({
      code: 'BAD_ARGUMENTS',
    });
    expect(reached).toBe(1);
  });
});
