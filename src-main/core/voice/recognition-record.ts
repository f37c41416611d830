/**
 * Recognition accuracy in the session record: after each spoken turn whose utterance has reference text, one
 * `recognition.score` event (dir `local`) holds the reference, what the vendor recognised and the score from
 * accuracy.ts (the scorer the scenario expectations use, with its normalisation). A turn that could not be scored
 * gets the same event with `why` instead of a score, so the session view can say why.
 *
 * A session recorded before these events existed has none: it is "not scored", and the view says so.
 */
import type { NewEvent, SessionEvent } from '../events.ts';
import type { AlignmentStep, RecognitionScore, ScoringMetric } from './accuracy.ts';

export const RECOGNITION_KIND = 'recognition.score';

export interface RecognitionRecord {
  /** 1-based among the session's spoken turns. */
  turn: number;
  /** What was said: a library or folder utterance id, a WAV's name. */
  source: string;
  language: string;
  reference: string;
  /** The vendor's final transcript of the turn ('' when it recognised nothing). */
  recognised: string;
  /** Absent when the turn was not scored (then `why` says why). */
  metric?: ScoringMetric;
  rate?: number;
  substitutions?: number;
  deletions?: number;
  insertions?: number;
  referenceTokens?: number;
  normalisedReference?: string;
  normalisedRecognised?: string;
  alignment?: AlignmentStep[];
  why?: string;
}

/** The record of a scored turn. */
export function scoredRecord(
  turn: number,
  source: string,
  language: string,
  reference: string,
  recognised: string,
  score: RecognitionScore,
): RecognitionRecord {
  const { metric, rate, substitutions, deletions, insertions, referenceTokens, normalisedReference, normalisedRecognised, alignment } = score;
  return {
    turn,
    source,
    language,
    reference,
    recognised,
    metric,
    rate,
    substitutions,
    deletions,
    insertions,
    referenceTokens,
    normalisedReference,
    normalisedRecognised,
    alignment,
  };
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

export function recognitionEvent(r: RecognitionRecord): NewEvent {
  const summary =
    r.metric !== undefined && r.rate !== undefined
      ? `turn ${r.turn} · ${r.metric.toUpperCase()} ${pct(r.rate)} · ${r.source}`
      : `turn ${r.turn} · not scored: ${r.why ?? 'no score'}`;
  return { kind: RECOGNITION_KIND, dir: 'local', summary, data: r };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** The recognition records of a session's events, checked field by field (a record is data from a file). */
export function recognitionRecords(events: readonly SessionEvent[]): RecognitionRecord[] {
  const out: RecognitionRecord[] = [];
  for (const e of events) {
    if (e.kind !== RECOGNITION_KIND || !e.data || typeof e.data !== 'object') continue;
    const d = e.data as Record<string, unknown>;
    const turn = num(d.turn);
    const reference = str(d.reference);
    if (turn === undefined || reference === undefined) continue;
    const metric = d.metric === 'cer' || d.metric === 'wer' ? d.metric : undefined;
    const rate = num(d.rate);
    const r: RecognitionRecord = {
      turn,
      source: str(d.source) ?? '',
      language: str(d.language) ?? '',
      reference,
      recognised: str(d.recognised) ?? '',
    };
    if (metric && rate !== undefined) {
      Object.assign(r, { metric, rate });
      for (const k of ['substitutions', 'deletions', 'insertions', 'referenceTokens'] as const) if (num(d[k]) !== undefined) r[k] = num(d[k]);
      if (str(d.normalisedReference) !== undefined) r.normalisedReference = str(d.normalisedReference);
      if (str(d.normalisedRecognised) !== undefined) r.normalisedRecognised = str(d.normalisedRecognised);
      if (Array.isArray(d.alignment))
        r.alignment = (d.alignment as unknown[]).filter(
          (s): s is AlignmentStep => !!s && typeof s === 'object' && ['match', 'substitution', 'deletion', 'insertion'].includes((s as AlignmentStep).op),
        );
    } else r.why = str(d.why) ?? 'no score recorded';
    out.push(r);
  }
  return out;
}

/**
 * A session's rate per metric over its scored turns: all their errors over all their reference tokens (a corpus
 * rate, so a long turn weighs more than a short one, as CER/WER over a test set are usually given). A turn recorded
 * without its token counts weighs as one token.
 */
export function sessionRates(records: readonly RecognitionRecord[]): Partial<Record<ScoringMetric, number>> {
  const totals: Partial<Record<ScoringMetric, { errors: number; tokens: number }>> = {};
  for (const r of records) {
    if (r.metric === undefined || r.rate === undefined) continue;
    const tokens = r.referenceTokens ?? 1;
    const t = (totals[r.metric] ??= { errors: 0, tokens: 0 });
    // An empty reference (rate 0 or 1 by convention) counts as one token.
    t.errors += tokens > 0 ? r.rate * tokens : r.rate;
    t.tokens += Math.max(tokens, 1);
  }
  const out: Partial<Record<ScoringMetric, number>> = {};
  for (const [metric, t] of Object.entries(totals)) out[metric as ScoringMetric] = Math.round((t.errors / t.tokens) * 10000) / 10000;
  return out;
}
