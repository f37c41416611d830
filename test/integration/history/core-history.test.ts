import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/core/contract.ts';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import type { IndexStatus } from '../../../src-main/core/history/types.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { generateHistory } from '../../bench/history-data.ts';
import { expectedIds, readRecords } from '../../unit/history/support.ts';
import { phrase, startTalking } from './support/talking-vendor.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The history index as the app runs it: createCore, its worker thread, the contract.
describe('history through the core', () => {
  const cores: Core[] = [];
  afterAll(async () => {
    for (const c of cores) await c.close();
  });

  it('indexes an existing data folder on first start in the background, with progress, answering queries meanwhile', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-history-first-'));
    generateHistory({ dataDir, count: 1500, seed: 11 });
    const records = readRecords(dataDir);
    const core = createCore({ dataDir, secrets: new MemorySecretStore() });
    cores.push(core);
    const seen: IndexStatus[] = [];
    for (;;) {
      const status = await core.handlers['history.indexStatus']({});
      seen.push(status);
      // Queries are answered while indexing (from what is indexed so far, newest first).
      const partial = await core.handlers['history.query']({ query: { text: 'twenty degrees' } });
      expect(partial.map((e) => e.id)).toEqual(expectedIds(records, 'twenty', 'degrees').slice(0, partial.length));
      if (status.state === 'ready') break;
      await sleep(20);
    }
    expect(seen[0]).toMatchObject({ state: 'indexing', rebuilt: 'missing', total: 1500 });
    const indexing = seen.filter((s) => s.state === 'indexing');
    expect(indexing.length).toBeGreaterThan(1);
    expect(indexing.map((s) => s.pending)).toEqual([...indexing.map((s) => s.pending)].sort((a, b) => b - a));
    expect(seen.at(-1)).toMatchObject({ state: 'ready', sessions: 1500, pending: 0 });
    expect((await core.handlers['history.query']({ query: { text: '天气', limit: 5000 } })).map((e) => e.id)).toEqual(expectedIds(records, '天气'));
    // session.list comes from the index too: newest first.
    expect((await core.handlers['session.list']({})).slice(0, 5).map((s) => s.id)).toEqual(records.slice(0, 5).map((r) => r.summary.id));
  }, 60_000);

  it('finds a running session by what it said while it runs, twice, and after it ended', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-history-live-'));
    const core = createCore({ dataDir, secrets: new MemorySecretStore() });
    cores.push(core);
    for (const round of [1, 2]) {
      const { sessionId, done } = await startTalking(core.sessions, { everyMs: 10, count: 40 });
      const seen = await (async () => {
        for (;;) {
          const rows = await core.handlers['history.query']({ query: { text: `"${phrase(20)}"` } });
          const hit = rows.find((r) => r.id === sessionId);
          if (hit) return hit;
          await sleep(5);
        }
      })();
      expect(seen.state).toBe('running');
      expect(seen.profileName).toBe('Talking bot');
      expect(seen.matches!.total).toBe(1);
      await done;
      // After the end the session is indexed from its record: the same answer, now with its final state.
      const rows = await core.handlers['history.query']({ query: { text: 'lighthouse keeper', state: 'ended' } });
      expect(rows.map((r) => r.id)).toContain(sessionId);
      const row = rows.find((r) => r.id === sessionId)!;
      expect(row).toMatchObject({ state: 'ended', eventCount: 40 * 6 + 2, matches: { total: 40 } });
      const { events } = core.sessions.events(sessionId, 0, 1000);
      expect(row.matches!.seqs).toEqual(events.filter((e) => e.kind === 'mindcraft.llm').map((e) => e.seq));
      const detail = await core.handlers['history.detail']({ sessionId });
      expect(detail.entry).toMatchObject({ id: sessionId, state: 'ended', profileName: 'Talking bot' });
      expect(detail.figures.botText).toContain(phrase(40));
      expect((await core.handlers['history.query']({ query: {} })).length).toBe(round);
    }
  });

  it('keeps its contract strict: ids, codes, bounds and sizes are checked before the index sees them', async () => {
    const core = cores[1]!;
    const bad: [string, unknown][] = [
      ['history.detail', { sessionId: '../../etc/passwd' }],
      ['history.detail', { sessionId: '20261201T000000-mindcraft-0000000g' }],
      ['history.rerun', { sessionId: 'x/y' }],
      ['history.query', { query: { errorCode: "414' OR 1=1 --" } }],
      ['history.query', { query: { from: 'yesterday' } }],
      ['history.query', { query: { limit: 5001 } }],
      ['history.query', { query: { figures: [{ name: 'rm -rf', over: 1 }] } }],
      ['history.query', { query: { figures: [{ name: 'turn_latency_ms', over: -1 }] } }],
      ['history.query', { query: { sort: { by: 'id; DROP TABLE sessions' } } }],
      ['history.query', { query: { text: 'x'.repeat(201) } }],
      ['history.query', { query: { vendor: 'acme' } }],
      ['history.indexStatus', { verbose: true }],
    ];
    for (const [op, args] of bad)
      await expect(dispatch(core.handlers, op, args), `${op} ${JSON.stringify(args)}`).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    // Full-text syntax in the words is taken literally, never as a query of its own.
    for (const text of ['"unbalanced', 'NEAR(a b)', 'text:x', '^start', '* OR *', "' OR 1=1 --", 'a AND b NOT c', '%_\\'])
      await expect(dispatch(core.handlers, 'history.query', { query: { text } }), text).resolves.toEqual([]);
    await expect(dispatch(core.handlers, 'history.detail', { sessionId: '20261201T000000-mindcraft-00000000' })).rejects.toThrow(/does not exist/);
    const status = (await dispatch(core.handlers, 'history.indexStatus', {})) as IndexStatus;
    expect(status).toMatchObject({ state: 'ready', sessions: 2 });
  });
});
