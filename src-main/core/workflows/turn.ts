/**
 * Takes one session of any transport to its end the same way for every run (workflows/session-runner.ts):
 * - http: the operation ends by itself;
 * - socket: one full turn with the given input (WAV file or text) through the session's generic actions, then the
 *   session is stopped;
 * - room: one full turn through the vendor's voice conversation (voice-turns.ts: Convai's room joined headless,
 *   Tencent's and NetEase's through the turn agent); without one here, the control plane only (an operation that
 *   waits for the console's join before its call, `room.awaiting-join`, is told `joined` by `headless`); then the
 *   session is stopped.
 * Every wait is a subscription to the session's events, never a poll.
 */
import type { SessionEvent } from '../events.ts';
import type { SessionManager } from '../session/manager.ts';
import type { OperationDescriptor, VendorId } from '../vendors/types.ts';
import { vendorById } from '../vendors/registry.ts';
import { NoConversationError } from './conversation.ts';
import { canTalkHere, conversationOpener } from './voice-turns.ts';

export interface TurnInput {
  /** Absolute path of a WAV file. */
  wav?: string;
  text?: string;
  /** Send the WAV at its own pace (default) or as fast as the socket takes it (false). */
  realtime?: boolean;
}

export interface TurnOptions {
  /** Give up waiting for the end of the turn after this long (the session then ends as timed out). */
  timeoutMs: number;
}

/** One turn of a socket session through its generic actions. */
type TurnDriver = (manager: SessionManager, sessionId: string, input: TurnInput, options: TurnOptions) => Promise<void>;

/**
 * The generic convention (the Mindcraft actions): `send_wav` {path} uploads a whole WAV file and ends the upload
 * itself; `text` {text} is a text turn; `wait_turn` {timeoutMs} resolves when the vendor's turn is over. Without
 * `wait_turn` the end of the turn is an event: `turn.end`, an `<vendor>.agent_stop`-like kind, an error, or the
 * session end.
 */
export function isTurnEnd(e: SessionEvent): boolean {
  return (
    e.kind === 'turn.end' || /(^|\.)agent[_-]?stop/i.test(e.kind) || e.kind === 'error' || e.kind === 'session.end' || e.kind === 'session.control-plane-done'
  );
}

export async function settleSession(
  manager: SessionManager,
  sessionId: string,
  vendor: VendorId,
  op: OperationDescriptor,
  input: TurnInput | undefined,
  options: TurnOptions,
): Promise<void> {
  if (op.transport === 'http' || !manager.isLive(sessionId)) return;
  try {
    if (op.transport !== 'room') {
      await genericTurn(op)(manager, sessionId, input ?? {}, options);
      return;
    }
    const speaks = !!(input?.wav || input?.text);
    const opener = speaks && (await canTalkHere(manager, vendor)) ? conversationOpener(vendor) : null;
    if (!opener) {
      if (speaks && vendorById(vendor).voiceTurns)
        manager.record(sessionId, [
          { kind: 'agent.none', dir: 'local', summary: "no turn agent here (Parley's window runs room turns): measured up to the control plane" },
        ]);
      await controlPlane(manager, sessionId, options.timeoutMs);
      return;
    }
    let conversation;
    try {
      conversation = await opener(manager, sessionId, vendor, op);
    } catch (err) {
      if (err instanceof NoConversationError) return; // the session ended first; its record says why
      throw err;
    }
    try {
      await conversation.turn({ input: input!, timeoutMs: options.timeoutMs });
    } finally {
      await conversation.close();
    }
  } catch (err) {
    const message = (err as Error).message;
    if (manager.isLive(sessionId)) manager.record(sessionId, [{ kind: 'error', dir: 'local', summary: `TURN: ${message}`, data: { code: 'TURN', message } }]);
    throw err;
  } finally {
    if (manager.isLive(sessionId)) await manager.stop(sessionId);
  }
}

function genericTurn(op: OperationDescriptor): TurnDriver {
  const actions = new Set((op.actions ?? []).map((a) => a.id));
  return async (manager, sessionId, input, options) => {
    const ended = actions.has('wait_turn') ? null : waitForEvent(manager, sessionId, isTurnEnd, options.timeoutMs);
    ended?.catch(() => undefined);
    if (input.wav) {
      if (!actions.has('send_wav')) throw new Error(`${op.id}: this operation takes no WAV input (no send_wav action)`);
      await manager.send(sessionId, 'send_wav', { path: input.wav, ...(input.realtime === undefined ? {} : { realtime: input.realtime }) });
    } else if (input.text) {
      if (!actions.has('text')) throw new Error(`${op.id}: this operation takes no text input (no text action)`);
      await manager.send(sessionId, 'text', { text: input.text });
    } else return;
    if (ended) await ended;
    else await manager.send(sessionId, 'wait_turn', { timeoutMs: options.timeoutMs });
  };
}

/**
 * A room operation's control plane, without the room: the session's `session.control-plane-done` (or its end). An
 * operation that makes its call only once the console is in the room (NetEase's client API) says so with
 * `room.awaiting-join`; nobody joins headless, so it is told to go on.
 */
async function controlPlane(manager: SessionManager, sessionId: string, timeoutMs: number): Promise<void> {
  const first = await waitForEvent(
    manager,
    sessionId,
    (e) => e.kind === 'room.awaiting-join' || e.kind === 'session.control-plane-done' || e.kind === 'session.end',
    timeoutMs,
  );
  if (first.kind !== 'room.awaiting-join') return;
  manager.record(sessionId, [
    { kind: 'room.join-skipped', dir: 'local', summary: 'no room is joined in a headless run: the call goes out without it', data: { by: 'headless' } },
  ]);
  await manager.send(sessionId, 'joined', { by: 'headless' });
  await waitForEvent(manager, sessionId, (e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end', timeoutMs);
}

/** Resolves with the first event (already recorded or still to come) that matches; rejects after timeoutMs. */
export function waitForEvent(manager: SessionManager, sessionId: string, match: (e: SessionEvent) => boolean, timeoutMs: number): Promise<SessionEvent> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      off();
      fn();
    };
    const off = manager.onEvents((id, events) => {
      if (id !== sessionId) return;
      const hit = events.find(match);
      if (hit) done(() => resolve(hit));
    });
    const timer = setTimeout(() => done(() => reject(new Error(`no end of turn within ${timeoutMs} ms`))), timeoutMs);
    const hit = manager.events(sessionId, 0, 1_000_000).events.find(match);
    if (hit) done(() => resolve(hit));
    else if (!manager.isLive(sessionId)) done(() => reject(new Error('session ended before the expected event')));
  });
}
