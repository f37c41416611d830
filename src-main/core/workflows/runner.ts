/**
 * Runs one version 1 case through a SessionRunner and checks its expectations. A folder of cases (and scenarios) is
 * run by scenarios/runner.ts runFolder, which runs each version 1 case through runCaseEntry.
 */
import { existsSync } from 'node:fs';
import { resolveCaseInput, type CaseEntry } from './case-file.ts';
import { CHECKS_NOTHING, checkExpectations } from './expectations.ts';
import { sessionFigures } from './metrics.ts';
import { caseOutcome, type CaseRunReport } from './report.ts';
import type { SessionRunner } from './session-runner.ts';
import type { VendorId } from '../vendors/types.ts';

export interface RunCasesOptions {
  target: 'sandbox' | 'live';
  /** Overrides each case's own profile. */
  profile?: string;
  repeat: number;
  /** Where session records live (for the report's sessionFile). */
  sessionFile?: (sessionId: string) => string;
  onResult?: (r: CaseRunReport) => void;
}

/** One run of one version 1 case (the scenario runner runs the cases of a mixed folder through it). */
export async function runCaseEntry(entry: CaseEntry, k: number, run: SessionRunner, opts: RunCasesOptions): Promise<CaseRunReport> {
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
  const input = resolveCaseInput(c, entry.path);
  if (input?.wav && !existsSync(input.wav)) return { ...base, error: `input.wav: ${input.wav} does not exist` };
  const t0 = performance.now();
  try {
    const result = await run({ vendor: c.vendor as VendorId, operation: c.operation, payload: c.payload, profile: opts.profile ?? c.profile, target: opts.target, input, sendAnyway: !!c.expectations?.errorCode });
    const check = checkExpectations(result, c.expectations);
    const f = sessionFigures(result.events);
    return {
      ...base,
      profile: result.profileName,
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
