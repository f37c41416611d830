/**
 * Room turns through the turn agent: the renderer page (the app's window, or the CLI's headless Chromium) joins the
 * vendor's room with the vendor's own room code, plays the turn's speech into its published track, listens at the
 * player, and reports what it measured. Core and agent meet through the session itself:
 *
 *   agent   agent.ready once it listens (a page that can run room turns is there: the app's window, headless Chromium)
 *   core    records `agent.turn` {turnId, turn} in the session (every page sees session events)
 *   agent   agent.claim {sessionId, turnId} → the turn's input (the first page to claim it takes it)
 *   agent   joins (room.join) on the conversation's first turn, publishes, measures; its room events go into the
 *           record (session.record)
 *   agent   agent.finish {sessionId, turnId, result | error}
 *   core    records the figures (metric events, source "measured") and the texts, and answers the caller
 *   core    records `agent.leave` when the conversation is closed: the agent leaves the room (also when the session
 *           ends, or a turn failed)
 *
 * All of a turn's client figures are on the agent's one clock (performance.now()); core adds setup and the first
 * server event from the session record, and the vendor-reported figures (Tencent 10020) under their own names.
 */
import { randomUUID } from 'node:crypto';
import { readSpeechFile } from './input.ts';
import { STANDARD_METRICS, type NewEvent, type SessionEvent } from '../events.ts';
import { ROOM_EVENT_KINDS } from '../room-events.ts';
import type { SessionManager } from '../session/manager.ts';
import type { VendorId } from '../vendors/types.ts';
import type { ConversationOpener, Measured, TurnInterrupt, TurnMeasurement, TurnRequest } from './conversation.ts';
import { sessionFigures } from './metrics.ts';
import { waitForEvent } from './turn.ts';

/** How long closing a conversation waits for the agent to say it left the room. */
const LEAVE_MS = 5_000;

/** A turn that no page claims within this long fails with NO_TURN_AGENT (nothing would ever run it). */
export const AGENT_CLAIM_MS = 15_000;

/** What the agent is given when it claims a turn. */
export interface AgentTurnInput {
  vendor: VendorId;
  turn: number;
  /** The speech, a WAV file's bytes in base64. */
  wav: string;
  wavName: string;
  interrupt?: TurnInterrupt & { wavBase64?: string };
  timeoutMs: number;
}

/** What the agent measured, on its own clock, in milliseconds (botAudioS in seconds). */
export interface AgentTurnResult {
  firstAudioMs: Measured;
  responseLatencyMs: Measured;
  botAudioS: Measured;
  interruptionRecoveryMs: Measured;
  recognisedText: string | null;
  botText: string | null;
  why: Record<string, string>;
}

interface PendingTurn {
  sessionId: string;
  input: AgentTurnInput;
  claimed: boolean;
  claimTimer: ReturnType<typeof setTimeout>;
  turnTimer: ReturnType<typeof setTimeout> | null;
  resolve(result: AgentTurnResult): void;
  reject(error: Error): void;
}

const fail = (code: string, message: string) => Object.assign(new Error(message), { code });

export class TurnAgentHub {
  private readonly pending = new Map<string, PendingTurn>();
  private readonly manager: SessionManager;
  private ready = false;
  private launcher: (() => Promise<void>) | null = null;
  private launching: Promise<void> | null = null;

  constructor(manager: SessionManager) {
    this.manager = manager;
  }

  /** A page that runs room turns is listening (it said agent.ready). */
  markReady(): void {
    this.ready = true;
  }

  /**
   * How to bring a page up when a room turn needs one and none is listening (the CLI's headless Chromium): called
   * once, on the first turn that needs it; a launch that fails is every later turn's error too.
   */
  launchWith(launch: () => Promise<void>): void {
    this.launcher = launch;
  }

  /** Whether room turns can be asked for: a page is listening, or one can be launched (a CLI run without a browser cannot). */
  get available(): boolean {
    return this.ready || !!this.launcher;
  }

  /** A page is listening once this resolves (launched if need be); rejects with NO_TURN_AGENT when none can be. */
  async ensureListening(vendor: VendorId): Promise<void> {
    if (this.ready) return;
    if (!this.launcher)
      throw fail('NO_TURN_AGENT', `no turn agent here: ${vendor} room turns run in Parley's window (keep it open) or, from the CLI, in headless Chromium`);
    await (this.launching ??= this.launcher());
  }

