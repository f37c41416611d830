/**
 * The Convai side of the sandbox room: the shared SandboxBot (core/voice) speaking Convai's data-channel protocol
 * (docs/vendors/convai.md#data-channel-messages). Transport-neutral and free of Node modules: the LiveKit participant
 * (sandbox-participant.ts, in the LiveKit worker process) or, without livekit-server, the loopback sandbox room
 * (sandbox/rooms/convai-persona.ts) feeds it the user's PCM and data messages and carries what it sends; the unit
 * tests drive it on virtual time.
 *
 * What it sends, all with the RTVI envelope `{label: "rtvi-ai", type, data}`:
 * - `bot-ready` once the first user is in the room;
 * - `user-started-speaking` / `user-stopped-speaking` at the bot's end-of-speech events, `user-transcription
 *   {text, final: true, user_id, timestamp}` when it has recognised the utterance;
 * - `bot-llm-started` when it starts thinking, `bot-llm-text {text}`, `bot-llm-stopped` and `bot-transcription
 *   {text}` when the answer is ready, `bot-tts-started`, `bot-started-speaking` with its first audio frame,
 *   `bot-stopped-speaking` and `bot-tts-stopped` when the audio ends or is interrupted;
 * - with `debug`, `metrics` `{ttfb: [...]}` and `{processing: [...]}` per turn, in seconds, from the bot's own clock;
 * - with `audio_routing` `data_only` or `both`, `server-message` `{type: "audio-data", sample_rate, channels, audio,
 *   includes_wav_header}` chunks of the configured duration (rounded to the nearest 10 ms as Convai does), each with
 *   a 44-byte WAV header when `add_wav_header` is on. The track carries the audio with `audio_only` or `both`.
 *
 * Client messages (`{type, data}`, no label) are each answered with a `server-response {type, event_type, status,
 * message, extras}` without an envelope. Decisions where the documents are silent (labelled "[sandbox]" in the
 * response message):
 * - `user_text_message` is a text turn of the bot (hearText); `trigger-message` with a `trigger_message` too, with
 *   only a `trigger_name` it is acknowledged (the sandbox characters have no narrative design);
 * - `interrupt-bot` stops the bot's thinking or speech within one frame; `tts-toggle` `{enabled: false}` keeps the
 *   conversation going as text only (no audio, no speaking events) until it is enabled again;
 * - `update-dynamic-info` and `update-template-keys` are acknowledged and change nothing the bot says;
 * - a message without a usable `text` where one is needed, of an unknown type, or that is not a JSON object gets a
 *   `status: "error"` response (the first two) or a sandbox note only (the last), never a dropped room.
 * The partial data chunk of an interrupted answer is dropped, not sent: that audio was never meant to be heard.
 */
import type { BotEvent, SandboxBot } from '../../voice/bot.ts';
import { encodeAudioData } from './common/audio-data.ts';
import { CLIENT_MESSAGE_TYPES, type ClientMessageType } from './common/client-messages.ts';
import { AUDIO_ROUTINGS, roundChunkDuration, type AudioRouting } from './common/schema.ts';

/** What /connect's `audio_config.output` and `debug` ask of the room. */
export interface ConvaiRoomOptions {
  audioRouting: AudioRouting;
  /** max_chunk_duration_ms as Convai uses it (rounded to the nearest 10 ms). */
  chunkMs: number;
  wavHeader: boolean;
  debug: boolean;
}

/**
 * The lowest recognition score this room accepts: the recogniser's own threshold (0.7). A browser's speech reaches
 * the character through Opus and a jitter buffer that conceals late packets and stretches or squeezes the audio when
 * the machine is busy; the recogniser's time warping absorbs that, so the room needs no looser setting.
 */
export const WEBRTC_MIN_SCORE = 0.7;

export const RTVI_LABEL = 'rtvi-ai';
export const RTVI_VERSION = '1.0.0';

/** The room options of a /connect payload (already validated by the sandbox; defaults as documented). */
export function roomOptionsOf(payload: Record<string, unknown>): ConvaiRoomOptions {
  const output = ((payload.audio_config as { output?: Record<string, unknown> } | undefined)?.output ?? {}) as Record<string, unknown>;
  const routing = AUDIO_ROUTINGS.find((r) => r === output.audio_routing) ?? 'audio_only';
  const chunk = typeof output.max_chunk_duration_ms === 'number' && Number.isFinite(output.max_chunk_duration_ms) ? output.max_chunk_duration_ms : 100;
  return {
    audioRouting: routing,
    chunkMs: Math.min(1000, Math.max(10, roundChunkDuration(chunk))),
    wavHeader: output.add_wav_header === true,
    debug: payload.debug === true,
  };
}

