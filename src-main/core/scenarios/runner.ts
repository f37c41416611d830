/**
 * Runs scenarios through VoiceConversation, for any vendor that has a ConversationOpener: per vendor one session,
 * one conversation, the steps in order (turns, pauses, vendor actions), each turn measured at the client and checked
 * against its expectations. Nothing here knows a vendor: the openers and the session starter are given.
 *
 * A folder may mix version 1 cases and scenarios: `runFolder` runs the cases through the case runner (unchanged)
 * and the scenarios here, into one report (a row per case run, and per vendor and turn of a scenario).
 */
import type { SessionEvent } from '../events.ts';
import type { SessionManager } from '../session/manager.ts';
import type { OperationDescriptor, OperationOutcome, VendorId } from '../vendors/types.ts';
import type { ConversationOpener, TurnMeasurement, TurnRequest, VoiceConversation } from '../workflows/conversation.ts';
import type { CaseEntry, CaseFile } from '../workflows/case-file.ts';
import { caseOutcome, summarize, type CaseRunReport, type RunReport } from '../workflows/report.ts';
import { runCaseEntry, type RunCasesOptions } from '../workflows/runner.ts';
import type { SessionRunner } from '../workflows/session-runner.ts';
import { checkTurn, TURN_CHECKS_NOTHING } from './expectations.ts';
import { listScenarioFolder } from './folder.ts';
import { noVoiceTurnPath } from '../workflows/voice-turns.ts';
import { isActionStep, isPauseStep, isSayStep, type CaseOrScenario, type Scenario, type SayStep } from './scenario-file.ts';
import { resolveSay, utteranceLibrary, type ResolvedSay } from './utterances.ts';
import { dirname } from 'node:path';

export const DEFAULT_TURN_TIMEOUT_MS = 60_000;

/** One row of a scenario's report: one vendor, one turn. */
export interface TurnRunReport extends CaseRunReport {
  scenario: string;
  /** 1-based among the scenario's say steps. */
  turn: number;
  /** What was said: the utterance id, the WAV or the text. */
  say: string;
  measurement?: TurnMeasurement;
  recognition?: {
    metric: 'cer' | 'wer';
    rate: number;
    reference: string;
    recognised: string;
    normalisedReference: string;
    normalisedRecognised: string;
    language: string;
  };
  /** The bot's audio of the turn (absolute path), kept so a report can play a failed turn. */
  botAudioFile?: string;
}

export function isTurnRow(r: CaseRunReport): r is TurnRunReport {
  return typeof (r as TurnRunReport).turn === 'number' && typeof (r as TurnRunReport).scenario === 'string';
}

export interface SessionRequest {
  vendor: VendorId;
  operation: string;
  payload: Record<string, unknown>;
  profile?: string;
  target: 'sandbox' | 'live';
}

export interface SessionResult {
  sessionId: string;
  profileName: string;
  outcome: OperationOutcome;
  sessionFile?: string;
}

/** Start the vendor's session, call `use` while it runs, then stop it (the app over its core, the CLI over runOperation). */
export type ScenarioSessions = (
  req: SessionRequest,
  use: (manager: SessionManager, sessionId: string, op: OperationDescriptor) => Promise<void>,
) => Promise<SessionResult>;

export interface ScenarioRunDeps {
  sessions: ScenarioSessions;
  /** The vendors' conversation openers (conversationOpeners() of the registry; a test gives its own). */
  openers: Partial<Record<VendorId, ConversationOpener>>;
  /** Where spoken text turns' WAVs are cached. */
  ttsCacheDir: string;
}

