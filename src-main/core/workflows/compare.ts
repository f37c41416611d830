/**
 * Same utterance, several vendor profiles, N times each. Runs go through a SessionRunner (the app's session
 * engine) so every run is also an ordinary session in the history.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { setAside, type Notices } from '../notices.ts';
import { assertId, confined, isId, MiB, readRegularFile } from '../paths.ts';
import { sessionFigures, type Figure } from './metrics.ts';
import { median, percentile } from './stats.ts';
import type { RunRequest, RunToEnd } from './session-runner.ts';
import type { TurnInput } from './turn.ts';
import type { OperationDescriptor, VendorDescriptor, VendorId } from '../vendors/types.ts';
import { vendorById } from '../vendors/registry.ts';
import { ROOM_EVENT_KINDS } from '../room-events.ts';
import type { InputSpec } from './input.ts';
import { scoreRecognition, type ScoringMetric } from '../voice/accuracy.ts';
import { parseUtteranceLibrary } from '../voice/library.ts';
import { resourcePath } from '../resources.ts';

export const FIGURES = ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'turnLatencyMs', 'botAudioS'] as const;
export type FigureKey = (typeof FIGURES)[number];
export const FIGURE_COLUMNS: Record<FigureKey, string> = {
  setupMs: 'setup_ms',
  firstServerEventMs: 'first_server_event_ms',
  firstAudioMs: 'first_audio_ms',
  turnLatencyMs: 'turn_latency_ms',
  botAudioS: 'bot_audio_s',
};

export interface CompareEntry {
  vendor: VendorId;
  /** Profile id or name. */
  profile: string;
  operation: string;
  payload: Record<string, unknown>;
  /** Shown in tables; the profile name by default. */
  label?: string;
}

export interface ComparePlan {
  name?: string;
  input: TurnInput;
  entries: CompareEntry[];
  repeat: number;
  mode: 'sequential' | 'parallel';
  /** What was said, to score each run's recognised text against (CER for Chinese, WER otherwise). */
  reference?: string;
}

/** A plan as the renderer sends it: profiles by id, input as a path, a shipped sample or bytes. */
export interface ComparePlanInput {
  name?: string;
  input: InputSpec;
  entries: { profileId: string; operation?: string; payload?: Record<string, unknown>; label?: string }[];
  repeat: number;
  mode: 'sequential' | 'parallel';
  /** The reference text; for a shipped sample its library transcript is used when this is absent. */
  reference?: string;
}

/** The reference a comparison scores against: the one given, else a shipped sample's library transcript. */
export function planReference(plan: Pick<ComparePlanInput, 'input' | 'reference'>): string | undefined {
  if (plan.reference !== undefined && plan.reference.trim()) return plan.reference;
  const sample = plan.input.sample;
  if (!sample) return undefined;
  const library = parseUtteranceLibrary(JSON.parse(readFileSync(resourcePath('utterances', 'utterances.json'), 'utf8')), 'utterances/utterances.json');
  return library.find((u) => u.file === sample)?.text;
}

export interface CompareSummary {
  id: string;
  name: string;
  createdAt: string;
  labels: string[];
  repeat: number;
}

/**
 * The operation a comparison uses for a vendor when the user picks none: the one that takes the utterance (a
 * socket operation with send_wav/text), else the one that starts a conversation, else the first.
 */
export function defaultCompareOperation(vendor: VendorDescriptor): OperationDescriptor {
  const ops = vendor.operations;
  const op =
    ops.find((o) => o.transport === 'socket' && o.actions?.some((a) => a.id === 'send_wav' || a.id === 'text')) ??
    ops.find((o) => /start|connect|create/i.test(o.id)) ??
    ops[0];
  if (!op) throw new Error(`${vendor.id}: has no operations`);
  return op;
}

