import { amplitudeOfDb, levelDb, SILENCE_DB } from './signal.ts';

/**
 * End of speech by energy, streaming: fed PCM16 mono chunks of any length, it cuts them into 10 ms frames and
 * compares each frame's level (the RMS of the last 30 ms, so a burst of rumbling noise does not pass for speech)
 * with a threshold that follows the noise floor.
 *
 * - Noise floor: the lowest level of the last `noiseWindowMs` (minimum statistics). Speech always has short dips
 *   between syllables, so the minimum tracks the background whether or not someone is talking, and a noisy line
 *   raises the threshold with it. Threshold = max(minThresholdDb, floor + marginDb). The first 500 ms of a stream
 *   have no history: they are judged together once they are in, against their own floor, so speech that starts
 *   with the stream is found at its first sample and noise that starts with it is not taken for speech (decisions
 *   about them come at 500 ms, `detectedAtSample` says so).
 * - Speech starts when the level stays above the threshold for `minSpeechMs` (after the first frame, 3 dB below it
 *   is enough: hysteresis, so weak syllables in noise do not restart the count); it ends after `silenceMs` below
 *   that lower level. `silenceMs` is the vendors' end-of-sentence setting (Tencent STTConfig.VadSilenceTime,
 *   NetEase asr.maxSentenceSilence): a pause shorter than it belongs to the utterance.
 * - Offsets are exact samples of the stream: the start is the first sample of the first loud frame whose magnitude
 *   reaches the threshold, the end one past the last sample of the last loud frame reaching the lower level.
 *   `detectedAtSample` is how much of the stream had been pushed when the decision was made (for the end, about
 *   `silenceMs` later).
 */
export interface EndpointSettings {
  /** Sample rate of the pushed PCM, Hz. */
  sampleRate: number;
  /** Quiet after the last speech that ends an utterance, ms (default 600). */
  silenceMs?: number;
  /** Loud time that starts speech, ms (default 100): shorter clicks and knocks are ignored. */
  minSpeechMs?: number;
  /** Threshold above the noise floor, dB (default 10). */
  marginDb?: number;
  /** The threshold never goes below this level, dBFS (default −50). */
  minThresholdDb?: number;
  /** Window of the noise floor's minimum, ms (default 2000). */
  noiseWindowMs?: number;
}

export interface SpeechStart {
  type: 'speechStart';
  atSample: number;
  detectedAtSample: number;
}

export interface SpeechEnd {
  type: 'speechEnd';
  startSample: number;
  atSample: number;
  detectedAtSample: number;
  /** 'silence': `silenceMs` of quiet followed; 'stream-end': flush() was called while speech was going on. */
  reason: 'silence' | 'stream-end';
}

export type EndpointEvent = SpeechStart | SpeechEnd;

export const ENDPOINT_DEFAULTS = { silenceMs: 600, minSpeechMs: 100, marginDb: 10, minThresholdDb: -50, noiseWindowMs: 2000 } as const;

const LIMITS: Record<keyof typeof ENDPOINT_DEFAULTS, [number, number, string]> = {
  silenceMs: [0, 60_000, 'ms'],
  minSpeechMs: [0, 60_000, 'ms'],
  marginDb: [0, 60, 'dB'],
  minThresholdDb: [-120, 0, 'dBFS'],
  noiseWindowMs: [10, 60_000, 'ms'],
};

const FRAME_MS = 10;
const HYSTERESIS_DB = 3;
const SMOOTHING_FRAMES = 3;
/** The first frames are judged together, against the floor they show (see the class comment). */
const STARTUP_FRAMES = 50;

