/**
 * The messages between Parley's process and its LiveKit worker (worker.ts), one child process that holds everything
 * of LiveKit's native SDK (@livekit/rtc-node) and, for the sandbox, the livekit-server it started. Requests are
 * answered once; events carry the time they happened on the shared clock (`at`, epoch milliseconds with fractions:
 * performance.timeOrigin + performance.now(), comparable across processes on one machine).
 *
 * Participants are named by a `pid` the parent chooses. Two kinds:
 * - `bot`: the Convai sandbox character (vendors/convai/sandbox-participant.ts), which answers the user's track;
 * - `client`: Parley's own user in a room, sandbox or live (headless voice turns): publishes PCM, receives every
 *   remote audio track as PCM and every data message.
 */
import type { BotSettings, TurnOverride } from '../voice/bot.ts';
import type { ConvaiRoomOptions } from '../vendors/convai/sandbox-bot.ts';

export interface ServerStart {
  binary: string;
  apiKey: string;
  apiSecret: string;
}

export interface ServerInfo {
  /** ws://127.0.0.1:<port> */
  url: string;
  ports: { http: number; rtcTcp: number; rtcUdp: number };
}

export interface BotStart {
  pid: string;
  url: string;
  token: string;
  room: ConvaiRoomOptions;
  settings: Partial<BotSettings>;
  /** Leave when nobody has joined the room within this long, ms. */
  idleMs: number;
}

export interface ClientJoin {
  pid: string;
  url: string;
  token: string;
  /** 'relay': TURN only (Convai's own client); 'all': every candidate. */
  iceTransportPolicy: 'relay' | 'all';
}

export interface WorkerRequests {
  'server.start': { args: ServerStart; result: ServerInfo };
  'bot.start': { args: BotStart; result: { identity: string } };
  'bot.override': { args: { pid: string; override: TurnOverride }; result: null };
  'bot.stop': { args: { pid: string }; result: null };
  'client.join': { args: ClientJoin; result: { identity: string; sid: string } };
  /** Play PCM (mono) into the microphone track in real time (publishing it first), then silence until unpublished. */
  'client.publish': { args: { pid: string; samples: Int16Array; sampleRate: number; markSamples?: number[] }; result: { startedAt: number } };
  'client.unpublish': { args: { pid: string }; result: null };
  'client.send': { args: { pid: string; data: Uint8Array }; result: null };
  'client.leave': { args: { pid: string }; result: null };
}
export type WorkerOp = keyof WorkerRequests;

export type WorkerEvent =
  /** A bot's SandboxBot event, for ground truth (its `atMs` converted to the shared clock as `at`). */
  | { type: 'bot.event'; pid: string; event: string; turn: number; at: number; detail?: Record<string, unknown> }
  | { type: 'bot.note'; pid: string; message: string }
  | { type: 'bot.ended'; pid: string; reason: string }
  | { type: 'client.data'; pid: string; payload: Uint8Array; from?: string; topic?: string; at: number }
  | { type: 'client.track'; pid: string; change: 'subscribed' | 'unsubscribed'; trackSid: string; participant: string; at: number }
  /** Remote audio as the SDK hands it out (after its jitter buffer and decoder), mono PCM16. */
  | { type: 'client.audio'; pid: string; trackSid: string; samples: Int16Array; sampleRate: number; at: number }
  | { type: 'client.participant'; pid: string; change: 'joined' | 'left'; identity: string; at: number }
  | { type: 'client.connection'; pid: string; state: string; reason?: string; at: number }
  /** The published PCM: a marked sample (e.g. the end of the speech) went out at `at`; `ended` when all of it had. */
  | { type: 'client.published'; pid: string; mark: number | 'ended'; at: number }
  /** Someone in the room subscribed to the microphone track (what it played before did not reach them). */
  | { type: 'client.subscribed'; pid: string; at: number }
  | { type: 'server.exit'; code: number | null; signal: string | null; log: string };

export type ToWorker = { id: number; op: WorkerOp; args: unknown };
export type FromWorker =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: string; message: string } } | { event: WorkerEvent };

/** Rate of the PCM a client participant hands out (the rate of the utterance library and the bot). */
export const CLIENT_AUDIO_RATE = 16000;

/** Now on the clock every process on this machine shares. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}
