/**
 * The sandbox bot: one conversational partner for every vendor's sandbox. It listens to the user's PCM, finds the
 * end of each utterance by energy (endpoint.ts, with the session's silence setting), recognises the shipped
 * utterances (recognise.ts), thinks for a set time, and answers with real recorded speech (resources/bot), as
 * 20 ms frames paced on its clock. It stops when interrupted through the vendor's interrupt path (`interrupt()`)
 * or by user speech over its audio (barge-in), within one frame.
 *
 * Timing, all on the injected clock (a VirtualClock in tests and benchmarks, so figures are exact):
 * - A pushed chunk's last sample is taken to arrive at the clock time of the push; `atMs` of a speech start or end
 *   is the arrival time of that sample, from the chunk that carried it.
 * - userSpeechEnded is emitted when the end is detected (`detectedAtMs`, about silenceMs after `atMs`); recognised
 *   and thinking follow at once, and the reply with its first audio frame exactly thinkMs later. So the response
 *   latency a client measures from the end of speech is silenceMs + thinkMs (+ up to one input chunk).
 * - Frame n goes out at (first frame time + n × frameMs), scheduled against the start so timer lateness never
 *   accumulates; botAudioEnded follows when the last frame has played (one frame after it was sent).
 *
 * Decisions where no vendor document applies:
 * - Speech the bot does not recognise gets the generic answer in the `language` setting, else in the language of
 *   the last utterance it recognised in this conversation, else in English.
 * - User speech starting while the bot thinks cancels the pending answer (interrupted, during "thinking"), as it
 *   does while it speaks. With `bargeIn` off, user speech while the bot is busy is heard (its speech and
 *   recognised events are emitted) but not answered, like a vendor's "no interruption" mode.
 * - `mishear` changes only the transcript: the reply is still the one for the utterance heard, so a planted
 *   bad recognition fails recognition expectations and nothing else.
 */
import { resampleToMono } from '../audio/resample.ts';
import { EnergyEndpointer, ENDPOINT_DEFAULTS, type EndpointEvent } from './endpoint.ts';
import type { BotReply, ReplyTable, WithAudio } from './library.ts';
import { mishearText, type Recognition, type UtteranceRecogniser } from './recognise.ts';
import { guessLanguage, normaliseForScoring } from './accuracy.ts';
import { realClock, type Clock } from './clock.ts';

export interface BotSettings {
  /** Time from the detected end of the user's speech to the first frame of the answer, ms. */
  thinkMs: number;
  /** Quiet that ends an utterance, ms (Tencent VadSilenceTime, NetEase maxSentenceSilence). */
  silenceMs: number;
  /** Give a wrong transcript for recognised utterances (a planted bad recognition). */
  mishear: boolean;
  /** User speech over the bot's audio (or while it thinks) interrupts it. */
  bargeIn: boolean;
  /** Language of the answer to unrecognised speech; null: the last recognised language, else English. */
  language: string | null;
}

export const BOT_DEFAULTS: Readonly<BotSettings> = Object.freeze({
  thinkMs: 800,
  silenceMs: ENDPOINT_DEFAULTS.silenceMs,
  mishear: false,
  bargeIn: true,
  language: null,
});

/** Settings for the next turn only (a benchmark scripting 400, 800, 1600 ms, a scenario planting one mishear). */
export type TurnOverride = Partial<Pick<BotSettings, 'thinkMs' | 'mishear'>>;

export type BotState = 'listening' | 'thinking' | 'speaking' | 'closed';

export type BotEvent =
  | { type: 'userSpeechStarted'; turn: number; atSample: number; atMs: number }
  | { type: 'userSpeechEnded'; turn: number; startSample: number; atSample: number; atMs: number; detectedAtMs: number }
  | { type: 'recognised'; turn: number; text: string; language: string; utteranceId: string | null; misheard: boolean; speechSeconds: number; atMs: number }
  | { type: 'thinking'; turn: number; thinkMs: number; atMs: number }
  | { type: 'reply'; turn: number; text: string; language: string; replyId: string; audioSeconds: number; atMs: number }
  | { type: 'botAudio'; turn: number; index: number; samples: Int16Array; sampleRate: number; atMs: number }
  | { type: 'botAudioEnded'; turn: number; frames: number; interrupted: boolean; atMs: number }
  /** `userSpeechAtMs`: when the user speech that barged in began (interruption recovery runs from it); null for a request. */
  | { type: 'interrupted'; turn: number; by: 'user' | 'request'; during: 'thinking' | 'speaking'; atMs: number; userSpeechAtMs: number | null };

export type BotEventType = BotEvent['type'];
export type BotEventOf<K extends BotEventType> = Extract<BotEvent, { type: K }>;