export interface ConvaiBotTransport {
  /** A reliable data-channel message to everyone in the room. */
  send(message: Record<string, unknown>): void;
  /** One frame of the answer for the audio track, in real time (absent: no track, `data_only`). */
  audioFrame?(samples: Int16Array, sampleRate: number): void;
  /** Drop track audio not yet played out (an interruption). */
  clearAudio?(): void;
}

export interface ConvaiSandboxBotOptions {
  bot: SandboxBot;
  transport: ConvaiBotTransport;
  room: ConvaiRoomOptions;
  /** Something the sandbox noticed without failing (a malformed client message): `parley sandbox` shows it. */
  note?: (message: string) => void;
}

const INFERRED = '[sandbox]';

export class ConvaiSandboxBot {
  private readonly bot: SandboxBot;
  private readonly transport: ConvaiBotTransport;
  private readonly room: ConvaiRoomOptions;
  private readonly note: (message: string) => void;
  private readonly unsubscribe: () => void;
  private ready = false;
  private tts = true;
  private users = new Set<string>();
  /** The identity whose speech the bot hears (the last user to speak), for user-transcription's user_id. */
  private speaker: string | null = null;
  private chunk: Int16Array[] = [];
  private chunkSamples = 0;
  private thinkingAt = new Map<number, number>();
  private recognisedAt = new Map<number, { detectedAt: number; recognisedAt: number }>();
  private speaking = false;
  private closed = false;

  constructor(options: ConvaiSandboxBotOptions) {
    this.bot = options.bot;
    this.transport = options.transport;
    this.room = options.room;
    this.note = options.note ?? (() => undefined);
    this.unsubscribe = this.bot.subscribe((e) => this.onBot(e));
  }

  get options(): Readonly<ConvaiRoomOptions> {
    return this.room;
  }

  /** A user joined the room: the first one makes the bot ready. */
  userJoined(identity: string): void {
    this.users.add(identity);
    this.speaker ??= identity;
    if (this.ready || this.closed) return;
    this.ready = true;
    this.rtvi('bot-ready', { version: RTVI_VERSION, about: { library: 'parley-sandbox' } });
  }

  userLeft(identity: string): void {
    this.users.delete(identity);
  }

  get userCount(): number {
    return this.users.size;
  }

  /** The user's speech, as their track delivers it (the bot hears one stream). */
  userAudio(samples: Int16Array, sampleRate: number, from?: string): void {
    if (from) this.heardFrom(from);
    this.bot.pushUserAudio(samples, sampleRate);
  }

  /** Whose speech the bot hears now, for a transport that feeds the bot's audio itself (the loopback room). */
  heardFrom(identity: string): void {
    this.speaker = identity;
  }

