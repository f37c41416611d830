import { ConvaiSandboxRooms } from '../../src-main/core/vendors/convai/sandbox-room.ts';
import { LiveKitWorker } from '../../src-main/core/livekit/worker-host.ts';
import { AudioMeter, speechBounds } from '../../src-main/core/livekit/audio-meter.ts';
import { sharedNow, type WorkerEvent } from '../../src-main/core/livekit/protocol.ts';
import { parseDataMessage } from '../../src-main/core/vendors/convai/common/rtvi.ts';
import { buildClientMessage, encodeClientMessage } from '../../src-main/core/vendors/convai/common/client-messages.ts';
import { SandboxBot, BOT_DEFAULTS } from '../../src-main/core/voice/bot.ts';
import { shippedVoice } from '../../src-main/core/voice/node/shipped.ts';
import { UtteranceRecogniser } from '../../src-main/core/voice/recognise.ts';
import { WEBRTC_MIN_SCORE } from '../../src-main/core/vendors/convai/sandbox-bot.ts';
import { atMost, percentile, round, type Figure } from './figure.ts';

/**
 * The Convai sandbox room on its real path: livekit-server on loopback, the character (@livekit/rtc-node, in the
 * LiveKit worker) and Parley's headless client (another rtc-node participant), WebRTC audio both ways. Turns with
 * scripted think times (400, 800, 1600 ms), the same utterance every time, each answer cut short by interrupt-bot
 * half a second after it became audible. Per turn, on the machine's shared clock:
 *   R      = Parley's response latency, as `parley convai turn` measures it: the speech's last audible sample leaving
 *            the client's microphone track → the first sample of the answer at or above -45 dBFS at the client;
 *   R_true = the same latency from ground truth: the end of the speech is that sample's capture time (exact: the
 *            client's track is paced sample by sample), and the answer starts with the first sample of it that reaches
 *            the client (the line is digitally silent between answers: the bot sends nothing while it is quiet, and
 *            anything at or above -72 dBFS is the answer arriving);
 *   B      = the bot's own latency from its recorded timestamps: its end of speech → its first frame sent (the
 *            silence setting + recognition + the think time);
 *   R - B  = what WebRTC adds (uplink: the client's end of speech → the bot's; downlink: the bot's first frame → the
 *            client's first audible sample).
 * The same utterance fed to the same bot directly (no transport, real time, 10 ms chunks) gives the baseline.
 */
const THINK_MS = [400, 800, 1600];
const REPEATS = 5;
const UTTERANCE = 'hello-weather-en';

interface Turn {
  thinkMs: number;
  responseMs: number;
  trueResponseMs: number;
  botMs: number;
  uplinkMs: number;
  downlinkMs: number;
}

/** What the client received, as it played: each frame with the time its first sample played. */
class Received {
  private readonly frames: { start: number; samples: Int16Array }[] = [];
  private playhead = 0;

  add(samples: Int16Array, rate: number, at: number): void {
    const start = Math.max(at, this.playhead);
    this.playhead = start + (samples.length * 1000) / rate;
    this.frames.push({ start, samples });
  }

  /** The time of the first sample at or above `floor` that played at or after `from`. */
  firstSoundAfter(from: number, floor = 8): number | null {
    for (const f of this.frames) {
      if (f.start + (f.samples.length * 1000) / 16000 < from) continue;
      for (let i = 0; i < f.samples.length; i++) {
        const t = f.start + (i * 1000) / 16000;
        if (t >= from && Math.abs(f.samples[i]!) >= floor) return t;
      }
    }
    return null;
  }
}