export interface SandboxBotOptions {
  recogniser: UtteranceRecogniser;
  replies: ReplyTable;
  clock?: Clock;
  settings?: Partial<BotSettings>;
  /** Rate of the botAudio frames, Hz (default 16000, the rate of the shipped replies). */
  outputRate?: number;
  /** Length of a botAudio frame, ms (default 20). */
  frameMs?: number;
  /** A listener that throws is reported here (default: console.error) and does not stop the bot or other listeners. */
  onListenerError?: (error: unknown, event: BotEvent) => void;
}

/** Input kept before the current speech, so its start (found up to minSpeechMs late) is still in the buffer. */
const PREROLL_MS = 1000;
/** Longest utterance kept for recognition; a longer one is unknown speech (no library utterance is near it). */
const MAX_UTTERANCE_MS = 60_000;

interface InputChunk {
  start: number;
  samples: Int16Array;
  /** Clock time at which the chunk's last sample arrived. */
  time: number;
}

interface Playback {
  turn: number;
  frames: Int16Array[];
  index: number;
  startedAt: number;
  timer: unknown;
}

export class SandboxBot {
  readonly outputRate: number;
  readonly frameMs: number;
  private readonly recogniser: UtteranceRecogniser;
  private readonly replies: ReplyTable;
  private readonly clock: Clock;
  private readonly onListenerError: (error: unknown, event: BotEvent) => void;
  private current: BotSettings;
  private readonly overrides: TurnOverride[] = [];
  private readonly listeners = new Set<(event: BotEvent) => void>();
  private readonly frameCache = new Map<string, Int16Array[]>();
  private detector: EnergyEndpointer | null = null;
  private input: InputChunk[] = [];
  private utteranceStart: number | null = null;
  private lastLanguage: string | null = null;
  private turnCount = 0;
  private phase: BotState = 'listening';
  private thinking: { turn: number; timer: unknown } | null = null;
  private playback: Playback | null = null;

  constructor(options: SandboxBotOptions) {
    this.recogniser = options.recogniser;
    this.replies = options.replies;
    this.clock = options.clock ?? realClock;
    this.outputRate = options.outputRate ?? 16000;
    this.frameMs = options.frameMs ?? 20;
    if (!Number.isInteger(this.outputRate) || this.outputRate < 8000 || this.outputRate > 96000)
      throw new RangeError(`bot: outputRate must be 8000-96000 Hz, got ${this.outputRate}`);
    if (!(this.frameMs >= 10 && this.frameMs <= 100)) throw new RangeError(`bot: frameMs must be 10-100 ms, got ${this.frameMs}`);
    this.onListenerError = options.onListenerError ?? ((error, event) => console.error(`sandbox bot: a listener of "${event.type}" failed:`, error));
    this.current = { ...BOT_DEFAULTS };
    this.updateSettings(options.settings ?? {});
  }

  get state(): BotState {
    return this.phase;
  }

  get settings(): BotSettings {
    return { ...this.current };
  }

  /** User utterances heard so far (the number of the current turn). */
  get turn(): number {
    return this.turnCount;
  }