  /** Ask an agent for one turn of a running room session; resolves with what it measured. */
  request(sessionId: string, vendor: VendorId, turn: number, request: TurnRequest): Promise<AgentTurnResult> {
    const wavPath = request.input.wav;
    if (!wavPath)
      throw fail(
        'BAD_INPUT',
        `${vendor}: the turn agent takes speech (a WAV file) only; a text turn is spoken by the built-in TTS before it is asked for (openVoiceConversation)`,
      );
    const input: AgentTurnInput = {
      vendor,
      turn,
      wav: readSpeechFile(wavPath, 'input.wav').toString('base64'),
      wavName: wavPath.split(/[\\/]/).pop() ?? 'speech.wav',
      ...(request.interrupt
        ? {
            interrupt: {
              ...request.interrupt,
              ...(request.interrupt.wav ? { wavBase64: readSpeechFile(request.interrupt.wav, 'interrupt.wav').toString('base64') } : {}),
            },
          }
        : {}),
      timeoutMs: request.timeoutMs,
    };
    const turnId = randomUUID();
    return new Promise<AgentTurnResult>((resolve, reject) => {
      const settle = () => {
        const p = this.pending.get(turnId);
        if (!p) return null;
        this.pending.delete(turnId);
        clearTimeout(p.claimTimer);
        if (p.turnTimer) clearTimeout(p.turnTimer);
        return p;
      };
      const pending: PendingTurn = {
        sessionId,
        input,
        claimed: false,
        claimTimer: setTimeout(() => {
          if (!settle()) return;
          reject(
            fail(
              'NO_TURN_AGENT',
              `no turn agent took turn ${turn} within ${AGENT_CLAIM_MS / 1000} s: ${vendor} room turns run in Parley's window (keep it open) or, from the CLI, in headless Chromium`,
            ),
          );
        }, AGENT_CLAIM_MS),
        turnTimer: null,
        resolve: (r) => settle() && resolve(r),
        reject: (e) => settle() && reject(e),
      };
      this.pending.set(turnId, pending);
      this.manager.record(sessionId, [{ kind: 'agent.turn', dir: 'local', summary: `turn ${turn}: waiting for the turn agent`, data: { turnId, turn } }]);
    });
  }

  /** The first page to claim a turn gets its input; later claims are refused. */
  claim(sessionId: string, turnId: string): AgentTurnInput {
    const p = this.pending.get(turnId);
    if (!p || p.sessionId !== sessionId) throw fail('NOT_FOUND', `agent.claim: session ${sessionId} has no turn ${turnId} waiting`);
    if (p.claimed) throw fail('CLAIMED', `agent.claim: turn ${turnId} is already taken by another page`);
    p.claimed = true;
    clearTimeout(p.claimTimer);
    // The turn's own deadline, plus the agent's join and leave.
    p.turnTimer = setTimeout(
      () => p.reject(fail('TURN_TIMEOUT', `turn ${p.input.turn}: the turn agent did not finish within ${Math.round(p.input.timeoutMs / 1000)} s`)),
      p.input.timeoutMs + 10_000,
    );
    this.manager.record(sessionId, [{ kind: 'agent.claimed', dir: 'local', summary: `turn ${p.input.turn}: taken by the turn agent` }]);
    return p.input;
  }

  finish(sessionId: string, turnId: string, outcome: { result?: AgentTurnResult; error?: string }): void {
    const p = this.pending.get(turnId);
    if (!p || p.sessionId !== sessionId || !p.claimed) throw fail('NOT_FOUND', `agent.finish: session ${sessionId} has no claimed turn ${turnId}`);
    if (outcome.result) p.resolve(outcome.result);
    else p.reject(fail('TURN', `turn ${p.input.turn}: ${outcome.error ?? 'the turn agent failed without saying why'}`));
  }
}

const hubs = new WeakMap<SessionManager, TurnAgentHub>();

/** The turn agents of a session engine (one hub per SessionManager). */
export function turnAgents(manager: SessionManager): TurnAgentHub {
  let hub = hubs.get(manager);
  if (!hub) hubs.set(manager, (hub = new TurnAgentHub(manager)));
  return hub;
}

const metric = (name: string, value: number, unit: 'ms' | 's', turn: number): NewEvent => ({
  kind: 'metric',
  dir: 'local',
  summary: `turn ${turn}: ${name} ${value} ${unit} (measured by the turn agent)`,
  data: { name, value, unit, turn, source: 'measured' },
});

/** Tencent 10020 metrics of the events after `from` (first of each name), labelled by the vendor's names. */
function reportedFigures(events: SessionEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) {
    if (e.kind !== 'tencent.metric' || !e.data || typeof e.data !== 'object') continue;
    const d = e.data as { metric?: unknown; value?: unknown };
    if (typeof d.metric === 'string' && typeof d.value === 'number' && !(d.metric in out)) out[d.metric] = d.value;
  }
  return out;
}