  /** A data-channel message from a user. */
  receive(payload: Uint8Array | string, from?: string): void {
    if (this.closed) return;
    let message: unknown;
    try {
      message = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload));
    } catch {
      this.note(`room: a data message from ${from ?? 'a participant'} is not JSON text; ignored`);
      return;
    }
    if (!message || typeof message !== 'object' || Array.isArray(message) || typeof (message as { type?: unknown }).type !== 'string') {
      this.note(`room: a data message from ${from ?? 'a participant'} is not a {type, data} object; ignored`);
      return;
    }
    const { type, data } = message as { type: string; data?: unknown };
    const d = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
    if (from) this.speaker = from;
    if (!(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
      this.note(`room: unknown client message type "${type}"`);
      return this.respond(type, 'error', `unknown message type "${type}" (expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}) ${INFERRED}`);
    }
    this.clientMessage(type as ClientMessageType, d);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.chunk = [];
    this.chunkSamples = 0;
  }

  private clientMessage(type: ClientMessageType, d: Record<string, unknown>): void {
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
    switch (type) {
      case 'user_text_message': {
        const t = text(d.text);
        if (!t) return this.respond(type, 'error', `data.text: expected a non-empty string ${INFERRED}`);
        this.bot.hearText(t);
        return this.respond(type, 'success', 'user text message received');
      }
      case 'trigger-message': {
        const t = text(d.trigger_message);
        if (t) this.bot.hearText(t);
        else if (!text(d.trigger_name)) return this.respond(type, 'error', `data: expected trigger_name or trigger_message ${INFERRED}`);
        return this.respond(
          type,
          'success',
          t ? 'trigger message received' : `trigger "${String(d.trigger_name)}" received (the sandbox character has no narrative design) ${INFERRED}`,
        );
      }
      case 'interrupt-bot':
        return this.respond(type, 'success', this.bot.interrupt() ? 'bot interrupted' : `nothing to interrupt ${INFERRED}`);
      case 'tts-toggle':
        if (typeof d.enabled !== 'boolean') return this.respond(type, 'error', `data.enabled: expected true or false ${INFERRED}`);
        this.tts = d.enabled;
        return this.respond(type, 'success', `tts ${d.enabled ? 'enabled' : 'disabled'}`);
      case 'update-dynamic-info':
        return this.respond(type, 'success', 'dynamic info updated');
      case 'update-template-keys':
        return this.respond(type, 'success', 'template keys updated');
    }
  }

  private respond(eventType: string, status: 'success' | 'error', message: string): void {
    this.transport.send({ type: 'server-response', event_type: eventType, status, message, extras: {} });
  }

  private rtvi(type: string, data: Record<string, unknown> = {}): void {
    if (!this.closed) this.transport.send({ label: RTVI_LABEL, type, data });
  }

  private onBot(e: BotEvent): void {
    switch (e.type) {
      case 'userSpeechStarted':
        return this.rtvi('user-started-speaking');
      case 'userSpeechEnded':
        this.recognisedAt.set(e.turn, { detectedAt: e.detectedAtMs, recognisedAt: e.detectedAtMs });
        return this.rtvi('user-stopped-speaking');
      case 'recognised': {
        const r = this.recognisedAt.get(e.turn);
        if (r) r.recognisedAt = e.atMs;
        if (!e.text) return;
        return this.rtvi('user-transcription', { text: e.text, final: true, user_id: this.speaker ?? '', timestamp: new Date().toISOString() });
      }
      case 'thinking':
        this.thinkingAt.set(e.turn, e.atMs);
        return this.rtvi('bot-llm-started');
      case 'reply': {
        this.rtvi('bot-llm-text', { text: e.text });
        this.rtvi('bot-llm-stopped');
        this.rtvi('bot-transcription', { text: e.text });
        if (this.room.debug) this.metrics(e.turn, e.atMs);
        if (this.tts) this.rtvi('bot-tts-started');
        return;
      }
      case 'botAudio':
        if (!this.tts) return;
        if (e.index === 0) {
          this.speaking = true;
          this.rtvi('bot-started-speaking');
        }
        if (this.room.audioRouting !== 'data_only') this.transport.audioFrame?.(e.samples, e.sampleRate);
        if (this.room.audioRouting !== 'audio_only') this.dataAudio(e.samples, e.sampleRate);
        return;
      case 'interrupted':
        this.chunk = [];
        this.chunkSamples = 0;
        if (e.during === 'speaking') this.transport.clearAudio?.();
        return;
      case 'botAudioEnded':
        if (!e.interrupted) this.flushChunk(this.bot.outputRate);
        if (!this.speaking) return;
        this.speaking = false;
        this.rtvi('bot-stopped-speaking');
        this.rtvi('bot-tts-stopped');
        return;
    }
  }

  /** The server's own figures for the turn, as the metrics page shapes them (seconds), from the bot's clock. */
  private metrics(turn: number, replyAt: number): void {
    const thinking = this.thinkingAt.get(turn);
    const r = this.recognisedAt.get(turn);
    this.thinkingAt.delete(turn);
    this.recognisedAt.delete(turn);
    const s = (ms: number) => Math.round(ms) / 1000;
    if (thinking !== undefined)
      this.rtvi('metrics', { ttfb: [{ processor: 'SandboxLLMService#0', model: 'parley-sandbox-bot', value: s(replyAt - thinking) }] });
    if (r)
      this.rtvi('metrics', {
        processing: [{ processor: 'SandboxSTTService#0', model: 'parley-utterance-recogniser', value: s(r.recognisedAt - r.detectedAt) }],
      });
  }

  private dataAudio(samples: Int16Array, sampleRate: number): void {
    this.chunk.push(samples);
    this.chunkSamples += samples.length;
    if (this.chunkSamples >= Math.round((this.room.chunkMs * sampleRate) / 1000)) this.flushChunk(sampleRate);
  }

  private flushChunk(sampleRate: number): void {
    if (!this.chunkSamples) return;
    const pcm = new Int16Array(this.chunkSamples);
    let o = 0;
    for (const part of this.chunk) {
      pcm.set(part, o);
      o += part.length;
    }
    this.chunk = [];
    this.chunkSamples = 0;
    this.transport.send({ label: RTVI_LABEL, type: 'server-message', data: encodeAudioData({ sampleRate, channels: 1, samples: pcm }, this.room.wavHeader) });
  }
}
