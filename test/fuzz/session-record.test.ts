import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../src-main/core/session/manager.ts';
import { SessionDirectory, readEvents } from '../../src-main/core/session/event-store.ts';
import type { OperationDescriptor, VendorDescriptor } from '../../src-main/core/vendors/types.ts';
import type { Profile } from '../../src-main/core/profiles/types.ts';
import type { NewEvent } from '../../src-main/core/events.ts';
import { anyValue, BIG_RUNS, deepNest, hugeString, jsonValue, RUNS, TEN_MB } from './support/arbitraries.ts';

/**
 * The session engine is the boundary every parsed event crosses: whatever a parser puts in `data` (a body nested
 * deeper than the stack, a cycle, a BigInt, 10 MB) is recorded under its own seq, the record stays parseable with
 * contiguous seqs, and a secret inside it is redacted.
 */
const SECRET = 'FUZZ-SECRET-4b1d-value';

// A socket-like operation that stays open until stopped, so events can be recorded into it.
const hold: OperationDescriptor = {
  id: 'hold',
  title: { en: 'Hold', zh: '保持' },
  transport: 'socket',
  schema: { type: 'object' },
  example: {},
  async run(ctx) {
    await ctx.credential('API_KEY');
    await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
    return { ok: true, summary: 'held' };
  },
};
const vendor = {
  id: 'convai',
  title: { en: 'Fuzz', zh: '模糊' },
  color: '#f08ad0',
  docsHosts: [],
  credentials: [{ name: 'API_KEY', label: { en: 'key', zh: '密钥' }, secret: true }],
  settingsSchema: {},
  defaultSettings: () => ({}),
  operations: [hold],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
} satisfies VendorDescriptor;
const profile: Profile = { id: 'fz', name: 'fuzz', vendor: 'convai', target: 'live', settings: {}, createdAt: '', updatedAt: '' };

function cyclic(): unknown {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  return a;
}

const hostileData: fc.Arbitrary<unknown> = fc.oneof(
  anyValue,
  jsonValue.map((v) => ({ wrapped: v, key: SECRET, nested: { api_key: 'x', list: [SECRET] } })),
  fc.integer({ min: 1000, max: 50_000 }).map((d) => deepNest(d, SECRET)),
  fc.constant(null).map(cyclic),
  fc.bigInt().map((n) => ({ n })),
);

describe('session engine: any event data is recorded in order', () => {
  let manager: SessionManager;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-record-'));
    manager = new SessionManager(new SessionDirectory(dir), async () => SECRET);
  });
  afterAll(() => manager.stopAll());

  async function recordAll(batches: NewEvent[][]): Promise<string> {
    const { sessionId, done } = await manager.start({ vendor, operation: hold, profile, payload: {}, sandboxUrl: undefined });
    for (let i = 0; i < 50 && !manager.isLive(sessionId); i++) await new Promise((r) => setTimeout(r, 5));
    for (const events of batches) manager.record(sessionId, events);
    await manager.stop(sessionId);
    await done;
    return manager.directory.eventsFile(sessionId);
  }

  function expectCompleteRecord(file: string, recorded: number): void {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    const { events, badLines } = readEvents(file);
    expect(badLines).toBe(0);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.kind).toBe('session.start');
    expect(events.at(-1)!.kind).toBe('session.end');
    expect(events.filter((e) => e.kind === 'fuzz.data')).toHaveLength(recorded);
  }

  it('random, deep, cyclic and BigInt data: every event keeps its seq, the record parses, secrets are redacted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileData, { minLength: 1, maxLength: 8 }), async (datas) => {
        const file = await recordAll([datas.map((data, i) => ({ kind: 'fuzz.data', dir: 'in', summary: `#${i} ${SECRET}`, data }))]);
        expectCompleteRecord(file, datas.length);
      }),
      { numRuns: Math.round(RUNS / 4) },
    );
  });

  it('a 10 MB string in an event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(hugeString(TEN_MB), `${hugeString(TEN_MB)}${SECRET}`), async (big) => {
        const file = await recordAll([[{ kind: 'fuzz.data', dir: 'in', summary: 'big', data: { big } }]]);
        expectCompleteRecord(file, 1);
      }),
      { numRuns: BIG_RUNS },
    );
  });
});
