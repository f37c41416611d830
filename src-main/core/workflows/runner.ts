/**
 * Runs one version 1 case through a SessionRunner and checks its expectations. A folder of cases (and scenarios) is
 * run by scenarios/runner.ts runFolder, which runs each version 1 case through runCaseEntry.
 */
import { existsSync } from 'node:fs';
import { resolveCaseInput, type CaseEntry, type CaseInput } from './case-file.ts';
import { CHECKS_NOTHING, checkExpectations } from './expectations.ts';
import { sessionFigures } from './metrics.ts';
import { caseOutcome, type CaseRunReport } from './report.ts';
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

/** One run of one version 1 case (repetition `k`), its expectations checked: the report row. Never throws. The scenario
 * runner runs the cases of a mixed folder through it. */
export async function runCaseEntry(entry: CaseEntry, k: number, run: RunToEnd, opts: RunCasesOptions): Promise<CaseRunReport> {
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
    const result = await run({
      vendor: c.vendor as VendorId,
      operation: c.operation,
      payload: c.payload,
      profile,
      target: opts.target,
      input,
      sendAnyway: !!c.expectations?.errorCode,
      ownIds: true,
    });
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
      figures: {
        setup_ms: f.setupMs?.value,
        first_server_event_ms: f.firstServerEventMs?.value,
        first_audio_ms: f.firstAudioMs?.value,
        turn_latency_ms: f.turnLatencyMs?.value,
        bot_audio_s: f.botAudioS?.value,
        transcript: f.transcript || undefined,
        bot_text: f.botText || undefined,
      },
    };
  } catch (err) {
    return { ...base, durationMs: Math.round(performance.now() - t0), error: (err as Error).message };
  }
}
