import type { PcmChunk } from '../../../../src-main/core/vendors/convai/audio-data.ts';
import { encodeWav } from '../../audio/wav.ts';

/**
 * Plays PCM16 chunks as one gapless stream: each chunk becomes an AudioBuffer at its own sample rate (Web Audio
 * resamples) scheduled exactly where the previous one ends. A chunk that arrives after the queue ran dry starts
 * `leadMs` ahead and counts as an underrun, so a QA engineer can tell network gaps from decoding gaps.
 *
 * Vendor-local: the shared renderer audio folder has no stream player yet (src-renderer/src/audio holds pcm/wav
 * helpers only). Swap this for the shared one when it lands; the interface is push/stop/stats.
 */
export interface StreamStats {
  chunks: number;
  seconds: number;
  underruns: number;
  sampleRate: number | null;
  channels: number | null;
  /** Chunks whose rate or channel count differed from the first one (still played, Web Audio converts). */
  formatChanges: number;
}

export interface AudioContextLike {
  readonly currentTime: number;
  readonly destination: AudioNode;
  createBuffer(channels: number, length: number, sampleRate: number): AudioBuffer;
  createBufferSource(): AudioBufferSourceNode;
  createAnalyser(): AnalyserNode;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export class PcmStreamPlayer {
  readonly stats: StreamStats = { chunks: 0, seconds: 0, underruns: 0, sampleRate: null, channels: null, formatChanges: 0 };
  private ctx: AudioContextLike | null = null;
  private analyser: AnalyserNode | null = null;
  private nextTime = 0;
  private sources = new Set<AudioBufferSourceNode>();
  /** Every chunk kept (per channel, float) to offer the whole stream as a WAV afterwards. */
  private recorded: Float32Array[][] = [];
  private readonly makeContext: () => AudioContextLike;
  private readonly leadMs: number;

  constructor(makeContext: () => AudioContextLike = () => new AudioContext(), leadMs = 60) {
    this.makeContext = makeContext;
    this.leadMs = leadMs;
  }

  private context(): AudioContextLike {
    if (!this.ctx) {
      this.ctx = this.makeContext();
      void this.ctx.resume().catch(() => undefined);
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 512;
      this.analyser.connect(this.ctx.destination);
    }
    return this.ctx;
  }

  push(chunk: PcmChunk): void {
    const ctx = this.context();
    const frames = chunk.samples.length / chunk.channels;
    if (frames === 0) return;
    const s = this.stats;
    if (s.sampleRate === null) {
      s.sampleRate = chunk.sampleRate;
      s.channels = chunk.channels;
    } else if (s.sampleRate !== chunk.sampleRate || s.channels !== chunk.channels) s.formatChanges++;
    const buffer = ctx.createBuffer(chunk.channels, frames, chunk.sampleRate);
    const perChannel: Float32Array[] = [];
    for (let c = 0; c < chunk.channels; c++) {
      const data = new Float32Array(frames);
      for (let i = 0; i < frames; i++) data[i] = chunk.samples[i * chunk.channels + c]! / 32768;
      buffer.copyToChannel(data, c);
      perChannel.push(data);
    }
    if (s.sampleRate === chunk.sampleRate && s.channels === chunk.channels) this.recorded.push(perChannel);
    const now = ctx.currentTime;
    if (this.nextTime < now) {
      if (s.chunks > 0) s.underruns++;
      this.nextTime = now + this.leadMs / 1000;
    }
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.analyser!);
    src.start(this.nextTime);
    src.onended = () => this.sources.delete(src);
    this.sources.add(src);
    this.nextTime += frames / chunk.sampleRate;
    s.chunks++;
    s.seconds += frames / chunk.sampleRate;
  }

  /** Seconds of audio scheduled but not played yet. */
  queuedSeconds(): number {
    return this.ctx ? Math.max(0, this.nextTime - this.ctx.currentTime) : 0;
  }

  /** RMS level 0..1 of what is playing now (for the meter). */
  level(): number {
    if (!this.analyser) return 0;
    const data = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    return Math.sqrt(sum / data.length);
  }

  /** The whole received stream (first format) as a WAV file, for the <audio> element and download. */
  toWav(): Blob | null {
    if (!this.recorded.length || this.stats.sampleRate === null) return null;
    const channels = this.stats.channels!;
    const total = this.recorded.reduce((n, c) => n + c[0]!.length, 0);
    const joined = Array.from({ length: channels }, () => new Float32Array(total));
    let off = 0;
    for (const chunk of this.recorded) {
      for (let c = 0; c < channels; c++) joined[c]!.set(chunk[c]!, off);
      off += chunk[0]!.length;
    }
    return new Blob([encodeWav(joined, this.stats.sampleRate)], { type: 'audio/wav' });
  }

  stop(): void {
    for (const s of this.sources) {
      try {
        s.stop();
      } catch {
        /* already stopped */
      }
    }
    this.sources.clear();
    if (this.ctx) this.nextTime = this.ctx.currentTime;
  }

  async close(): Promise<void> {
    this.stop();
    await this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.analyser = null;
  }

  reset(): void {
    this.stop();
    this.recorded = [];
    Object.assign(this.stats, { chunks: 0, seconds: 0, underruns: 0, sampleRate: null, channels: null, formatChanges: 0 });
  }
}
