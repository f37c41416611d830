/**
 * The turn agent, the renderer's end of core's room turns (src-main/core/workflows/turn-agent.ts): when core records
 * an `agent.turn` event in a session, the agent claims the turn, joins the session's room with the vendor's own room
 * adapter (rooms/vendor-room.ts: TencentRoom, NeteaseRoom, Convai's joinRoom with its pipeline: the code the panels run, in a hidden room frame of its own, never the panel the
 * user is looking at), publishes the speech, listens at its own player (AudioTap: nothing is played aloud), measures
 * on this page's one clock, and reports. The room's events go into the session record as in a panel.
 *
 * One visit a conversation: the agent stays in the room for the session's next turns (a scenario's) and leaves when
 * core records `agent.leave` (the conversation is closed), when the session ends, or when a turn fails.
 *
 * Figures (performance.now(), ms):
 * - turn start: the publish has returned, so the file has started to play into the published track;
 * - end of speech: turn start + the last audible sample of the WAV;
 * - first audio: the first audible block at the player after the turn start; response latency: after the end of
 *   speech; bot audio: first to last audible block; the answer is over after ANSWER_END_QUIET_MS of quiet;
 * - interruption (when asked): after `afterMs` of bot audio, the vendor's interrupt (message) or the barge-in speech
 *   (its first audible sample); recovery runs from there to the bot's last audible block.
 */
import { STANDARD_METRICS, type MetricData, type NewEvent } from '../../../../src-main/core/events.ts';
import type { AgentTurnInput, AgentTurnResult } from '../../../../src-main/core/workflows/turn-agent.ts';
import { bridge, call } from '../../api.ts';
import { openRoomFrame } from '../session.ts';
import { joinVendorRoom, type VendorRoomSession } from '../vendor-room.ts';
import { AudioTap, type AudioBlock } from './audio-tap.ts';

/** The answer is over once the bot's audio has been quiet this long (longer than the pauses inside speech). */
export const ANSWER_END_QUIET_MS = 1500;
/** After an interruption, the bot has stopped once it has been quiet this long. */
const STOPPED_QUIET_MS = 400;
/** Final subtitles and captions may follow the last audio by a moment. */
const TEXT_GRACE_MS = 300;
/** A WAV sample is speech above this level (about -34 dBFS). */
const SPEECH_LEVEL = 0.02;