/** How a vendor's turn travelled: `socket`, `sandbox-room`, `livekit`, `trtc`, `nertc` (a room's by the SDK its descriptor names). */
export function transportOf(vendorId: VendorId, target: 'sandbox' | 'live', events: readonly { kind?: unknown }[]): string {
  const vendor = vendorById(vendorId);
  const transport = defaultCompareOperation(vendor).transport;
  const sdk = vendor.room?.sdk;
  if (transport !== 'room' || !sdk) return transport;
  // A LiveKit sandbox room is livekit-server when this machine has one (the run joined it), else the loopback room.
  if (sdk === 'livekit') return events.some((e) => e.kind === ROOM_EVENT_KINDS.joined) ? 'livekit' : 'sandbox-room';
  return target === 'sandbox' ? 'sandbox-room' : sdk;
}

export interface CompareRun {
  entry: number;
  repetition: number;
  sessionId?: string;
  ok: boolean;
  error?: string;
  figures: Partial<Record<FigureKey, Figure>>;
  transcript: string;
  botText: string;
  /** How the turn travelled (see transportOf); absent when the run could not start. */
  transport?: string;
  /** The transcript scored against the plan's reference (absent without one). */
  recognition?: RunRecognition;
}

export interface RunRecognition {
  metric: ScoringMetric;
  /** Errors / reference tokens, 0 = perfect. */
  rate: number;
}

export interface RecognitionStats {
  metric: ScoringMetric;
  median?: number;
  p90?: number;
  /** Successful runs scored (one with no transcript has a rate of 1: nothing of the speech recognised). */
  n: number;
}

export interface FigureStats {
  median?: number;
  p90?: number;
  n: number;
  /** How the figure was obtained in these runs: reported, measured, derived (several when mixed). */
  sources: string[];
}

export interface CompareColumn {
  entry: number;
  label: string;
  vendor: VendorId;
  operation: string;
  runs: number;
  ok: number;
  stats: Record<FigureKey, FigureStats>;
  transcript: string;
  botText: string;
  /** CER or WER over the successful runs, when the plan has a reference. */
  recognition?: RecognitionStats;
}

export interface CompareResult {
  id: string;
  name: string;
  createdAt: string;
  state: 'running' | 'done' | 'failed';
  plan: ComparePlan;
  runs: CompareRun[];
  columns: CompareColumn[];
  error?: string;
}

export function validatePlan(plan: ComparePlan): void {
  if (!plan.input.wav && !plan.input.text) throw new Error('input: give a WAV file or a text utterance');
  if (plan.input.wav && !existsSync(plan.input.wav)) throw new Error(`input.wav: ${plan.input.wav} does not exist`);
  if (plan.entries.length < 1) throw new Error('entries: choose at least one vendor profile');
  if (!Number.isInteger(plan.repeat) || plan.repeat < 1 || plan.repeat > 100) throw new Error(`repeat: expected an integer 1-100, got ${plan.repeat}`);
}

/**
 * Sequential mode interleaves vendors per repetition (A1 B1 A2 B2 ...) so a network or machine hiccup lands
 * on every vendor rather than on one. Parallel mode starts all vendors of a repetition together.
 */
