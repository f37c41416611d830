/** Checks a run against a case's expectations. Each failed check is one readable line. */
import type { SessionEvent } from '../events.ts';
import type { CaseExpectations } from './case-file.ts';
import { sessionFigures } from './metrics.ts';
import type { RunResult } from './session-runner.ts';
import { STANDARD_METRICS } from '../events.ts';

export interface CheckResult {
  /** Every expectation held; false when one failed or when there was none to check (`checksNothing`). */
  ok: boolean;
  failures: string[];
  /** The case states no expectation and the run ended ok: nothing was checked, which is not a pass. */
  checksNothing: boolean;
}

export const CHECKS_NOTHING = 'this case has no expectations, so it checks nothing: add a status, an error code, event kinds or a latency budget';

/** Whether a case states anything to check. */
export function hasExpectations(exp: CaseExpectations = {}): boolean {
  return exp.status !== undefined || !!exp.errorCode || !!exp.eventKinds?.length || !!(exp.latencyBudgetsMs && Object.keys(exp.latencyBudgetsMs).length);
}

/** The HTTP status of the first control-plane response, if any. */
export function firstHttpStatus(events: SessionEvent[]): number | undefined {
  const r = events.find((e) => e.kind === 'http.response');
  const status = (r?.data as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

function errorCodes(run: RunResult): string[] {
  const codes = run.events.filter((e) => e.kind === 'error').map((e) => (e.data as { code?: unknown } | undefined)?.code);
  if (run.outcome.error?.code) codes.push(run.outcome.error.code);
  return [...new Set(codes.filter((c): c is string => typeof c === 'string'))];
}

/**
 * A run that did not end ok fails, with or without expectations; one that ended ok without any expectation
 * `checksNothing` (reported apart from passes). With `errorCode` it passes only when that vendor code
 * was reported (a negative test); any other failure still fails it.
 */
export function checkExpectations(run: RunResult, exp: CaseExpectations = {}): CheckResult {
  const failures: string[] = [];
  const codes = errorCodes(run);
  if (exp.errorCode) {
    if (!codes.includes(exp.errorCode)) failures.push(`error code: expected ${exp.errorCode}, got ${codes.length ? codes.join(', ') : 'no error'}`);
  } else {
    if (!run.outcome.ok) failures.push(`outcome: ${run.outcome.summary}${run.outcome.error?.requestId ? ` (request ${run.outcome.error.requestId})` : ''}`);
    if (run.driveError) failures.push(`turn: ${run.driveError}`);
    else if (run.outcome.ok && codes.length) failures.push(`errors during the session: ${codes.join(', ')}`);
  }
  if (exp.status !== undefined) {
    const status = firstHttpStatus(run.events);
    if (status !== exp.status) failures.push(`status: expected ${exp.status}, got ${status ?? 'no HTTP response'}`);
  }
  if (exp.eventKinds?.length) {
    const seen = new Set(run.events.map((e) => e.kind));
    const missing = exp.eventKinds.filter((k) => !seen.has(k));
    if (missing.length) failures.push(`event kinds missing: ${missing.join(', ')}`);
  }
  if (exp.latencyBudgetsMs && Object.keys(exp.latencyBudgetsMs).length) {
    const figures = sessionFigures(run.events);
    const values: Record<string, number | undefined> = {
      ...figures.metrics,
      [STANDARD_METRICS.setup]: figures.setupMs?.value,
      [STANDARD_METRICS.firstServerEvent]: figures.firstServerEventMs?.value,
      [STANDARD_METRICS.firstAudio]: figures.firstAudioMs?.value,
      [STANDARD_METRICS.turnLatency]: figures.turnLatencyMs?.value,
    };
    for (const [name, budget] of Object.entries(exp.latencyBudgetsMs)) {
      const v = values[name];
      if (v === undefined) failures.push(`${name}: no such figure in this run (budget ${budget} ms)`);
      else if (v > budget) failures.push(`${name}: ${v} ms over the budget of ${budget} ms`);
    }
  }
  const checksNothing = failures.length === 0 && !hasExpectations(exp);
  return { ok: failures.length === 0 && !checksNothing, failures, checksNothing };
}
