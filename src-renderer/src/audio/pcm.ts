/** PCM16 <-> float conversion and resampling. Pure functions, no Web Audio: shared by playback, capture and tests. */
import { floatToPcm16 } from '../../../src-main/core/audio/wav.ts';

/** Little-endian signed 16-bit interleaved PCM → one Float32Array per channel. Trailing partial frames are ignored. */
export function pcm16ToFloat(bytes: Uint8Array, channels: number): Float32Array<ArrayBuffer>[] {
  const frames = Math.floor(bytes.byteLength / (2 * channels));
  const view = new DataView(bytes.buffer, bytes.byteOffset, frames * 2 * channels);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out[c]![i] = view.getInt16((i * channels + c) * 2, true) / 32768;
  return out;
}

/** Float samples (-1..1, clamped) as PCM16, each converted by core's floatToPcm16. */
export function floatArrayToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = floatToPcm16(samples[i]!);
  return out;
}

export function downmix(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const out = new Float32Array(channels[0]!.length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i]! += ch[i]! / channels.length;
  return out;
}

/**
 * Streaming resampler (linear interpolation, with a moving-average low-pass when downsampling so speech does not
 * alias). Keeps its phase between chunks, so a stream resampled in pieces equals the whole resampled at once.
 * Good enough for speech sent to ASR; not a mastering-grade filter.
 */
export class StreamResampler {
  readonly from: number;
  readonly to: number;
  private pos = 0;
  private prev = 0;
  private history: number[] = [];
  private readonly taps: number;

  constructor(from: number, to: number) {
    this.from = from;
    this.to = to;
    this.taps = from > to ? Math.max(1, Math.round(from / to)) : 1;
  }

  process(input: Float32Array): Float32Array {
    if (this.from === this.to) return input.slice();
    const filtered = this.taps > 1 ? this.lowPass(input) : input;
    const step = this.from / this.to;
    const out: number[] = [];
    // pos is the read position relative to the start of this chunk; index -1 is the previous chunk's last sample.
    while (this.pos < filtered.length - 1 || (this.pos < filtered.length && Number.isInteger(this.pos))) {
      const i = Math.floor(this.pos);
      const frac = this.pos - i;
      const a = i < 0 ? this.prev : filtered[i]!;
      const b = i + 1 < filtered.length ? filtered[i + 1]! : a;
      out.push(a + (b - a) * frac);
      this.pos += step;
    }
    this.pos -= filtered.length;
    if (filtered.length) this.prev = filtered[filtered.length - 1]!;
    return Float32Array.from(out);
  }

  private lowPass(input: Float32Array): Float32Array {
    const out = new Float32Array(input.length);
    const h = this.history;
    let sum = h.reduce((a, b) => a + b, 0);
    for (let i = 0; i < input.length; i++) {
      h.push(input[i]!);
      sum += input[i]!;
      if (h.length > this.taps) sum -= h.shift()!;
      out[i] = sum / h.length;
    }
    return out;
  }
}

/** Whole-buffer resample; output length is round(n · to / from). */
export function resample(input: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return input.slice();
  const expected = Math.round((input.length * to) / from);
  const out = new StreamResampler(from, to).process(input);
  if (out.length === expected) return out;
  const fixed = new Float32Array(expected);
  fixed.set(out.subarray(0, expected));
  if (out.length < expected && out.length) fixed.fill(out[out.length - 1]!, out.length);
  return fixed;
}

/** Cuts a sample stream into fixed-size PCM16 frames (e.g. 20 ms at 16 kHz = 320 samples). */
export class PcmFramer {
  private pending: Float32Array = new Float32Array(0);
  readonly frameSamples: number;
  constructor(frameSamples: number) {
    this.frameSamples = frameSamples;
  }
  push(samples: Float32Array): Int16Array[] {
    const all = new Float32Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    const frames: Int16Array[] = [];
    let off = 0;
    for (; off + this.frameSamples <= all.length; off += this.frameSamples) frames.push(floatArrayToPcm16(all.subarray(off, off + this.frameSamples)));
    this.pending = all.slice(off);
    return frames;
  }
  /** The last partial frame, zero-padded (or null when nothing is pending). */
  flush(): Int16Array | null {
    if (!this.pending.length) return null;
    const padded = new Float32Array(this.frameSamples);
    padded.set(this.pending);
    this.pending = new Float32Array(0);
    return floatArrayToPcm16(padded);
  }
}
