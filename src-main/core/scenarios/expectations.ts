/**
 * One scenario turn against its expectations. Each failed check is one readable line (a recognition failure adds
 * the reference and the recognised text side by side, aligned column by column).
 */
import type { SessionEvent } from '../events.ts';
import { describeScore, formatAlignment, metricForLanguage, scoreRecognition, type RecognitionScore } from '../voice/accuracy.ts';
import type { TurnMeasurement } from '../workflows/conversation.ts';
import type { TurnExpectations } from './scenario-file.ts';
import type { ResolvedSay } from './utterances.ts';

export interface TurnCheck {
  failures: string[];
  /** Recognition accuracy of a spoken turn (null for text sent as a message, or when nothing was measured). */
  recognition: (RecognitionScore & { reference: string; recognised: string; language: string }) | null;
  checksNothing: boolean;
}

export const TURN_CHECKS_NOTHING =
  'this turn has no expectations, so it checks nothing: add a budget, a CER/WER limit, a bot text pattern, event kinds or an error code';

const BUDGETS = [
  ['responseLatencyMs', 'response latency'],
  ['firstAudioMs', 'time to first audio'],
  ['interruptionRecoveryMs', 'interruption recovery'],
] as const;

/** Vendor error codes recorded in a turn's events. */
export function errorCodesIn(events: readonly SessionEvent[]): string[] {
  const codes = events.filter((e) => e.kind === 'error').map((e) => (e.data as { code?: unknown } | undefined)?.code);
  return [...new Set(codes.filter((c): c is string => typeof c === 'string'))];
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

export function checkTurn(
  say: ResolvedSay,
  m: TurnMeasurement | null,
  turnError: string | null,
  events: readonly SessionEvent[],
  exp: TurnExpectations = {},
): TurnCheck {
  const failures: string[] = [];
  const codes = errorCodesIn(events);
  if (exp.errorCode) {
    if (!codes.includes(exp.errorCode)) failures.push(`error code: expected ${exp.errorCode}, got ${codes.length ? codes.join(', ') : 'no error'}`);
  } else {
    if (turnError) failures.push(`turn: ${turnError}`);
    else if (codes.length) failures.push(`errors during the turn: ${codes.join(', ')}`);
  }
  const spoken = say.wav !== undefined;
  const recognised = m?.recognisedText ?? '';
  const recognition =
    m && spoken && say.reference
      ? { ...scoreRecognition(say.reference, recognised, { language: say.language }), reference: say.reference, recognised, language: say.language }
      : null;
  if (m && !exp.errorCode) {
    for (const [key, label] of BUDGETS) {
      const budget = exp[key];
      if (budget === undefined) continue;
      const value = m[key];
      if (value === null) failures.push(`${label}: not measured (${m.why[key] ?? 'no figure'}); budget ${budget} ms`);
      else if (value > budget) failures.push(`${label}: ${value} ms over the budget of ${budget} ms`);
    }
    const limit = exp.maxCer ?? exp.maxWer;
    if (limit !== undefined && recognition) {
      const want = exp.maxCer !== undefined ? 'cer' : 'wer';
      if (want !== metricForLanguage(say.language))
        failures.push(`recognition: ${want.toUpperCase()} limit on a turn in "${say.language}", which is scored by ${recognition.metric.toUpperCase()}`);
      else if (recognition.rate > limit)
        failures.push(
          `recognition: ${recognition.metric.toUpperCase()} ${pct(recognition.rate)} over the limit of ${pct(limit)} · ${describeScore(recognition)}\n` +
            `  reference:  ${say.reference}\n  recognised: ${m.recognisedText ?? '(nothing)'}\n` +
            formatAlignment(recognition)
              .split('\n')
              .map((l) => `  ${l}`)
              .join('\n'),
        );
    }
    if (exp.botText !== undefined && !new RegExp(exp.botText, 'iu').test(m.botText ?? ''))
      failures.push(
        `bot text: expected to match /${exp.botText}/i, got ${m.botText === null ? `nothing (${m.why.botText ?? 'no text'})` : JSON.stringify(m.botText)}`,
      );
  }
  if (exp.eventKinds?.length) {
    const seen = new Set(events.map((e) => e.kind));
    const missing = exp.eventKinds.filter((k) => !seen.has(k));
    if (missing.length) failures.push(`event kinds missing in this turn: ${missing.join(', ')}`);
  }
  const stated = Object.keys(exp).length > 0;
  return { failures, recognition, checksNothing: failures.length === 0 && !stated };
}