export class EnergyEndpointer {
  readonly sampleRate: number;
  private readonly frameSize: number;
  private settings: Required<EndpointSettings>;
  private silenceSamples = 0;
  private minSpeechFrames = 0;
  private noiseFrames = 0;
  /** Samples of an incomplete frame, waiting for the next push. */
  private partial: Int16Array;
  private partialLength = 0;
  /** Samples in complete frames so far (the start of the next frame). */
  private consumed = 0;
  private frameIndex = 0;
  /** Monotonic deque of (frame index, level) whose head is the minimum level of the window. */
  private floorFrames: number[] = [];
  private floorLevels: number[] = [];
  private recentPower: number[] = [];
  /** The first STARTUP_FRAMES frames, kept until they can be judged; null after. */
  private startup: { frame: Int16Array; start: number; level: number }[] | null = [];
  private loudRun = 0;
  private runStart = 0;
  private speechStart: number | null = null;
  private lastLoudEnd = 0;

  constructor(settings: EndpointSettings) {
    if (!Number.isFinite(settings.sampleRate) || settings.sampleRate < 1000 || settings.sampleRate > 384_000)
      throw new RangeError(`endpoint: sampleRate must be 1000-384000 Hz, got ${settings.sampleRate}`);
    this.sampleRate = settings.sampleRate;
    this.frameSize = Math.max(1, Math.round((this.sampleRate * FRAME_MS) / 1000));
    this.partial = new Int16Array(this.frameSize);
    this.settings = { ...ENDPOINT_DEFAULTS, sampleRate: settings.sampleRate };
    this.update(settings);
  }