/** A conversation with a started room session (Tencent, NetEase) through the turn agent. */
export const agentConversation: ConversationOpener = async (manager, sessionId, vendor) => {
  const hub = turnAgents(manager);
  await hub.ensureListening(vendor);
  let turns = 0;
  let closed = false;
  let inRoom = false;
  return {
    async turn(request) {
      if (closed) throw fail('CLOSED', 'the conversation is closed');
      await hub.ensureListening(vendor);
      const turn = ++turns;
      if (turn === 1) {
        // The room exists once the control plane has answered (the bot is put in it then).
        const e = await waitForEvent(
          manager,
          sessionId,
          (x) => x.kind === 'session.control-plane-done' || x.kind === 'session.end' || x.kind === 'error',
          request.timeoutMs,
        );
        if (e.kind !== 'session.control-plane-done') throw fail('TURN', `${vendor}: the session ended before its room could be joined (${e.summary})`);
      }
      const from = manager.events(sessionId, 0, 1_000_000).total;
      let r: AgentTurnResult;
      try {
        r = await hub.request(sessionId, vendor, turn, request);
        inRoom = true;
      } catch (err) {
        inRoom = false; // the agent leaves after a failed turn
        throw err;
      }
      const figures: NewEvent[] = [];
      if (r.firstAudioMs !== null) figures.push(metric(STANDARD_METRICS.firstAudio, r.firstAudioMs, 'ms', turn));
      if (r.responseLatencyMs !== null) figures.push(metric(STANDARD_METRICS.turnLatency, r.responseLatencyMs, 'ms', turn));
      if (r.botAudioS !== null) figures.push(metric(STANDARD_METRICS.botAudio, r.botAudioS, 's', turn));
      if (r.interruptionRecoveryMs !== null) figures.push(metric('interruption_recovery_ms', r.interruptionRecoveryMs, 'ms', turn));
      if (r.recognisedText)
        figures.push({
          kind: 'agent.user-text',
          dir: 'local',
          summary: `turn ${turn}: recognised "${r.recognisedText}"`,
          data: { role: 'user', text: r.recognisedText, turn },
        });
      if (r.botText)
        figures.push({ kind: 'agent.bot-text', dir: 'local', summary: `turn ${turn}: bot said "${r.botText}"`, data: { role: 'bot', text: r.botText, turn } });
      if (figures.length) manager.record(sessionId, figures);
      const events = manager.events(sessionId, 0, 1_000_000).events;
      const f = sessionFigures(events);
      const why = { ...r.why };
      const first = turn === 1;
      if (first && !f.setupMs) why.setupMs = 'the session record has no control-plane response';
      if (first && !f.firstServerEventMs) why.firstServerEventMs = 'nothing came from the vendor';
      if (!first) why.setupMs = why.firstServerEventMs = 'first turn only';
      if (!request.interrupt) why.interruptionRecoveryMs = 'the turn was not interrupted';
      const measurement: TurnMeasurement = {
        turn,
        transport: 'agent',
        setupMs: first ? (f.setupMs?.value ?? null) : null,
        firstServerEventMs: first ? (f.firstServerEventMs?.value ?? null) : null,
        firstAudioMs: r.firstAudioMs,
        responseLatencyMs: r.responseLatencyMs,
        botAudioS: r.botAudioS,
        interruptionRecoveryMs: r.interruptionRecoveryMs,
        recognisedText: r.recognisedText,
        botText: r.botText,
        vendorFigures: reportedFigures(events.slice(from)),
        why,
      };
      manager.record(sessionId, [{ kind: 'agent.measured', dir: 'local', summary: `turn ${turn}: measured by the turn agent`, data: measurement }]);
      return measurement;
    },
    async action(id, args) {
      return manager.send(sessionId, id, args);
    },
    async close() {
      // The agent stays in the room between turns (one visit a conversation); this tells it to leave.
      if (closed) return;
      closed = true;
      if (turns === 0 || !manager.isLive(sessionId)) return;
      const seq = manager.record(sessionId, [{ kind: 'agent.leave', dir: 'local', summary: 'the conversation is over: the turn agent leaves the room' }]);
      // The leave belongs in the record, before the session is stopped (after a failed turn the agent has left already).
      if (inRoom) await waitForEvent(manager, sessionId, (e) => e.seq >= seq && e.kind === ROOM_EVENT_KINDS.left, LEAVE_MS).catch(() => undefined);
    },
  };
};
