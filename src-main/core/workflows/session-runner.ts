/**
 * The one way to run a session: the app's session.start, comparisons, case runs, re-runs (history, bundles) and
 * every CLI command go through a SessionRunner. It finds the operation and the profile, validates the payload once
 * (warnings go out, documented errors refuse it unless sendAnyway), gives runs Parley starts itself their own room
 * and session ids, starts the session (the session engine resolves the profile's credentials once, for the whole
 * session), and, for a run to its end, settles it with its input (turn.ts: by subscription to its events) and
 * reports the outcome, redacted like the record. The app builds one over its core, the CLI over its environment
 * (core/cli/run.ts); only where profiles, credentials and the sandbox come from differs.
 */
import { randomBytes } from 'node:crypto';
import type { SessionEvent } from '../events.ts';
import type { Profile } from '../profiles/types.ts';
import type { SessionManager } from '../session/manager.ts';
import { blockingErrors, findingLine, validatePayload } from '../payload.ts';
import { vendorById } from '../vendors/registry.ts';
import type { OperationDescriptor, OperationOutcome, PayloadError, VendorDescriptor, VendorId } from '../vendors/types.ts';
import { recordInput } from './history.ts';
import { settleSession, type TurnInput } from './turn.ts';

export interface RunRequest {
  vendor: VendorId;
  operation: string;
  payload: Record<string, unknown>;
  /** Profile id or name; without one, the vendor's first profile for the target. */
  profile?: string;
  target?: 'sandbox' | 'live';
  input?: TurnInput;
  /** How long a turn may take (default TURN_TIMEOUT_MS, or the profile's longer idle timeout). */
  turnTimeoutMs?: number;
  /** Send even when the payload has documented errors (negative tests, "send anyway"). */
  sendAnyway?: boolean;
  /**
   * A run Parley starts itself (compare, case runs, re-runs): it gets its own room / session ids (the operation's
   * perRunIds), so it collides neither with another run nor with a task still open under the payload's ids.
   */
  ownIds?: boolean;
  /**
   * Take the session to its end another way than settleSession's (a command that interrupts, or wants the turn's
   * figures back: `parley convai turn`). It must end the session; whatever it throws is the run's driveError.
   */
  drive?: (manager: SessionManager, sessionId: string, op: OperationDescriptor) => Promise<void>;
  /** The payload's findings, before anything is sent (the CLI prints the warnings). */
  onFindings?: (findings: PayloadError[]) => void;
  /** Called as soon as the session exists (the app shows it while it runs). */
  onStarted?: (sessionId: string) => void;
}

export interface RunResult {
  sessionId: string;
  profileName: string;
  target: 'sandbox' | 'live';
  /** The outcome, redacted like the record: what reports, comparisons and saved files carry. */
  outcome: OperationOutcome;
  /** The outcome as the operation returned it, its secrets in clear (a minted room token): the CLI's --show-token only. */
  outcomeWithSecrets: OperationOutcome;
  /** Why the turn could not be completed (no end of turn in time, input the operation cannot take). */
  driveError?: string;
  events: SessionEvent[];
  durationMs: number;
  /** The session's record (NDJSON). */
  sessionFile?: string;
}

/** A started session (it goes on), or the findings that refused it. */
export type StartOutcome =
  | { started: false; findings: PayloadError[] }
  | {
      started: true;
      findings: PayloadError[];
      sessionId: string;
      done: Promise<OperationOutcome>;
      vendor: VendorDescriptor;
      operation: OperationDescriptor;
      profile: Profile;
    };

/** Run to the end: start, settle with the input, report. Throws PAYLOAD_INVALID when the payload is refused. */
export type RunToEnd = (req: RunRequest) => Promise<RunResult>;

export interface SessionRunner extends RunToEnd {
  /** Start only (the app's session.start: the user drives the session from its panel). */
  start(req: RunRequest): Promise<StartOutcome>;
}

/** Default wait for one socket turn (WAV upload, recognition, answer) when the profile sets no longer idle timeout. */
export const TURN_TIMEOUT_MS = 60_000;

export interface RunnerDeps {
  sessions: SessionManager;
  resolveProfile(vendor: VendorId, profile: string | undefined, target: 'sandbox' | 'live' | undefined): Profile;
  sandboxUrlFor(profile: Profile): Promise<string | undefined>;
  /** Vendor lookup; the registry by default (tests pass their own). */
  vendorOf?: (id: string) => VendorDescriptor;
}

export class PayloadInvalidError extends Error {
  readonly code = 'PAYLOAD_INVALID';
  readonly findings: PayloadError[];
  constructor(findings: PayloadError[]) {
    super(`payload is invalid: ${blockingErrors(findings).map(findingLine).join('; ')}`);
    this.findings = findings;
  }
}

