import { startHarness, type Harness } from '../e2e/harness.ts';
import type { CompareResult, CompareRun } from '../../src-main/core/workflows/compare.ts';
import type { VendorId } from '../../src-main/core/vendors/types.ts';
import { atMost, percentile, round, type Figure } from './figure.ts';

/**
 * The four vendors' sandboxes compared in the app (Mindcraft's socket, Convai on livekit-server, Tencent and NetEase
 * through the turn agent in Chromium), the same utterance, with the sandbox bot's think time scripted per round
 * (400, 800, 1600 ms, set on the sandbox host for every vendor), each round run in parallel and then one vendor
 * after another.
 *
 * - Measurement accuracy, per vendor: the think time is the one thing that changes between rounds and is known
 *   exactly, so R - think (R: Parley's response latency) should be the same constant in every run: the vendor's
 *   silence setting, the bot's recognition and the transport. Its spread around the vendor's median is what the
 *   measurement adds (plus the transport's jitter, which it cannot tell apart): error = |(R - think) - median|, p95.
 *   The constant itself is in the note, beside the silence setting it mostly is.
 * - Parallel against sequential, per vendor: the medians of response latency and bot audio (an underrun or a lost
 *   frame would change how long the answer is audible) within 5 %; every run ok, every figure present, and every
 *   session record's seqs contiguous (no event lost).
 */
const THINK_MS = [400, 800, 1600];
const REPEAT = 2;
const VENDORS: VendorId[] = ['convai', 'netease', 'mindcraft', 'tencent'];

interface Sample {
  vendor: VendorId;
  thinkMs: number;
  mode: 'parallel' | 'sequential';
  run: CompareRun;
}

async function compare(h: Harness, mode: 'parallel' | 'sequential', name: string): Promise<CompareResult> {
  const profiles = await h.core.handlers['profiles.list']({});
  const entries = VENDORS.map((v) => ({ profileId: profiles.find((p) => p.vendor === v && p.target === 'sandbox')!.id }));
  const { id } = await h.core.handlers['compare.start']({ plan: { name, input: { sample: 'hello-weather-en.wav' }, repeat: REPEAT, mode, entries } });
  for (;;) {
    const r = await h.core.handlers['compare.get']({ id });
    if (r.state !== 'running') return r;
    await new Promise((res) => setTimeout(res, 250));
  }
}

export async function run(): Promise<Figure[]> {
  const h = await startHarness();
  try {
    const sandbox = await h.core.sandbox();
    const samples: Sample[] = [];
    let lostEvents = 0;
    const missing: string[] = [];
    for (const thinkMs of THINK_MS) {
      for (const v of VENDORS) sandbox.setBotSettings(v, { thinkMs });
      for (const mode of ['parallel', 'sequential'] as const) {
        const r = await compare(h, mode, `bench think ${thinkMs} ${mode}`);
        for (const run of r.runs) {
          const vendor = r.columns[run.entry]!.vendor;
          samples.push({ vendor, thinkMs, mode, run });
          const where = `${vendor} think ${thinkMs} ${mode} #${run.repetition}`;
          if (!run.ok) missing.push(`${where}: failed (${run.error})`);
          for (const k of ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'turnLatencyMs', 'botAudioS'] as const)
            if (!run.figures[k]) missing.push(`${where}: no ${k}`);
          if (run.sessionId) {
            const seqs = h.core.sessions.events(run.sessionId, 0, 1_000_000).events.map((e) => e.seq);
            lostEvents += seqs.filter((s, i) => s !== i + 1).length;
          }
        }
      }
    }
    for (const v of VENDORS) sandbox.setBotSettings(v, null);

    const figures: Figure[] = [];
    const relDiffs: string[] = [];
    let worst = 0;
    for (const vendor of VENDORS) {
      const mine = samples.filter((s) => s.vendor === vendor && s.run.figures.turnLatencyMs);
      const offsets = mine.map((s) => s.run.figures.turnLatencyMs!.value - s.thinkMs);
      const center = percentile(offsets, 50);
      const errors = offsets.map((o) => Math.abs(o - center));
      const perThink = THINK_MS.map((t) => {
        const xs = mine.filter((s) => s.thinkMs === t).map((s) => s.run.figures.turnLatencyMs!.value);
        return `think ${t}: R ${xs.map(Math.round).join('/')}`;
      }).join('; ');
      const source = [...new Set(mine.map((s) => s.run.figures.turnLatencyMs!.source))].join('/');
      figures.push(
        atMost(`compare.${vendor}.response_latency_error_p95`, percentile(errors, 95), 'ms', 20, {
          note: `|(R - think) - median| over ${mine.length} runs (${source}); R - think median ${round(center)} ms (silence setting + recognition + transport); ${perThink} ms`,
        }),
      );
      for (const key of ['turnLatencyMs', 'botAudioS'] as const) {
        const med = (mode: 'parallel' | 'sequential') =>
          percentile(
            samples.filter((s) => s.vendor === vendor && s.mode === mode && s.run.figures[key]).map((s) => s.run.figures[key]!.value),
            50,
          );
        const par = med('parallel');
        const seq = med('sequential');
        const diff = Math.abs(par - seq) / seq;
        worst = Math.max(worst, Number.isFinite(diff) ? diff : Infinity);
        relDiffs.push(`${vendor} ${key} ${round(par)} vs ${round(seq)}`);
      }
    }
    figures.push(
      atMost('compare.parallel_vs_sequential_max_diff', worst * 100, '%', 5, {
        note: `medians per vendor, parallel vs sequential, same think times: ${relDiffs.join('; ')}`,
      }),
      atMost('compare.events_lost', lostEvents, 'events', 0, { note: 'seq gaps in the session records of every run' }),
      atMost('compare.missing_figures', missing.length, 'figures', 0, { note: missing.slice(0, 12).join('; ') || 'every run ok, every figure present' }),
    );
    return figures;
  } finally {
    await h.close();
  }
}
