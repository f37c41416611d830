import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aggregate, ComparisonStore, runComparison, runsCsv, summaryCsv, type ComparePlan } from '../../../src-main/core/workflows/compare.ts';
import { median, percentile } from '../../../src-main/core/workflows/stats.ts';
import type { RunToEnd } from '../../../src-main/core/workflows/session-runner.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';

describe('stats', () => {
  it('median and nearest-rank p90', () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([10, 20, 30], 90)).toBe(30);
  });
  it('p90 is an observed value between the median and the maximum', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10000 }), { minLength: 1, maxLength: 50 }), (xs) => {
        const p = percentile(xs, 90)!;
        expect(xs).toContain(p);
        expect(p).toBeGreaterThanOrEqual(median(xs)! - 1e-9 - (Math.max(...xs) - Math.min(...xs)) / 2);
        expect(p).toBeLessThanOrEqual(Math.max(...xs));
      }),
    );
  });
});

const plan = (mode: 'sequential' | 'parallel'): ComparePlan => ({
  input: { text: 'What is the weather like today?' },
  entries: [
    { vendor: 'mindcraft', profile: 'Mindcraft sandbox', operation: 'chat_bot_v3', payload: {} },
    { vendor: 'tencent', profile: 'Tencent sandbox', operation: 'StartAIConversation', payload: {}, label: 'TRTC' },
  ],
  repeat: 3,
  mode,
});

/** A runner that records the order and overlap of runs, answering with synthetic events. */
function fakeRunner(log: string[]): RunToEnd {
  let n = 0;
  let active = 0;
  return async (req) => {
    const i = ++n;
    active++;
    log.push(`start ${req.vendor} active=${active}`);
    await new Promise((r) => setTimeout(r, 5));
    active--;
    const ev = (seq: number, t: number, kind: string, dir: SessionEvent['dir'], data?: unknown): SessionEvent => ({
      seq,
      t,
      at: '',
      kind,
      dir,
      summary: kind,
      data,
    });
    const events =
      req.vendor === 'mindcraft'
        ? [
            ev(1, 0, 'session.start', 'local'),
            ev(2, 30 + i, 'ws.open', 'local'),
            ev(3, 40 + i, 'x', 'in', { asr_content: 'hello', llm_response: 'Hi' }),
            ev(4, 100, 'x.stop', 'out'),
            ev(5, 400 + i * 10, 'audio.segment', 'in', { audio_seconds: 1 }),
          ]
        : [ev(1, 0, 'session.start', 'local'), ev(2, 1, 'http.request', 'out'), ev(3, 90 + i, 'http.response', 'in', { status: 200 })];
    if (i === 4)
      return {
        sessionId: `s${i}`,
        profileName: req.profile!,
        target: 'sandbox',
        outcome: { ok: false, summary: 'TaskExist' },
        outcomeWithSecrets: { ok: false, summary: 'TaskExist' },
        events,
        durationMs: 5,
      };
    return {
      sessionId: `s${i}`,
      profileName: req.profile!,
      target: 'sandbox',
      outcome: { ok: true, summary: 'ok' },
      outcomeWithSecrets: { ok: true, summary: 'ok' },
      events,
      durationMs: 5,
    };
  };
}