export function createSessionRunner(deps: RunnerDeps): SessionRunner {
  const vendorOf = deps.vendorOf ?? vendorById;

  async function start(req: RunRequest): Promise<StartOutcome> {
    const vendor = vendorOf(req.vendor);
    const op = vendor.operations.find((o) => o.id === req.operation);
    if (!op)
      throw Object.assign(
        new Error(`operation: ${vendor.id} has no operation "${req.operation}" (expected one of ${vendor.operations.map((o) => o.id).join(', ')})`),
        { code: 'BAD_ARGUMENTS' },
      );
    const findings = validatePayload(op, req.payload);
    req.onFindings?.(findings);
    if (blockingErrors(findings).length && !req.sendAnyway) return { started: false, findings };
    const profile = deps.resolveProfile(vendor.id, req.profile, req.target);
    const ids = req.ownIds ? perRunPayload(op, req.payload) : { payload: req.payload, changed: [] };
    const { sessionId, done } = await deps.sessions.start({
      vendor,
      operation: op,
      profile,
      payload: ids.payload,
      sandboxUrl: await deps.sandboxUrlFor(profile),
    });
    recordRunIds(deps.sessions, sessionId, ids.changed);
    recordInput(deps.sessions.directory, sessionId, req.input);
    req.onStarted?.(sessionId);
    return { started: true, findings, sessionId, done, vendor, operation: op, profile };
  }

  async function run(req: RunRequest): Promise<RunResult> {
    const began = performance.now();
    const s = await start(req);
    if (!s.started) throw new PayloadInvalidError(s.findings);
    const timeoutMs = req.turnTimeoutMs ?? Math.max(TURN_TIMEOUT_MS, s.profile.timeouts?.idleMs ?? 0);
    // A turn that cannot be driven is recorded as an `error` event (code TURN) and the session is stopped.
    const settled = req.drive
      ? req.drive(deps.sessions, s.sessionId, s.operation)
      : settleSession(deps.sessions, s.sessionId, s.vendor.id, s.operation, req.input, { timeoutMs });
    const driveError = await settled.then(
      () => undefined,
      (err: Error) => deps.sessions.redactor.text(err.message),
    );
    // What the run reports (comparisons, case reports, saved files) is redacted like the record: a vendor that
    // echoes a referenced secret (a Tencent SessionId) in its error must not put it in a report.
    const outcomeWithSecrets = await s.done;
    const outcome = deps.sessions.redactor.value(outcomeWithSecrets);
    const events = deps.sessions.events(s.sessionId, 0, 1_000_000).events;
    return {
      sessionId: s.sessionId,
      profileName: s.profile.name,
      target: s.profile.target,
      outcome,
      outcomeWithSecrets,
      driveError,
      events,
      durationMs: Math.round(performance.now() - began),
      sessionFile: deps.sessions.directory.eventsFile(s.sessionId),
    };
  }

  return Object.assign(run, { start });
}

/** Profile lookup by id or name, else the first one of the vendor (preferring the requested target). */
export function pickProfile(all: Profile[], vendor: VendorId, wanted: string | undefined, target: 'sandbox' | 'live' | undefined): Profile {
  if (wanted) {
    const p = all.find((x) => x.id === wanted) ?? all.find((x) => x.name === wanted);
    if (!p) throw new Error(`profile: no profile "${wanted}"`);
    if (p.vendor !== vendor) throw new Error(`profile: "${wanted}" is a ${p.vendor} profile, expected ${vendor}`);
    return p;
  }
  const mine = all.filter((p) => p.vendor === vendor);
  const p = mine.find((x) => x.target === (target ?? 'sandbox')) ?? (target ? undefined : mine[0]);
  if (!p) throw new Error(`profile: no ${target ?? ''} profile for ${vendor}`.replace('  ', ' '));
  return p;
}

type IdChange = { path: string; from: unknown; to: unknown };

function perRunPayload(op: OperationDescriptor, payload: Record<string, unknown>): { payload: Record<string, unknown>; changed: IdChange[] } {
  return op.perRunIds?.(payload, randomBytes(4).readUInt32BE(0).toString(36)) ?? { payload, changed: [] };
}

/** Say in the record which ids this run used instead of the payload's. */
function recordRunIds(manager: SessionManager, sessionId: string, changed: IdChange[]): void {
  if (!changed.length || !manager.isLive(sessionId)) return;
  manager.record(sessionId, [
    {
      kind: 'run.ids',
      dir: 'local',
      summary: `ids of this run: ${changed.map((c) => `${c.path} ${String(c.from)} → ${String(c.to)}`).join(', ')}`,
      data: { changed },
    },
  ]);
}