  /** Change settings mid-stream (a session's silence setting); the sample rate cannot change. */
  update(settings: Partial<Omit<EndpointSettings, 'sampleRate'>>): void {
    const next = { ...this.settings };
    for (const key of Object.keys(ENDPOINT_DEFAULTS) as (keyof typeof ENDPOINT_DEFAULTS)[]) {
      const value = settings[key];
      if (value === undefined) continue;
      const [min, max, unit] = LIMITS[key];
      if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`endpoint: ${key} must be ${min} to ${max} ${unit}, got ${value}`);
      next[key] = value;
    }
    this.settings = next;
    this.silenceSamples = Math.round((next.silenceMs * this.sampleRate) / 1000);
    this.minSpeechFrames = Math.max(1, Math.ceil(next.minSpeechMs / FRAME_MS));
    this.noiseFrames = Math.max(1, Math.round(next.noiseWindowMs / FRAME_MS));
  }

  get silenceMs(): number {
    return this.settings.silenceMs;
  }

  /** True between a speechStart and its speechEnd. */
  get speaking(): boolean {
    return this.speechStart !== null;
  }

  /** Samples pushed so far. */
  get samplesPushed(): number {
    return this.consumed + this.partialLength;
  }

  /** The current noise floor, dBFS. */
  get noiseFloorDb(): number {
    return this.floorLevels.length ? this.floorLevels[0]! : SILENCE_DB;
  }

  push(samples: Int16Array): EndpointEvent[] {
    const events: EndpointEvent[] = [];
    let offset = 0;
    if (this.partialLength > 0) {
      const take = Math.min(samples.length, this.frameSize - this.partialLength);
      this.partial.set(samples.subarray(0, take), this.partialLength);
      this.partialLength += take;
      offset = take;
      if (this.partialLength < this.frameSize) return events;
      this.frame(this.partial, events);
      this.partialLength = 0;
    }
    for (; offset + this.frameSize <= samples.length; offset += this.frameSize) this.frame(samples.subarray(offset, offset + this.frameSize), events);
    if (offset < samples.length) {
      this.partial.set(samples.subarray(offset));
      this.partialLength = samples.length - offset;
    }
    return events;
  }

  /** End of the stream: the incomplete last frame is measured, and speech still going on ends here. */
  flush(): EndpointEvent[] {
    const events: EndpointEvent[] = [];
    if (this.partialLength > 0) {
      this.frame(this.partial.slice(0, this.partialLength), events);
      this.partialLength = 0;
    }
    if (this.startup) this.endStartup(events);
    if (this.speechStart !== null) {
      events.push({ type: 'speechEnd', startSample: this.speechStart, atSample: this.lastLoudEnd, detectedAtSample: this.consumed, reason: 'stream-end' });
      this.speechStart = null;
    }
    this.loudRun = 0;
    return events;
  }

  private frame(frame: Int16Array, events: EndpointEvent[]): void {
    const start = this.consumed;
    const floorBefore = this.noiseFloorDb;
    const level = this.smoothed(frame);
    this.track(level);
    this.consumed = start + frame.length;
    this.frameIndex++;
    if (this.startup) {
      this.startup.push({ frame: frame.slice(), start, level });
      if (this.frameIndex >= STARTUP_FRAMES) this.endStartup(events);
      return;
    }
    this.decide(frame, start, level, floorBefore, events);
  }

  private endStartup(events: EndpointEvent[]): void {
    const frames = this.startup ?? [];
    this.startup = null;
    const floor = this.noiseFloorDb;
    for (const f of frames) this.decide(f.frame, f.start, f.level, floor, events);
  }

  private decide(frame: Int16Array, start: number, level: number, floor: number, events: EndpointEvent[]): void {
    const threshold = Math.max(this.settings.minThresholdDb, floor + this.settings.marginDb);
    const holding = Math.max(this.settings.minThresholdDb, threshold - HYSTERESIS_DB);
    const detectedAtSample = this.consumed;
    if (this.speechStart === null) {
      if (this.loudRun === 0 ? level <= threshold : level <= holding) {
        this.loudRun = 0;
        return;
      }
      if (this.loudRun === 0) this.runStart = start + Math.max(0, firstReaching(frame, threshold));
      this.loudRun++;
      if (this.loudRun >= this.minSpeechFrames) {
        this.speechStart = this.runStart;
        this.lastLoudEnd = start + Math.max(0, lastReaching(frame, holding)) + 1;
        events.push({ type: 'speechStart', atSample: this.runStart, detectedAtSample });
      }
      return;
    }
    const last = level > holding ? lastReaching(frame, holding) : -1;
    const end = start + frame.length;
    if (last >= 0) this.lastLoudEnd = start + last + 1;
    else if (end - this.lastLoudEnd >= this.silenceSamples) {
      events.push({ type: 'speechEnd', startSample: this.speechStart, atSample: this.lastLoudEnd, detectedAtSample, reason: 'silence' });
      this.speechStart = null;
      this.loudRun = 0;
    }
  }

  /** Level of the last SMOOTHING_FRAMES frames' mean power: 10 ms frames of pink noise swing by ±5 dB. */
  private smoothed(frame: Int16Array): number {
    this.recentPower.push(10 ** (levelDb(frame) / 10));
    if (this.recentPower.length > SMOOTHING_FRAMES) this.recentPower.shift();
    const mean = this.recentPower.reduce((a, b) => a + b, 0) / this.recentPower.length;
    return Math.max(SILENCE_DB, 10 * Math.log10(mean));
  }

  private track(level: number): void {
    while (this.floorLevels.length && this.floorLevels[this.floorLevels.length - 1]! >= level) {
      this.floorLevels.pop();
      this.floorFrames.pop();
    }
    this.floorLevels.push(level);
    this.floorFrames.push(this.frameIndex);
    while (this.floorFrames[0]! <= this.frameIndex - this.noiseFrames) {
      this.floorFrames.shift();
      this.floorLevels.shift();
    }
  }
}

/** Index of the first sample of the frame reaching the threshold's amplitude, −1 when none does. */
function firstReaching(frame: Int16Array, thresholdDb: number): number {
  const amplitude = amplitudeOfDb(thresholdDb);
  for (let i = 0; i < frame.length; i++) if (Math.abs(frame[i]!) >= amplitude) return i;
  return -1;
}

function lastReaching(frame: Int16Array, thresholdDb: number): number {
  const amplitude = amplitudeOfDb(thresholdDb);
  for (let i = frame.length - 1; i >= 0; i--) if (Math.abs(frame[i]!) >= amplitude) return i;
  return -1;
}