describe('comparison', () => {
  it('sequential mode interleaves vendors and never overlaps runs; failed runs are excluded from the statistics', async () => {
    const log: string[] = [];
    const progress: number[] = [];
    const r = await runComparison(plan('sequential'), fakeRunner(log), (p) => progress.push(p.runs.length));
    expect(log).toEqual([
      'start mindcraft active=1',
      'start tencent active=1',
      'start mindcraft active=1',
      'start tencent active=1',
      'start mindcraft active=1',
      'start tencent active=1',
    ]);
    expect(progress.at(-1)).toBe(6);
    expect(r.state).toBe('done');
    const [mc, tc] = r.columns;
    expect(mc!.ok).toBe(3);
    expect(mc!.stats.firstAudioMs).toEqual({ median: 430, p90: 450, n: 3, sources: ['derived'] });
    expect(mc!.stats.turnLatencyMs.median).toBe(330);
    expect(mc!.transcript).toBe('hello');
    expect(mc!.botText).toBe('Hi');
    expect(tc!.label).toBe('TRTC');
    expect(tc!.runs).toBe(3);
    expect(tc!.ok).toBe(2);
    expect(tc!.stats.setupMs).toEqual({ median: 94, p90: 96, n: 2, sources: ['derived'] });
    expect(tc!.stats.firstAudioMs.n).toBe(0);
    expect(r.runs.find((x) => !x.ok)!.error).toBe('TaskExist');
  });

  it('parallel mode starts every vendor of a repetition together', async () => {
    const log: string[] = [];
    await runComparison(plan('parallel'), fakeRunner(log));
    expect(log.filter((l) => l.endsWith('active=2'))).toHaveLength(3);
  });

  it('exports CSV (summary and per run) safe for spreadsheets', async () => {
    const r = await runComparison({ ...plan('sequential'), repeat: 1 }, fakeRunner([]));
    r.columns[0]!.botText = '=HYPERLINK("x"), "quoted"';
    const csv = summaryCsv(r);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'label,vendor,operation,runs,ok,setup_ms_median,setup_ms_p90,first_server_event_ms_median,first_server_event_ms_p90,first_audio_ms_median,first_audio_ms_p90,turn_latency_ms_median,turn_latency_ms_p90,bot_audio_s_median,bot_audio_s_p90,recognition_metric,recognition_rate_median,recognition_rate_p90,transcript,bot_text',
    );
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
    expect(lines[2]!.startsWith('TRTC,tencent,StartAIConversation,1,1,92,92,')).toBe(true);
    expect(runsCsv(r).split('\r\n')[1]).toMatch(/^Mindcraft sandbox,mindcraft,1,s1,true,,31,41,410,310,1,,hello,Hi$/);
  });

  it('scores each run against the reference: WER per run, median and p90 per vendor, no transcript as rate 1; in both CSVs', async () => {
    const r = await runComparison({ ...plan('sequential'), reference: 'Hello there' }, fakeRunner([]));
    const [mc, tc] = r.columns;
    expect(r.runs.filter((x) => x.entry === 0).map((x) => x.recognition)).toEqual([
      { metric: 'wer', rate: 0.5 },
      { metric: 'wer', rate: 0.5 },
      { metric: 'wer', rate: 0.5 },
    ]);
    expect(mc!.recognition).toEqual({ metric: 'wer', median: 0.5, p90: 0.5, n: 3 });
    // TRTC's control-plane runs carry no transcript; the failed run is not counted.
    expect(tc!.recognition).toEqual({ metric: 'wer', median: 1, p90: 1, n: 2 });
    expect(summaryCsv(r).split('\r\n')[1]).toContain(',wer,0.5,0.5,hello,Hi');
    expect(runsCsv(r).split('\r\n')[1]).toMatch(/,0\.5,hello,Hi$/);
    const zh = await runComparison({ ...plan('parallel'), repeat: 1, reference: '你好' }, fakeRunner([]));
    expect(zh.columns[0]!.recognition!.metric).toBe('cer');
    const none = await runComparison({ ...plan('parallel'), repeat: 1 }, fakeRunner([]));
    expect(none.columns[0]!.recognition).toBeUndefined();
    expect(none.runs[0]!.recognition).toBeUndefined();
  });

  it('rejects a plan without input or with a bad repeat count', async () => {
    await expect(runComparison({ ...plan('sequential'), input: {} }, fakeRunner([]))).rejects.toThrow(/input: give a WAV file or a text/);
    await expect(runComparison({ ...plan('sequential'), repeat: 0 }, fakeRunner([]))).rejects.toThrow(/repeat: expected an integer 1-100/);
    await expect(runComparison({ ...plan('sequential'), input: { wav: '/nope.wav' } }, fakeRunner([]))).rejects.toThrow(/\/nope\.wav does not exist/);
  });

  it('saves, lists and reloads results', async () => {
    const store = new ComparisonStore(mkdtempSync(join(tmpdir(), 'parley-cmp-')));
    const r = await runComparison({ ...plan('sequential'), repeat: 1, name: 'weather' }, fakeRunner([]));
    store.save(r);
    expect(store.list()).toEqual([{ id: r.id, name: 'weather', createdAt: r.createdAt, labels: ['Mindcraft sandbox', 'TRTC'], repeat: 1 }]);
    expect(store.get(r.id).columns).toEqual(aggregate(r.plan, r.runs));
    expect(() => store.get('../etc/passwd')).toThrow(/comparison id: expected an id/);
  });
});