function bytesOf(base64: string): ArrayBuffer {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

/** Where the speech in a WAV starts and ends, ms from its first sample. */
async function speechBounds(bytes: ArrayBuffer): Promise<{ startMs: number; endMs: number }> {
  const buffer = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(bytes.slice(0));
  const data = buffer.getChannelData(0);
  let first = -1;
  let last = -1;
  for (let i = 0; i < data.length; i++)
    if (Math.abs(data[i]!) >= SPEECH_LEVEL) {
      if (first < 0) first = i;
      last = i;
    }
  if (last < 0) throw new Error('the WAV file has no audible speech');
  return { startMs: (first / buffer.sampleRate) * 1000, endMs: ((last + 1) / buffer.sampleRate) * 1000 };
}

async function until<T>(test: () => T | undefined | false, deadline: number): Promise<T | undefined> {
  for (;;) {
    const v = test();
    if (v) return v;
    if (performance.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const quietSince = (tap: AudioTap, from: number, ms: number) => () => {
  const last = tap.lastAudible(from);
  return performance.now() - (last?.at ?? from) >= ms ? (last ?? true) : undefined;
};

/** What the vendor recognised and what the bot said, from the room events of this turn (the live parsers' output). */
function texts(events: NewEvent[], botId: string): { user: string | null; bot: string | null } {
  let user: string | null = null;
  let bot: string | null = null;
  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (e.kind === 'tencent.subtitle' && d.end === true) {
      const text = String(d.joined ?? d.text ?? '');
      if (d.sender === botId) bot = text;
      else user = text;
    } else if (e.kind === 'netease.caption' && d.isFinal === true) {
      if (d.speaker === 'user') user = String(d.text ?? '');
      else if (d.speaker === 'bot') bot = String(d.text ?? '');
    } else if (e.kind === 'convai.user-transcription' || e.kind === 'convai.bot-transcription') {
      const rtvi = (d.data ?? {}) as { text?: unknown; final?: unknown };
      if (e.kind === 'convai.bot-transcription') bot = String(rtvi.text ?? '');
      else if (rtvi.final !== false) user = String(rtvi.text ?? '');
    }
  }
  return { user, bot };
}

/** The standard figures' names carry the agent's player-side figures (core records them). */
const AGENT_FIGURES = new Set<string>([STANDARD_METRICS.firstAudio, STANDARD_METRICS.turnLatency, STANDARD_METRICS.botAudio]);

/**
 * A room adapter's own estimate under a standard name (TencentRoom's turn latency from subtitles and volume, say)
 * is kept under the vendor's prefix, so the standard name means one thing in the record: what the agent measured.
 */
function keepApart(vendor: string, e: NewEvent): NewEvent {
  const d = e.data as Partial<MetricData> | undefined;
  if (e.kind !== 'metric' || typeof d?.name !== 'string' || !AGENT_FIGURES.has(d.name)) return e;
  return { ...e, data: { ...d, name: `${vendor}.room_${d.name}` } };
}

/** The agent in one session's room: joined once, for every turn of the conversation. */
interface Visit {
  room: VendorRoomSession;
  tap: AudioTap;
  /** Every room event of the visit, in order (a turn reads its own from where it started). */
  seen: NewEvent[];
}

const visits = new Map<string, Promise<Visit>>();

function visit(sessionId: string, vendor: string): Promise<Visit> {
  let v = visits.get(sessionId);
  if (!v) {
    v = (async () => {
      const seen: NewEvent[] = [];
      const record = (raw: NewEvent[]) => {
        const events = raw.map((e) => keepApart(vendor, e));
        seen.push(...events);
        void call('session.record', { sessionId, events }).catch(() => undefined);
      };
      const info = await call('room.join', { sessionId });
      const tap = new AudioTap();
      try {
        return { room: await joinVendorRoom(info, { open: (kind) => openRoomFrame(kind, { player: () => tap }), record }), tap, seen };
      } catch (err) {
        tap.close();
        throw err;
      }
    })();
    visits.set(sessionId, v);
    v.catch(() => visits.get(sessionId) === v && visits.delete(sessionId));
  }
  return v;
}

/** Leave the session's room, if the agent is in it. */
export async function leaveVisit(sessionId: string): Promise<void> {
  const v = visits.get(sessionId);
  if (!v) return;
  visits.delete(sessionId);
  const joined = await v.catch(() => null);
  if (!joined) return;
  await joined.room.leave().catch(() => undefined);
  joined.tap.close();
}

export async function runAgentTurn(sessionId: string, claim: AgentTurnInput): Promise<AgentTurnResult> {
  const why: Record<string, string> = {};
  const { room, tap, seen } = await visit(sessionId, claim.vendor);
  try {
    const bytes = bytesOf(claim.wav);
    const speech = await speechBounds(bytes);
    const from = seen.length;
    await room.publish({ kind: 'file', name: claim.wavName, bytes });
    const turnStart = performance.now();
    const speechEnd = turnStart + speech.endMs;
    const deadline = turnStart + claim.timeoutMs;
    const first = await until(() => tap.firstAudible(turnStart), deadline);
    const answer = first && tap.firstAudible(speechEnd);
    let last: AudioBlock | undefined;
    let recovery: number | null = null;
    if (first && claim.interrupt) {
      const at = await until(() => performance.now() >= first.at + claim.interrupt!.afterMs, deadline);
      let bargeAt = performance.now();
      if (at && claim.interrupt.by === 'message') {
        await room.interrupt();
        bargeAt = performance.now();
      } else if (at) {
        const barge = claim.interrupt.wavBase64 ? bytesOf(claim.interrupt.wavBase64) : bytes;
        const bounds = await speechBounds(barge);
        await room.publish({ kind: 'file', name: 'barge-in.wav', bytes: barge });
        bargeAt = performance.now() + bounds.startMs;
      }
      await until(quietSince(tap, bargeAt, STOPPED_QUIET_MS), deadline);
      last = tap.lastAudible(first.at);
      recovery = Math.max(0, (last?.at ?? bargeAt) - bargeAt);
    } else if (first) {
      await until(quietSince(tap, first.at, ANSWER_END_QUIET_MS), deadline);
      last = tap.lastAudible(first.at);
    }
    await new Promise((r) => setTimeout(r, TEXT_GRACE_MS));
    if (!first) why.firstAudioMs = why.responseLatencyMs = why.botAudioS = `no audible bot audio within ${Math.round(claim.timeoutMs / 1000)} s`;
    else if (!answer) why.responseLatencyMs = 'the bot spoke only before the end of the speech';
    if (claim.interrupt && recovery === null) why.interruptionRecoveryMs = 'the bot never spoke, so there was nothing to interrupt';
    const said = texts(seen.slice(from), room.botId);
    if (said.user === null) why.recognisedText = 'no final transcript of the speech came from the vendor';
    if (said.bot === null) why.botText = 'no final text of the answer came from the vendor';
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      firstAudioMs: first ? round(first.at - turnStart) : null,
      responseLatencyMs: answer ? round(answer.at - speechEnd) : null,
      botAudioS: first && last ? Math.round(last.at + last.seconds * 1000 - first.at) / 1000 : null,
      interruptionRecoveryMs: recovery === null ? null : round(recovery),
      recognisedText: said.user,
      botText: said.bot,
      why,
    };
  } catch (err) {
    // A failed turn leaves the room: the next one starts from a clean join.
    await leaveVisit(sessionId);
    throw err;
  }
}

/** Listen for room turns core asks for, in every session; returns the function that stops listening. */
export function startTurnAgent(): () => void {
  const taken = new Set<string>();
  void call('agent.ready', {}).catch(() => undefined);
  return bridge().on('session.events', ({ sessionId, events }) => {
    for (const e of events) {
      if (e.kind === 'agent.leave' || e.kind === 'session.end') void leaveVisit(sessionId);
      if (e.kind !== 'agent.turn') continue;
      const turnId = (e.data as { turnId?: unknown } | undefined)?.turnId;
      if (typeof turnId !== 'string' || taken.has(turnId)) continue;
      taken.add(turnId);
      void (async () => {
        let claim: AgentTurnInput;
        try {
          claim = await call('agent.claim', { sessionId, turnId });
        } catch {
          return; // another page took it, or it was given up
        }
        try {
          const result = await runAgentTurn(sessionId, claim);
          await call('agent.finish', { sessionId, turnId, result });
        } catch (err) {
          await call('agent.finish', { sessionId, turnId, error: (err as Error)?.message ?? String(err) }).catch(() => undefined);
        }
      })();
    }
  });
}
