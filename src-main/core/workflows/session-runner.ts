/**
 * One run of one operation to its end, with an input, through the session engine. Cases, comparisons and
 * bundle re-runs all go through a SessionRunner; the app builds one over its core, the CLI over runOperation.
 */
import { randomBytes } from 'node:crypto';
import type { SessionEvent } from '../events.ts';
import type { Profile } from '../profiles/types.ts';
import type { SessionManager } from '../session/manager.ts';
import { blockingErrors, validatePayload } from '../payload.ts';
import { vendorById } from '../vendors/registry.ts';
import type { OperationDescriptor, OperationOutcome, VendorDescriptor, VendorId } from '../vendors/types.ts';
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
  /** Send even when the payload fails validation (negative tests). */
  sendAnyway?: boolean;
  /** Called as soon as the session exists (the app shows it while it runs). */
  onStarted?: (sessionId: string) => void;
}

export interface RunResult {
  sessionId: string;
  profileName: string;
  target: 'sandbox' | 'live';
  outcome: OperationOutcome;
  /** Why the turn could not be completed (no end of turn in time, input the operation cannot take). */
  driveError?: string;
  events: SessionEvent[];
  durationMs: number;
}

export type SessionRunner = (req: RunRequest) => Promise<RunResult>;

/** Default wait for one socket turn (WAV upload, recognition, answer) when the profile sets no longer idle timeout. */
export const TURN_TIMEOUT_MS = 60_000;

export interface CoreRunnerDeps {
  sessions: SessionManager;
  resolveProfile(vendor: VendorId, profile: string | undefined, target: 'sandbox' | 'live' | undefined): Profile;
  sandboxUrlFor(profile: Profile): Promise<string | undefined>;
  /** Vendor lookup; the registry by default (tests pass their own). */
  vendorOf?: (id: string) => VendorDescriptor;
}

export function createSessionRunner(deps: CoreRunnerDeps): SessionRunner {
  return async (req) => {
    const vendor = (deps.vendorOf ?? vendorById)(req.vendor);
    const op = vendor.operations.find((o) => o.id === req.operation);
    if (!op) throw new Error(`operation: ${vendor.id} has no operation "${req.operation}" (expected one of ${vendor.operations.map((o) => o.id).join(', ')})`);
    const errors = blockingErrors(validatePayload(op, req.payload));
    if (errors.length && !req.sendAnyway) throw new Error(`payload is invalid: ${errors.map((e) => e.message).join('; ')}`);
    const profile = deps.resolveProfile(vendor.id, req.profile, req.target);
    const ids = perRunPayload(op, req.payload);
    const started = performance.now();
    const { sessionId, done } = await deps.sessions.start({ vendor, operation: op, profile, payload: ids.payload, sandboxUrl: await deps.sandboxUrlFor(profile) });
    recordRunIds(deps.sessions, sessionId, ids.changed);
    recordInput(deps.sessions.directory, sessionId, req.input);
    req.onStarted?.(sessionId);
    const timeoutMs = Math.max(TURN_TIMEOUT_MS, profile.timeouts?.idleMs ?? 0);
    // A turn that cannot be driven is recorded as an `error` event (code TURN) and the session is stopped.
    const driveError = await settleSession(deps.sessions, sessionId, vendor.id, op, req.input, { timeoutMs }).then(
      () => undefined,
      (err: Error) => deps.sessions.redactor.text(err.message),
    );
    // What the run reports (comparisons, case reports, saved files) is redacted like the record: a vendor that
    // echoes a referenced secret (a Tencent SessionId) in its error must not put it in a report.
    const outcome = deps.sessions.redactor.value(await done);
    return { sessionId, profileName: profile.name, target: profile.target, outcome, driveError, events: deps.sessions.events(sessionId, 0, 1_000_000).events, durationMs: Math.round(performance.now() - started) };
  };
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

/**
 * The payload for one run Parley starts itself: its own room / session ids (the operation's perRunIds), so runs
 * never collide with each other or with a task still open under the payload's fixed ids.
 */
export function perRunPayload(op: OperationDescriptor, payload: Record<string, unknown>): { payload: Record<string, unknown>; changed: IdChange[] } {
  return op.perRunIds?.(payload, randomBytes(4).readUInt32BE(0).toString(36)) ?? { payload, changed: [] };
}

/** Say in the record which ids this run used instead of the payload's. */
export function recordRunIds(manager: SessionManager, sessionId: string, changed: IdChange[]): void {
  if (!changed.length || !manager.isLive(sessionId)) return;
  manager.record(sessionId, [{ kind: 'run.ids', dir: 'local', summary: `ids of this run: ${changed.map((c) => `${c.path} ${String(c.from)} → ${String(c.to)}`).join(', ')}`, data: { changed } }]);
}
