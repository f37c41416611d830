/**
 * The Convai sandbox character as a real LiveKit participant (@livekit/rtc-node; runs in the LiveKit worker
 * process): joins the session's room, publishes the sandbox bot's answers as an audio track in real time (unless the
 * routing is data_only), listens to the user's track, and carries the Convai protocol (sandbox-bot.ts) over the
 * room's reliable data channel. It leaves when the last user has left, or when nobody came within `idleMs`.
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { SandboxBot, type BotEvent } from '../../voice/bot.ts';
import { shippedVoice } from '../../voice/node/shipped.ts';
import { UtteranceRecogniser } from '../../voice/recognise.ts';
import { ConvaiSandboxBot, WEBRTC_MIN_SCORE } from './sandbox-bot.ts';
import type { BotStart, WorkerEvent } from '../../livekit/protocol.ts';
import type { TurnOverride } from '../../voice/bot.ts';

/** The bot speaks and hears 16 kHz (its replies' rate), in 10 ms frames: every rounded chunk duration is whole frames. */
const RATE = 16000;
const FRAME_MS = 10;

let recogniser: UtteranceRecogniser | null = null;

export interface RunningBot {
  identity: string;
  override(override: TurnOverride): void;
  stop(reason: string): Promise<void>;
}

export async function startConvaiBot(args: BotStart, emit: (event: WorkerEvent) => void): Promise<RunningBot> {
  const voice = shippedVoice();
  recogniser ??= new UtteranceRecogniser(voice.utterances, { minScore: WEBRTC_MIN_SCORE });
  const room = new Room();
  await room.connect(args.url, args.token, { autoSubscribe: true, dynacast: false });
  let stopped = false;

  // The answer goes through the source's queue (rtc-node's default, as LiveKit's agents publish speech), which an
  // interruption clears at once; Parley's own microphone (client-participant.ts) uses the unbuffered path instead.
  const source = args.room.audioRouting === 'data_only' ? null : new AudioSource(RATE, 1);
  if (source) {
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    await room.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack('character', source), options);
  }
  // Frames go out in order, one capture at a time; an interruption drops the ones still waiting.
  let capture: Promise<void> = Promise.resolve();
  let generation = 0;
  const encoder = new TextEncoder();
  const bot = new SandboxBot({ recogniser, replies: voice.replyTable, frameMs: FRAME_MS, outputRate: RATE, settings: args.settings });
  const convai = new ConvaiSandboxBot({
    bot,
    room: args.room,
    note: (message) => emit({ type: 'bot.note', pid: args.pid, message }),
    transport: {
      send: (message) => void room.localParticipant?.publishData(encoder.encode(JSON.stringify(message)), { reliable: true }).catch(() => undefined),
      ...(source
        ? {
            audioFrame: (samples: Int16Array, sampleRate: number) => {
              const mine = generation;
              const frame = new AudioFrame(samples, sampleRate, 1, samples.length);
              capture = capture.then(() => (mine === generation && !stopped ? source.captureFrame(frame) : undefined)).catch(() => undefined);
            },
            clearAudio: () => {
              generation++;
              source.clearQueue();
            },
          }
        : {}),
    },
  });
  bot.subscribe((e) => reportGroundTruth(args.pid, e, emit));

  let heard: { sid: string; reader: ReadableStreamDefaultReader<AudioFrame> } | null = null;
  const listen = (track: RemoteTrack, sid: string, identity: string) => {
    void heard?.reader.cancel().catch(() => undefined);
    const reader = new AudioStream(track, { sampleRate: RATE, numChannels: 1 }).getReader();
    heard = { sid, reader };
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done || !value || stopped) break;
        convai.userAudio(value.data, value.sampleRate, identity);
      }
    })();
  };

  const idle = setTimeout(() => void stop('nobody joined the room'), args.idleMs);
  const stop = async (reason: string) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(idle);
    convai.close();
    bot.close();
    void heard?.reader.cancel().catch(() => undefined);
    await source?.close().catch(() => undefined);
    await room.disconnect().catch(() => undefined);
    emit({ type: 'bot.ended', pid: args.pid, reason });
  };

  const joined = (identity: string) => {
    clearTimeout(idle);
    convai.userJoined(identity);
  };
  room.on(RoomEvent.ParticipantConnected, (p) => joined(p.identity));
  room.on(RoomEvent.ParticipantDisconnected, (p) => {
    convai.userLeft(p.identity);
    if (convai.userCount === 0) void stop(`${p.identity} left the room`);
  });
  room.on(RoomEvent.TrackSubscribed, (track, publication, p) => {
    if (track.kind === TrackKind.KIND_AUDIO) listen(track, publication.sid ?? '', p.identity);
  });
  room.on(RoomEvent.TrackUnsubscribed, (_track, publication) => {
    if (heard && heard.sid === (publication.sid ?? '')) {
      void heard.reader.cancel().catch(() => undefined);
      heard = null;
    }
  });
  room.on(RoomEvent.DataReceived, (payload, p) => convai.receive(payload, p?.identity));
  room.on(RoomEvent.Disconnected, () => void stop('disconnected from the room'));
  for (const p of room.remoteParticipants.values()) joined(p.identity);

  return { identity: room.localParticipant!.identity, override: (o) => bot.overrideNextTurn(o), stop };
}

/** The bot's own timeline on the shared clock, for benchmarks and tests (frames: the first of each answer only). */
function reportGroundTruth(pid: string, e: BotEvent, emit: (event: WorkerEvent) => void): void {
  if (e.type === 'botAudio' && e.index > 0) return;
  const at = performance.timeOrigin + e.atMs;
  const detail: Record<string, unknown> = {};
  if (e.type === 'userSpeechEnded') detail.detectedAt = performance.timeOrigin + e.detectedAtMs;
  if (e.type === 'recognised') Object.assign(detail, { text: e.text, utteranceId: e.utteranceId });
  if (e.type === 'thinking') detail.thinkMs = e.thinkMs;
  if (e.type === 'reply') Object.assign(detail, { text: e.text, replyId: e.replyId, audioSeconds: e.audioSeconds });
  if (e.type === 'interrupted')
    Object.assign(detail, { by: e.by, during: e.during, userSpeechAt: e.userSpeechAtMs === null ? null : performance.timeOrigin + e.userSpeechAtMs });
  if (e.type === 'botAudioEnded') Object.assign(detail, { interrupted: e.interrupted, frames: e.frames });
  emit({ type: 'bot.event', pid, event: e.type, turn: e.turn, at, detail });
}
