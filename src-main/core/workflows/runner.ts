/** Runs case files (one, or a folder of them) N times each through a SessionRunner and checks expectations. */
import { existsSync } from 'node:fs';
import { listCases, resolveCaseInput, type CaseEntry, type CaseInput } from './case-file.ts';
import { CHECKS_NOTHING, checkExpectations } from './expectations.ts';
import { sessionFigures } from './metrics.ts';
import { caseOutcome, summarize, type CaseRunReport, type RunReport } from './report.ts';
import type { RunToEnd } from './session-runner.ts';
import type { VendorId } from '../vendors/types.ts';

export interface RunCasesOptions {
  target: 'sandbox' | 'live';
  /** Overrides each case's own profile. */
  profile?: string;
  /**
   * Whether this machine has a profile of that name: a case names the profile its author used, and where it is
   * missing (CI, a colleague's machine) the run uses the vendor's profile for the target instead.
   */
  hasProfile?: (name: string) => boolean;
  /** The case's input as the run may use it (the app checks that its WAV is one the renderer could name). */
  input?: (input: CaseInput) => CaseInput;
  repeat: number;
  /** Where session records live (for the report's sessionFile). */
  sessionFile?: (sessionId: string) => string;
  onResult?: (r: CaseRunReport) => void;
}

export async function runCases(path: string, run: RunToEnd, opts: RunCasesOptions): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const entries = listCases(path);
  if (entries.length === 0) throw new Error(`${path}: no *.parley-case.json files found`);
  const results: CaseRunReport[] = [];
  for (const entry of entries) {
    for (let k = 1; k <= opts.repeat; k++) {
      const r = await runCase(entry, k, run, opts);
      results.push(r);
      opts.onResult?.(r);
    }
  }
  return summarize(results, opts.target, startedAt, Math.round(performance.now() - t0));
}

/** One run of one case (repetition `k`), its expectations checked: the report row. Never throws. */
export async function runCase(entry: CaseEntry, k: number, run: RunToEnd, opts: RunCasesOptions): Promise<CaseRunReport> {
  const c = entry.case;
  const base: CaseRunReport = {
    name: `${c?.name ?? entry.path}${opts.repeat > 1 ? ` #${k}` : ''}`,
    collection: entry.collection,
    file: entry.path,
    vendor: c?.vendor ?? '',
    operation: c?.operation ?? '',
    profile: opts.profile ?? c?.profile ?? '',
    target: opts.target,
    repetition: k,
    ok: false,
    outcome: 'error',
    failures: [],
    durationMs: 0,
  };
  if (!c) return { ...base, error: entry.error ?? 'unreadable case file' };
  const t0 = performance.now();
  try {
    const given = resolveCaseInput(c, entry.path);
    if (given?.wav && !existsSync(given.wav)) return { ...base, error: `input.wav: ${given.wav} does not exist` };
    const input = given && opts.input ? opts.input(given) : given;
    const profile = opts.profile ?? (c.profile && (opts.hasProfile?.(c.profile) ?? true) ? c.profile : undefined);
    const result = await run({ vendor: c.vendor as VendorId, operation: c.operation, payload: c.payload, profile, target: opts.target, input, sendAnyway: !!c.expectations?.errorCode, ownIds: true });
    const check = checkExpectations(result, c.expectations);
    const f = sessionFigures(result.events);
    return {
      ...base,
      profile: result.profileName,
      target: result.target,
      ok: check.ok,
      outcome: caseOutcome(check),
      ...(check.checksNothing ? { note: CHECKS_NOTHING } : {}),
      failures: check.failures,
      durationMs: result.durationMs,
      sessionId: result.sessionId,
      sessionFile: opts.sessionFile?.(result.sessionId),
      figures: { setup_ms: f.setupMs?.value, first_server_event_ms: f.firstServerEventMs?.value, first_audio_ms: f.firstAudioMs?.value, turn_latency_ms: f.turnLatencyMs?.value, bot_audio_s: f.botAudioS?.value, transcript: f.transcript || undefined, bot_text: f.botText || undefined },
    };
  } catch (err) {
    return { ...base, durationMs: Math.round(performance.now() - t0), error: (err as Error).message };
  }
}
