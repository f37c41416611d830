import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffEvents, diffKindSequences, diffValues, kindRuns } from '../../../src-main/core/workflows/diff.ts';
import { PinStore } from '../../../src-main/core/workflows/pins.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';

const ev = (seq: number, kind: string, data?: unknown): SessionEvent => ({ seq, t: seq, at: '', kind, dir: 'in', summary: kind, data });
const seqOf = (...kinds: string[]) => kinds.map((k, i) => ev(i + 1, k));

describe('diff', () => {
  it('lists added, removed and changed fields by JSON pointer', () => {
    expect(diffValues({ a: 1, b: { c: [1, 2], 'x/y': true }, d: 'same' }, { a: 2, b: { c: [1], 'x/y': true, n: null }, d: 'same' })).toEqual([
      { path: '/a', change: 'changed', a: 1, b: 2 },
      { path: '/b/c/1', change: 'removed', a: 2 },
      { path: '/b/n', change: 'added', b: null },
    ]);
    expect(diffValues({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: '/a', change: 'changed', a: [1], b: { 0: 1 } }]);
    expect(diffValues(5, 5)).toEqual([]);
  });

  it('diffs two events including kind and data', () => {
    expect(diffEvents(ev(1, 'metric', { name: 'x', value: 1 }), ev(2, 'metric', { name: 'x', value: 3 }))).toEqual([
      { path: '/data/value', change: 'changed', a: 1, b: 3 },
    ]);
  });

  it('collapses repeated kinds and aligns two sessions by longest common subsequence', () => {
    expect(kindRuns(seqOf('a', 'b', 'b', 'b', 'c'))).toEqual([
      { kind: 'a', count: 1 },
      { kind: 'b', count: 3 },
      { kind: 'c', count: 1 },
    ]);
    const ops = diffKindSequences(seqOf('start', 'open', 'bin', 'bin', 'asr', 'llm', 'tts', 'stop'), seqOf('start', 'open', 'bin', 'error', 'llm', 'stop'));
    expect(ops.map((o) => `${o.op[0]} ${o.kind}`)).toEqual(['s start', 's open', 's bin', 'r asr', 'a error', 's llm', 'r tts', 's stop']);
    expect(ops[2]).toEqual({ op: 'same', kind: 'bin', countA: 2, countB: 1 });
  });

  it('stays fast on long sessions', () => {
    const a = Array.from({ length: 20000 }, (_, i) => ev(i, `k${i % 7 === 0 ? 'x' : i % 3}`));
    const b = Array.from({ length: 20000 }, (_, i) => ev(i, `k${i % 5 === 0 ? 'y' : i % 3}`));
    const t0 = performance.now();
    const ops = diffKindSequences(a, b);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(ops.length).toBeGreaterThan(0);
  });
});

describe('pins', () => {
  it('keeps sorted unique pins per session across restarts', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-pins-')), 'pins.json');
    const a = new PinStore(file);
    expect(a.set('s1', [5, 2, 5, -1, 1.5])).toEqual([2, 5]);
    expect(new PinStore(file).get('s1')).toEqual([2, 5]);
    a.set('s1', []);
    expect(new PinStore(file).get('s1')).toEqual([]);
  });
});

describe('bundle payload redaction', () => {
  it('drops literal credential fields, keeps references, lists the paths', async () => {
    const { redactCredentialFields } = await import('../../../src-main/core/workflows/bundle.ts');
    const r = redactCredentialFields({
      AgentConfig: { UserId: 'bot', UserSig: 'eJyrVkrOzytRsjI0MDA2' },
      LLMConfig: { APIKey: '{{secret:LLM_API_KEY}}' },
      list: [{ token: 'abc123456' }],
    });
    expect(r.value).toEqual({
      AgentConfig: { UserId: 'bot', UserSig: '«redacted»' },
      LLMConfig: { APIKey: '{{secret:LLM_API_KEY}}' },
      list: [{ token: '«redacted»' }],
    });
    expect(r.redacted).toEqual(['/AgentConfig/UserSig', '/list/0/token']);
  });
});