export interface ScenarioRunOptions {
  target: 'sandbox' | 'live';
  /** Only these of the scenario's vendors (all of them by default). */
  vendors?: VendorId[];
  /** A profile per vendor, overriding the scenario's. */
  profiles?: Partial<Record<VendorId, string>>;
  repetition?: number;
  repeat?: number;
  onResult?: (r: TurnRunReport) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScenario(
  file: string | undefined,
  collection: string,
  scenario: Scenario,
  deps: ScenarioRunDeps,
  opts: ScenarioRunOptions,
): Promise<TurnRunReport[]> {
  const library = utteranceLibrary(file ? dirname(file) : undefined);
  const rows: TurnRunReport[] = [];
  const vendors = (Object.keys(scenario.vendors) as VendorId[]).filter((v) => !opts.vendors || opts.vendors.includes(v));
  for (const vendor of vendors) {
    for (const row of await runVendor(file, collection, scenario, vendor, library, deps, opts)) {
      rows.push(row);
      opts.onResult?.(row);
    }
  }
  return rows;
}

async function runVendor(
  file: string | undefined,
  collection: string,
  scenario: Scenario,
  vendor: VendorId,
  library: ReturnType<typeof utteranceLibrary>,
  deps: ScenarioRunDeps,
  opts: ScenarioRunOptions,
): Promise<TurnRunReport[]> {
  const target = scenario.vendors[vendor]!;
  const profile = opts.profiles?.[vendor] ?? target.profile;
  const k = opts.repetition ?? 1;
  const turns = scenario.steps.map((s, i) => [s, i] as const).filter((x): x is readonly [SayStep, number] => isSayStep(x[0]));
  const row = (step: SayStep, n: number): TurnRunReport => ({
    name: `${scenario.name} · ${vendor} · turn ${n}${step.name ? ` (${step.name})` : ''}${(opts.repeat ?? 1) > 1 ? ` #${k}` : ''}`,
    collection,
    file: file ?? '',
    vendor,
    operation: target.operation,
    profile: profile ?? '',
    target: opts.target,
    repetition: k,
    ok: false,
    outcome: 'error',
    failures: [],
    durationMs: 0,
    scenario: scenario.name,
    turn: n,
    say: step.say.utterance ?? step.say.wav ?? `text: ${step.say.text ?? ''}`,
  });
  const rows = turns.map(([step], i) => row(step, i + 1));
  const opener = deps.openers[vendor];
  if (!opener) return rows.map((r) => ({ ...r, error: noVoiceTurnPath(vendor) }));

  // Every turn's speech is found before the session starts: a missing utterance is the file's error, not the vendor's.
  const said: ResolvedSay[] = [];
  try {
    for (const [step, i] of turns) said.push(await resolveSay(step.say, `/steps/${i}/say`, { scenarioFile: file, library, ttsCacheDir: deps.ttsCacheDir }));
    for (const [step, i] of turns)
      if (step.interrupt?.utterance)
        await resolveSay({ utterance: step.interrupt.utterance }, `/steps/${i}/interrupt`, { scenarioFile: file, library, ttsCacheDir: deps.ttsCacheDir });
  } catch (err) {
    return rows.map((r) => ({ ...r, error: (err as Error).message }));
  }

  let ran = 0;
  let session: SessionResult;
  try {
    session = await deps.sessions(
      { vendor, operation: target.operation, payload: target.payload, profile, target: opts.target },
      async (manager, sessionId, op) => {
        let conversation: VoiceConversation;
        try {
          conversation = await opener(manager, sessionId, vendor, op);
        } catch (err) {
          const message = manager.redactor.text((err as Error).message);
          for (const r of rows) r.error = `could not open the conversation: ${message}`;
          return;
        }
        const pending: string[] = [];
        try {
          let n = 0;
          for (const step of scenario.steps) {
            if (isPauseStep(step)) await sleep(step.pauseMs);
            else if (isActionStep(step)) {
              const action = step.action[vendor];
              if (!action) continue;
              await conversation
                .action(action.id, action.args ?? {})
                .catch((err: Error) => pending.push(`action ${action.id} before this turn failed: ${manager.redactor.text(err.message)}`));
            } else {
              const r = rows[n]!;
              const say = said[n]!;
              n++;
              const interruptWav = step.interrupt?.utterance ? library.find((u) => u.id === step.interrupt!.utterance)?.path : undefined;
              const request: TurnRequest = {
                input: say.wav ? { wav: say.wav } : { text: say.text },
                ...(step.interrupt
                  ? { interrupt: { afterMs: step.interrupt.afterMs, by: step.interrupt.by, ...(interruptWav ? { wav: interruptWav } : {}) } }
                  : {}),
                timeoutMs: step.timeoutMs ?? DEFAULT_TURN_TIMEOUT_MS,
              };
              const before = manager.events(sessionId, 0, 0).total;
              const t0 = performance.now();
              let m: TurnMeasurement | null = null;
              let turnError: string | null = null;
              try {
                m = manager.redactor.value(await conversation.turn(request));
              } catch (err) {
                turnError = manager.redactor.text((err as Error).message);
              }
              const events: SessionEvent[] = manager.events(sessionId, before, 1_000_000).events;
              const check = checkTurn(say, m, turnError, events, step.expect);
              const failures = [...pending.splice(0), ...check.failures];
              Object.assign(r, {
                ok: failures.length === 0 && !check.checksNothing,
                outcome: caseOutcome({ ok: failures.length === 0, checksNothing: failures.length === 0 && check.checksNothing }),
                failures,
                ...(failures.length === 0 && check.checksNothing ? { note: TURN_CHECKS_NOTHING } : {}),
                durationMs: Math.round(performance.now() - t0),
                sessionId,
                ...(m ? { measurement: m } : {}),
                ...(m?.botAudioFile ? { botAudioFile: m.botAudioFile } : {}),
                ...(check.recognition
                  ? {
                      recognition: {
                        metric: check.recognition.metric,
                        rate: check.recognition.rate,
                        reference: check.recognition.reference,
                        recognised: check.recognition.recognised,
                        normalisedReference: check.recognition.normalisedReference,
                        normalisedRecognised: check.recognition.normalisedRecognised,
                        language: check.recognition.language,
                      },
                    }
                  : {}),
                figures: figuresOf(m, check.recognition),
              } satisfies Partial<TurnRunReport>);
              ran = n;
            }
          }
        } finally {
          await conversation.close().catch(() => undefined);
        }
      },
    );
  } catch (err) {
    return rows.map((r) => (r.outcome === 'error' && !r.failures.length ? { ...r, error: r.error ?? (err as Error).message } : r));
  }
  for (const r of rows) {
    r.profile = session.profileName;
    r.sessionId ??= session.sessionId;
    if (session.sessionFile) r.sessionFile = session.sessionFile;
  }
  // Turns never reached (the session ended early): say why, with the vendor's own error.
  for (const r of rows.slice(ran)) if (!r.failures.length && r.outcome === 'error') r.error ??= `not run: the session ended first (${session.outcome.summary})`;
  return rows;
}

/** A turn's figures under the report's names (ms unless named otherwise; CER/WER as fractions). */
function figuresOf(m: TurnMeasurement | null, recognition: { metric: 'cer' | 'wer'; rate: number } | null): Record<string, number | string | undefined> {
  const v = (x: number | null | undefined) => (x === null ? undefined : x);
  return {
    transport: m?.transport,
    setup_ms: v(m?.setupMs),
    first_server_event_ms: v(m?.firstServerEventMs),
    first_audio_ms: v(m?.firstAudioMs),
    response_latency_ms: v(m?.responseLatencyMs),
    bot_audio_s: v(m?.botAudioS),
    interruption_recovery_ms: v(m?.interruptionRecoveryMs),
    ...(recognition ? { [recognition.metric]: Math.round(recognition.rate * 10000) / 10000 } : {}),
    recognised_text: m?.recognisedText ?? undefined,
    bot_text: m?.botText ?? undefined,
  };
}

export interface RunFolderOptions extends ScenarioRunOptions {
  repeat: number;
  /** Version 1 cases: the session runner and its options (profile override, session files). */
  caseRunner: SessionRunner;
  caseOptions: Omit<RunCasesOptions, 'target' | 'repeat' | 'onResult'>;
  onAny?: (r: CaseRunReport) => void;
}

/** A case file or folder of either version, `repeat` times each, into one report. */
export async function runFolder(path: string, deps: ScenarioRunDeps, opts: RunFolderOptions): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const entries = listScenarioFolder(path);
  if (entries.length === 0) throw new Error(`${path}: no *.parley-case.json files found`);
  const results: CaseRunReport[] = [];
  const add = (r: CaseRunReport) => {
    results.push(r);
    opts.onAny?.(r);
  };
  for (const entry of entries) {
    for (let k = 1; k <= opts.repeat; k++) {
      const c = entry.case as CaseOrScenario | undefined;
      if (c?.version === 2) {
        for (const r of await runScenario(entry.path, entry.collection, c.scenario, deps, { ...opts, repetition: k, onResult: undefined })) add(r);
      } else {
        const v1: CaseEntry<CaseFile> = {
          path: entry.path,
          collection: entry.collection,
          ...(c ? { case: c.case } : {}),
          ...(entry.error ? { error: entry.error } : {}),
        };
        add(await runCaseEntry(v1, k, opts.caseRunner, { ...opts.caseOptions, target: opts.target, repeat: opts.repeat }));
      }
    }
  }
  return summarize(results, opts.target, startedAt, Math.round(performance.now() - t0));
}