export async function runComparison(
  plan: ComparePlan,
  run: RunToEnd,
  onProgress?: (r: CompareResult) => void,
  result = newResult(plan),
): Promise<CompareResult> {
  validatePlan(plan);
  const once = async (entry: number, repetition: number): Promise<void> => {
    const e = plan.entries[entry]!;
    const req: RunRequest = { vendor: e.vendor, operation: e.operation, payload: e.payload, profile: e.profile, input: plan.input, ownIds: true };
    let r: CompareRun;
    try {
      const res = await run(req);
      const f = sessionFigures(res.events);
      const figures: Partial<Record<FigureKey, Figure>> = {};
      for (const k of FIGURES) if (f[k]) figures[k] = f[k];
      r = {
        entry,
        repetition,
        sessionId: res.sessionId,
        ok: res.outcome.ok && !res.driveError,
        error: res.driveError ?? (res.outcome.ok ? undefined : res.outcome.summary),
        figures,
        transcript: f.transcript,
        botText: f.botText,
        transport: transportOf(e.vendor, res.target, res.events),
        ...(plan.reference !== undefined ? { recognition: recognitionOf(plan.reference, f.transcript) } : {}),
      };
    } catch (err) {
      r = { entry, repetition, ok: false, error: (err as Error).message, figures: {}, transcript: '', botText: '' };
    }
    result.runs.push(r);
    result.columns = aggregate(plan, result.runs);
    onProgress?.(result);
  };
  for (let k = 1; k <= plan.repeat; k++) {
    if (plan.mode === 'parallel') await Promise.all(plan.entries.map((_e, i) => once(i, k)));
    else for (let i = 0; i < plan.entries.length; i++) await once(i, k);
  }
  result.state = 'done';
  result.columns = aggregate(plan, result.runs);
  onProgress?.(result);
  return result;
}

/** No transcript at all scores as every reference token deleted (rate 1), as the scorer has it. */
function recognitionOf(reference: string, transcript: string): RunRecognition {
  const score = scoreRecognition(reference, transcript);
  return { metric: score.metric, rate: score.rate };
}

export function newResult(plan: ComparePlan): CompareResult {
  return {
    id: `cmp-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomUUID().slice(0, 6)}`,
    name: plan.name ?? '',
    createdAt: new Date().toISOString(),
    state: 'running',
    plan,
    runs: [],
    columns: aggregate(plan, []),
  };
}

/** Median and p90 per figure over the successful runs of each entry. */
export function aggregate(plan: ComparePlan, runs: CompareRun[]): CompareColumn[] {
  return plan.entries.map((e, entry) => {
    const mine = runs.filter((r) => r.entry === entry);
    const ok = mine.filter((r) => r.ok);
    const stats = {} as Record<FigureKey, FigureStats>;
    for (const k of FIGURES) {
      const figs = ok.map((r) => r.figures[k]).filter((f): f is Figure => !!f);
      const values = figs.map((f) => f.value);
      stats[k] = { median: median(values), p90: percentile(values, 90), n: values.length, sources: [...new Set(figs.map((f) => f.source))] };
    }
    const first = ok.find((r) => r.transcript || r.botText);
    let recognition: RecognitionStats | undefined;
    if (plan.reference !== undefined) {
      const metric = scoreRecognition(plan.reference, '').metric;
      const rates = ok.flatMap((r) => (r.recognition ? [r.recognition.rate] : []));
      recognition = { metric, median: median(rates), p90: percentile(rates, 90), n: rates.length };
    }
    return {
      entry,
      label: e.label ?? e.profile,
      vendor: e.vendor,
      operation: e.operation,
      runs: mine.length,
      ok: ok.length,
      stats,
      transcript: first?.transcript ?? '',
      botText: first?.botText ?? '',
      ...(recognition ? { recognition } : {}),
    };
  });
}

export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : String(v);
  // A leading = + - @ would be run as a formula by spreadsheet apps (CSV injection): prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per vendor profile: median and p90 of every figure, success count, transcript and bot text. */