export async function run(): Promise<Figure[]> {
  const voice = shippedVoice();
  const speech = voice.utterances.find((u) => u.id === UTTERANCE)!.audio;
  const bounds = speechBounds(speech.samples)!;
  const rooms = new ConvaiSandboxRooms();
  const client = new LiveKitWorker();
  try {
    const room = await rooms.open('bench', 'bench-user', { audioRouting: 'audio_only', chunkMs: 100, wavHeader: false, debug: false });
    const botEvents: WorkerEvent[] = [];
    rooms.onEvent((e) => e.type === 'bot.event' && botEvents.push(e));
    const meter = new AudioMeter();
    const received = new Received();
    const marks: number[] = [];
    let ready = false;
    let subscribed = false;
    client.on((e) => {
      if (e.type === 'client.audio') {
        meter.played(e.samples, e.sampleRate, e.at);
        received.add(e.samples, e.sampleRate, e.at);
      }
      if (e.type === 'client.published' && e.mark === bounds.end) marks.push(e.at);
      if (e.type === 'client.subscribed') subscribed = true;
      if (e.type === 'client.data' && parseDataMessage(e.payload).type === 'bot-ready') ready = true;
    });
    const until = async <T>(what: string, check: () => T | null | undefined | false, ms = 20_000): Promise<T> => {
      const end = Date.now() + ms;
      for (;;) {
        const v = check();
        if (v !== null && v !== undefined && v !== false) return v;
        if (Date.now() > end) throw new Error(`livekit bench: no ${what} within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const me = await client.request('client.join', { pid: 'bench', url: room.url, token: room.token, iceTransportPolicy: 'all' });
    await client.request('client.publish', { pid: 'bench', samples: new Int16Array(0), sampleRate: 16000 });
    await until('bot-ready and subscription', () => ready && subscribed);
    const interrupt = buildClientMessage('interrupt-bot', {}, me.sid);
    if (!interrupt.ok) throw new Error(interrupt.error);

    const live: Turn[] = [];
    for (let i = 0; i < THINK_MS.length * REPEATS; i++) {
      const thinkMs = THINK_MS[i % THINK_MS.length]!;
      await rooms.overrideNextTurn('bench', { thinkMs });
      const seen = botEvents.length;
      const marked = marks.length;
      await client.request('client.publish', { pid: 'bench', samples: speech.samples, sampleRate: 16000, markSamples: [bounds.end] });
      const clientEnd = await until('the end of the speech leaving the client', () => marks[marked]);
      const audible = await until('the audible answer', () => meter.firstAfter(clientEnd));
      await new Promise((r) => setTimeout(r, 500));
      await client.request('client.send', { pid: 'bench', data: encodeClientMessage(interrupt.message) });
      const mine = () => botEvents.slice(seen) as Extract<WorkerEvent, { type: 'bot.event' }>[];
      const ended = await until("the bot's end of speech", () => mine().find((e) => e.event === 'userSpeechEnded'));
      const first = await until("the bot's first frame", () => mine().find((e) => e.event === 'botAudio'));
      await until('the interrupted answer to end', () => mine().find((e) => e.event === 'botAudioEnded'));
      // The answer's first sample at the client: after the bot's first frame left it (nothing of it can come earlier).
      const arrived = received.firstSoundAfter(first.at);
      if (arrived === null) throw new Error('livekit bench: no sound of the answer reached the client');
      live.push({
        thinkMs,
        responseMs: audible - clientEnd,
        trueResponseMs: arrived - clientEnd,
        botMs: first.at - ended.at,
        uplinkMs: ended.at - clientEnd,
        downlinkMs: audible - first.at,
      });
      await new Promise((r) => setTimeout(r, 700));
    }

    const direct = await directTurns(speech.samples, bounds.end);
    const errors = live.map((t) => t.responseMs - t.trueResponseMs);
    const spread = Math.max(...live.map((t) => t.responseMs - t.botMs)) - Math.min(...live.map((t) => t.responseMs - t.botMs));
    const transport = live.map((t) => t.responseMs - t.botMs);
    const overInjected = live.map((t) => t.responseMs - t.thinkMs - BOT_DEFAULTS.silenceMs);
    const directOver = direct.map((t) => t.responseMs - t.thinkMs - BOT_DEFAULTS.silenceMs);
    const extra = percentile(overInjected, 50) - percentile(directOver, 50);
    const per = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
    return [
      atMost('livekit.response_latency_error_p95', percentile(errors.map(Math.abs), 95), 'ms', 20, {
        note: `|R - R_true| over ${live.length} turns (think ${THINK_MS.join('/')} ms); R - R_true per turn ${errors.map((e) => e.toFixed(1)).join(', ')} ms`,
      }),
      atMost('livekit.webrtc_extra_p50', extra, 'ms', 250, {
        baseline: { name: 'same bot fed directly, no transport: R - (silence + think), p50', value: round(percentile(directOver, 50)), unit: 'ms' },
        note: `R - (silence + think) per turn ${per(overInjected)} ms; R - B (WebRTC, from the bot's own timestamps) per turn ${per(transport)} ms, uplink p50 ${round(
          percentile(
            live.map((t) => t.uplinkMs),
            50,
          ),
        )} ms, downlink p50 ${round(
          percentile(
            live.map((t) => t.downlinkMs),
            50,
          ),
        )} ms; B - (silence + think) p50 ${round(
          percentile(
            live.map((t) => t.botMs - t.thinkMs - BOT_DEFAULTS.silenceMs),
            50,
          ),
        )} ms (recognition)`,
      }),
      atMost('livekit.webrtc_delay_spread', spread, 'ms', 400, {
        note: "max - min of R - B over the run: WebRTC's adaptive jitter buffer, not a measurement error (R follows R_true above)",
      }),
    ];
  } finally {
    await client.close();
    await rooms.close();
  }
}

/** The same utterance pushed straight into the same bot in real time (10 ms chunks), timed on this process's clock. */
async function directTurns(samples: Int16Array, speechEnd: number): Promise<Turn[]> {
  const voice = shippedVoice();
  const bot = new SandboxBot({ recogniser: new UtteranceRecogniser(voice.utterances, { minScore: WEBRTC_MIN_SCORE }), replies: voice.replyTable, frameMs: 10 });
  const turns: Turn[] = [];
  let lastChunk = 0;
  let firstFrame: number | null = null;
  bot.on('botAudio', (e) => {
    if (e.index === 0 && firstFrame === null) {
      firstFrame = sharedNow();
      bot.interrupt();
    }
  });
  const frame = 160;
  const start = performance.now();
  let n = 0;
  const push = (pcm: Int16Array) =>
    new Promise<void>((resolve) => {
      setTimeout(
        () => {
          bot.pushUserAudio(pcm, 16000);
          resolve();
        },
        Math.max(0, start + ++n * 10 - performance.now()),
      );
    });
  for (let i = 0; i < THINK_MS.length * REPEATS; i++) {
    const thinkMs = THINK_MS[i % THINK_MS.length]!;
    bot.overrideNextTurn({ thinkMs });
    firstFrame = null;
    for (let o = 0; o < samples.length; o += frame) {
      await push(samples.subarray(o, Math.min(samples.length, o + frame)));
      if (o + frame >= speechEnd && o < speechEnd) lastChunk = sharedNow();
    }
    while (firstFrame === null) await push(new Int16Array(frame));
    turns.push({
      thinkMs,
      responseMs: firstFrame - lastChunk,
      trueResponseMs: firstFrame - lastChunk,
      botMs: firstFrame - lastChunk,
      uplinkMs: 0,
      downlinkMs: 0,
    });
    for (let k = 0; k < 70; k++) await push(new Int16Array(frame));
  }
  bot.close();
  return turns;
}