  /** Listen to every event; returns the function that stops listening. */
  subscribe(listener: (event: BotEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listen to one kind of event. */
  on<K extends BotEventType>(type: K, listener: (event: BotEventOf<K>) => void): () => void {
    return this.subscribe((event) => {
      if (event.type === type) listener(event as BotEventOf<K>);
    });
  }

  /** Change settings from now on (a sandbox setting or fault); the silence setting applies to the speech in progress. */
  updateSettings(settings: Partial<BotSettings>): void {
    const next = { ...this.current, ...settings };
    checkMs('thinkMs', next.thinkMs);
    checkMs('silenceMs', next.silenceMs);
    for (const key of ['mishear', 'bargeIn'] as const)
      if (typeof next[key] !== 'boolean') throw new TypeError(`bot: ${key} must be true or false, got ${String(next[key])}`);
    if (next.language !== null && (typeof next.language !== 'string' || !next.language.trim()))
      throw new TypeError(`bot: language must be a language code such as "en" or "zh", or null`);
    this.current = next;
    this.detector?.update({ silenceMs: next.silenceMs });
  }

  /** Settings for the next turn that is answered (queued: call it once per scripted turn). */
  overrideNextTurn(override: TurnOverride): void {
    if (override.thinkMs !== undefined) checkMs('thinkMs', override.thinkMs);
    if (override.mishear !== undefined && typeof override.mishear !== 'boolean')
      throw new TypeError(`bot: mishear must be true or false, got ${String(override.mishear)}`);
    this.overrides.push({ ...override });
  }

  /**
   * The next chunk of the user's audio: mono PCM16 at `sampleRate`, which must stay the same for the bot's life
   * (a new stream gets a new bot). Its last sample is taken to arrive now.
   */
  pushUserAudio(samples: Int16Array, sampleRate: number): void {
    if (this.phase === 'closed' || samples.length === 0) return;
    if (!this.detector) this.detector = new EnergyEndpointer({ sampleRate, silenceMs: this.current.silenceMs });
    else if (sampleRate !== this.detector.sampleRate)
      throw new RangeError(`bot: user audio changed from ${this.detector.sampleRate} Hz to ${sampleRate} Hz; a new audio stream needs a new bot`);
    this.input.push({ start: this.detector.samplesPushed, samples: samples.slice(), time: this.clock.now() });
    for (const event of this.detector.push(samples)) this.onEndpoint(event);
    this.pruneInput();
  }

  /** The vendor's interrupt path: stop thinking or speaking now. False when there was nothing to interrupt. */
  interrupt(): boolean {
    return this.stop('request', null);
  }

  /** Stop everything and emit nothing more. */
  close(): void {
    if (this.thinking) this.clock.clearTimeout(this.thinking.timer);
    if (this.playback) this.clock.clearTimeout(this.playback.timer);
    this.thinking = null;
    this.playback = null;
    this.phase = 'closed';
    this.listeners.clear();
    this.input = [];
  }

  private onEndpoint(event: EndpointEvent): void {
    if (event.type === 'speechStart') {
      this.utteranceStart = event.atSample;
      const atMs = this.timeOfSample(event.atSample);
      this.emit({ type: 'userSpeechStarted', turn: this.turnCount + 1, atSample: event.atSample, atMs });
      if (this.current.bargeIn) this.stop('user', atMs);
      return;
    }
    const turn = ++this.turnCount;
    this.emit({
      type: 'userSpeechEnded',
      turn,
      startSample: event.startSample,
      atSample: event.atSample,
      atMs: this.timeOfSample(event.atSample),
      detectedAtMs: this.clock.now(),
    });
    const busy = this.phase === 'thinking' || this.phase === 'speaking';
    const override = busy ? {} : (this.overrides.shift() ?? {});
    const heard = this.recogniser.recognise(
      { samples: this.utteranceAudio(event.startSample, event.atSample), sampleRate: this.detector!.sampleRate },
      { mishear: override.mishear ?? this.current.mishear },
    );
    this.utteranceStart = null;
    this.answer(turn, heard, override, busy);
  }

  /**
   * A text turn (a vendor's text message, e.g. Convai's user_text_message): the text is "recognised" as the library
   * utterance whose reference text it is (compared normalised, as CER/WER compare), else as unknown speech in the
   * language it is written in, and answered as speech would be, after the think time. Like user speech with bargeIn
   * on, it stops the bot first; with bargeIn off, text while the bot is busy is heard but not answered.
   */
  hearText(text: string): void {
    if (this.phase === 'closed') return;
    if (typeof text !== 'string' || !text.trim()) throw new TypeError('bot: a text turn needs some text');
    const busy = this.phase === 'thinking' || this.phase === 'speaking';
    if (busy && this.current.bargeIn) this.stop('user', this.clock.now());
    const stillBusy = this.phase === 'thinking' || this.phase === 'speaking';
    const override = stillBusy ? {} : (this.overrides.shift() ?? {});
    const wanted = normaliseForScoring(text);
    const utterance = this.recogniser.utterances.find((u) => normaliseForScoring(u.text) === wanted) ?? null;
    const mishear = (override.mishear ?? this.current.mishear) && utterance !== null;
    const heard = {
      utterance,
      text: utterance ? (mishear ? mishearText(utterance.text, utterance.language) : utterance.text) : text.trim(),
      language: utterance?.language ?? (this.current.language === null ? guessLanguage(text) : null),
      speechSeconds: 0,
      misheard: mishear,
    };
    this.answer(++this.turnCount, heard, override, stillBusy);
  }

  private answer(
    turn: number,
    heard: Pick<Recognition, 'utterance' | 'text' | 'language' | 'speechSeconds' | 'misheard'>,
    override: TurnOverride,
    busy: boolean,
  ): void {
    const thinkMs = override.thinkMs ?? this.current.thinkMs;
    const language = heard.language ?? this.current.language ?? this.lastLanguage ?? 'en';
    if (heard.language) this.lastLanguage = heard.language;
    this.emit({
      type: 'recognised',
      turn,
      text: heard.text,
      language,
      utteranceId: heard.utterance?.id ?? null,
      misheard: heard.misheard,
      speechSeconds: heard.speechSeconds,
      atMs: this.clock.now(),
    });
    if (busy || this.phase === 'closed') return;
    const reply = this.replies.replyTo(heard.utterance?.id ?? null, language);
    this.phase = 'thinking';
    this.thinking = { turn, timer: this.clock.setTimeout(() => this.speak(turn, reply), thinkMs) };
    this.emit({ type: 'thinking', turn, thinkMs, atMs: this.clock.now() });
  }

  private speak(turn: number, reply: WithAudio<BotReply>): void {
    if (this.thinking?.turn !== turn) return;
    this.thinking = null;
    const frames = this.framesOf(reply);
    const playback: Playback = { turn, frames, index: 0, startedAt: this.clock.now(), timer: null };
    this.phase = 'speaking';
    this.playback = playback;
    this.emit({
      type: 'reply',
      turn,
      text: reply.text,
      language: reply.language,
      replyId: reply.id,
      audioSeconds: (frames.length * this.frameMs) / 1000,
      atMs: this.clock.now(),
    });
    this.nextFrame(playback);
  }

  private nextFrame(playback: Playback): void {
    if (this.playback !== playback) return;
    if (playback.index === playback.frames.length) {
      this.playback = null;
      this.phase = 'listening';
      this.emit({ type: 'botAudioEnded', turn: playback.turn, frames: playback.index, interrupted: false, atMs: this.clock.now() });
      return;
    }
    const index = playback.index++;
    this.emit({ type: 'botAudio', turn: playback.turn, index, samples: playback.frames[index]!.slice(), sampleRate: this.outputRate, atMs: this.clock.now() });
    if (this.playback !== playback) return;
    playback.timer = this.clock.setTimeout(() => this.nextFrame(playback), playback.startedAt + playback.index * this.frameMs - this.clock.now());
  }

  private stop(by: 'user' | 'request', userSpeechAtMs: number | null): boolean {
    if (this.thinking) {
      const { turn, timer } = this.thinking;
      this.clock.clearTimeout(timer);
      this.thinking = null;
      this.phase = 'listening';
      this.emit({ type: 'interrupted', turn, by, during: 'thinking', atMs: this.clock.now(), userSpeechAtMs });
      return true;
    }
    const playback = this.playback;
    if (!playback) return false;
    this.clock.clearTimeout(playback.timer);
    this.playback = null;
    this.phase = 'listening';
    const atMs = this.clock.now();
    this.emit({ type: 'interrupted', turn: playback.turn, by, during: 'speaking', atMs, userSpeechAtMs });
    this.emit({ type: 'botAudioEnded', turn: playback.turn, frames: playback.index, interrupted: true, atMs });
    return true;
  }

  private emit(event: BotEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  /** A reply's audio at the output rate, in whole frames (the last padded with silence). */
  private framesOf(reply: WithAudio<BotReply>): Int16Array[] {
    const cached = this.frameCache.get(reply.id);
    if (cached) return cached;
    const pcm = resampleToMono(reply.audio.samples, 1, reply.audio.sampleRate, this.outputRate);
    const size = Math.round((this.outputRate * this.frameMs) / 1000);
    const frames: Int16Array[] = [];
    for (let o = 0; o < pcm.length; o += size) {
      const frame = new Int16Array(size);
      frame.set(pcm.subarray(o, Math.min(pcm.length, o + size)));
      frames.push(frame);
    }
    this.frameCache.set(reply.id, frames);
    return frames;
  }

  /** Clock time at which the stream reached `sample` (the boundary before it), from the chunk that carried it. */
  private timeOfSample(sample: number): number {
    const rate = this.detector!.sampleRate;
    const chunk = this.input.find((c) => sample <= c.start + c.samples.length) ?? this.input[this.input.length - 1]!;
    return chunk.time - ((chunk.start + chunk.samples.length - sample) * 1000) / rate;
  }

  private utteranceAudio(start: number, end: number): Int16Array {
    const rate = this.detector!.sampleRate;
    const from = Math.max(start, end - Math.round((MAX_UTTERANCE_MS * rate) / 1000));
    const out = new Int16Array(Math.max(0, end - from));
    for (const c of this.input) {
      const a = Math.max(from, c.start);
      const b = Math.min(end, c.start + c.samples.length);
      if (b > a) out.set(c.samples.subarray(a - c.start, b - c.start), a - from);
    }
    return out;
  }

  /** Drops input older than the preroll, or than the start of the speech in progress (at most MAX_UTTERANCE_MS). */
  private pruneInput(): void {
    const rate = this.detector!.sampleRate;
    const pushed = this.detector!.samplesPushed;
    const preroll = pushed - Math.round((PREROLL_MS * rate) / 1000);
    const keepFrom =
      this.utteranceStart === null
        ? preroll
        : Math.min(preroll, Math.max(this.utteranceStart, pushed - Math.round(((MAX_UTTERANCE_MS + PREROLL_MS) * rate) / 1000)));
    while (this.input.length > 1 && this.input[0]!.start + this.input[0]!.samples.length <= keepFrom) this.input.shift();
  }
}

function checkMs(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 60_000)
    throw new RangeError(`bot: ${name} must be 0-60000 ms, got ${String(value)}`);
}