export function summaryCsv(result: CompareResult): string {
  const head = [
    'label',
    'vendor',
    'operation',
    'runs',
    'ok',
    ...FIGURES.flatMap((k) => [`${FIGURE_COLUMNS[k]}_median`, `${FIGURE_COLUMNS[k]}_p90`]),
    'recognition_metric',
    'recognition_rate_median',
    'recognition_rate_p90',
    'transcript',
    'bot_text',
  ];
  const rows = result.columns.map((c) => [
    c.label,
    c.vendor,
    c.operation,
    c.runs,
    c.ok,
    ...FIGURES.flatMap((k) => [c.stats[k].median, c.stats[k].p90]),
    c.recognition?.metric,
    c.recognition?.median,
    c.recognition?.p90,
    c.transcript,
    c.botText,
  ]);
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** One row per run, for people who want to do their own statistics. */
export function runsCsv(result: CompareResult): string {
  const head = [
    'label',
    'vendor',
    'repetition',
    'session',
    'ok',
    'error',
    ...FIGURES.map((k) => FIGURE_COLUMNS[k]),
    'recognition_rate',
    'transcript',
    'bot_text',
  ];
  const rows = result.runs.map((r) => {
    const e = result.plan.entries[r.entry]!;
    return [
      e.label ?? e.profile,
      e.vendor,
      r.repetition,
      r.sessionId,
      r.ok,
      r.error,
      ...FIGURES.map((k) => r.figures[k]?.value),
      r.recognition?.rate,
      r.transcript,
      r.botText,
    ];
  });
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A stored comparison Parley can show: the fields the views and the CSV read, with the right types. */
function isStoredResult(v: unknown, id: string): v is CompareResult {
  if (!v || typeof v !== 'object') return false;
  const r = v as Partial<CompareResult>;
  return (
    r.id === id &&
    typeof r.createdAt === 'string' &&
    typeof r.name === 'string' &&
    Array.isArray(r.runs) &&
    Array.isArray(r.columns) &&
    !!r.plan &&
    typeof r.plan === 'object' &&
    Array.isArray(r.plan.entries) &&
    typeof r.plan.repeat === 'number'
  );
}

/**
 * Saved comparisons: one JSON file each under `<dataDir>/comparisons`. A file that cannot be read is set aside and
 * reported (the list shows the others); saving never throws into the background run that calls it.
 */
export class ComparisonStore {
  private readonly dir: string;
  private readonly notices: Notices | undefined;
  private readonly redact: <T>(value: T) => T;
  /** `redact` is applied to what is written (plan payloads may hold a pasted credential). */
  constructor(dir: string, notices?: Notices, redact: <T>(value: T) => T = (v) => v) {
    this.dir = dir;
    this.notices = notices;
    this.redact = redact;
    mkdirSync(dir, { recursive: true });
  }
  /** Save; never throws: returns why the result could not be written, or null. */
  save(r: CompareResult): string | null {
    try {
      const file = confined(this.dir, `${assertId(r.id, 'comparison id')}.json`);
      writeFileSync(file + '.tmp', JSON.stringify(this.redact(r), null, 2));
      renameSync(file + '.tmp', file);
      return null;
    } catch (err) {
      return `the comparison could not be saved: ${(err as Error).message}`;
    }
  }
  get(id: string): CompareResult {
    const file = confined(this.dir, `${assertId(id, 'comparison id')}.json`);
    if (!existsSync(file)) throw Object.assign(new Error(`comparison ${id} does not exist`), { code: 'NOT_FOUND' });
    const r = this.read(file, id);
    if (!r) throw Object.assign(new Error(`comparison ${id} could not be read; it was set aside`), { code: 'UNREADABLE' });
    return r;
  }
  private read(file: string, id: string): CompareResult | null {
    let value: unknown;
    try {
      value = JSON.parse(readRegularFile(file, 256 * MiB, basename(file)).toString('utf8'));
    } catch {
      value = undefined;
    }
    if (isStoredResult(value, id)) return value;
    setAside(file, value === undefined ? 'not-json' : 'wrong-shape', this.notices);
    return null;
  }
  list(): CompareSummary[] {
    const out: CompareSummary[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      const id = f.slice(0, -5);
      if (!isId(id)) continue;
      let r: CompareResult | null;
      try {
        r = this.read(confined(this.dir, f), id);
      } catch {
        r = null;
      }
      if (r) out.push({ id: r.id, name: r.name, createdAt: r.createdAt, labels: r.columns.map((c) => String(c?.label ?? '')), repeat: r.plan.repeat });
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
