import { toMono } from './pcm.ts';

/**
 * Streaming PCM16 mono resampler: any input rate to any output rate, fed chunk by chunk (microphone frames)
 * or all at once (a WAV file) with the same result. Downsampling low-passes first (Hann-windowed sinc FIR at
 * 0.45 × the output rate) so speech does not alias; the rate change itself is linear interpolation, which is
 * plenty for ASR input and keeps the state to a few samples.
 */
export class PcmResampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly step: number;
  private readonly taps: Float64Array | null;
  /** Last taps.length-1 input samples (FIR history). */
  private history: Float64Array;
  /** Filtered samples not yet consumed, starting at absolute input index `base`. */
  private pending: number[] = [];
  /** Position of the next output sample, in input samples, relative to pending[0]. */
  private position = 0;

  /** Input samples by which the low-pass filter delays the signal (0 when not downsampling). */
  get delaySamples(): number {
    return this.taps ? (this.taps.length - 1) / 2 : 0;
  }

  constructor(fromRate: number, toRate: number) {
    if (!(fromRate > 0) || !(toRate > 0)) throw new Error(`resample: expected positive rates, got ${fromRate} → ${toRate}`);
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.step = fromRate / toRate;
    this.taps = toRate < fromRate ? lowPass((0.45 * toRate) / fromRate, 2 * Math.ceil(4 * this.step) + 1) : null;
    this.history = new Float64Array(this.taps ? this.taps.length - 1 : 0);
  }

  /** Resample the next chunk; returns the output samples available so far. */
  push(input: Int16Array): Int16Array {
    if (this.fromRate === this.toRate) return input.slice();
    for (const s of this.filter(input)) this.pending.push(s);
    const out: number[] = [];
    while (this.position + 1 < this.pending.length) {
      const i = Math.floor(this.position);
      const frac = this.position - i;
      out.push(this.pending[i]! * (1 - frac) + this.pending[i + 1]! * frac);
      this.position += this.step;
    }
    const consumed = Math.floor(this.position);
    if (consumed > 0) {
      this.pending = this.pending.slice(consumed);
      this.position -= consumed;
    }
    return Int16Array.from(out, clamp16);
  }

  /** Output for the samples still held back (the last input sample), at the end of a stream. */
  flush(): Int16Array {
    if (this.fromRate === this.toRate || this.pending.length === 0) return new Int16Array(0);
    const out: number[] = [];
    while (this.position < this.pending.length) {
      out.push(this.pending[Math.min(Math.round(this.position), this.pending.length - 1)]!);
      this.position += this.step;
    }
    this.pending = [];
    this.position = 0;
    return Int16Array.from(out, clamp16);
  }

  private filter(input: Int16Array): Float64Array {
    const taps = this.taps;
    if (!taps) return Float64Array.from(input);
    const h = this.history;
    const n = h.length;
    const joined = new Float64Array(n + input.length);
    joined.set(h);
    joined.set(input, n);
    const out = new Float64Array(input.length);
    // Linear-phase FIR: output i is centred on input i - n/2; the group delay is compensated once at the start.
    for (let i = 0; i < input.length; i++) {
      let acc = 0;
      for (let k = 0; k < taps.length; k++) acc += taps[k]! * joined[i + k]!;
      out[i] = acc;
    }
    this.history = joined.slice(joined.length - n);
    return out;
  }
}

/** Resample a whole recording: interleaved PCM16 with 1 or more channels to mono at `toRate`. */
export function resampleToMono(samples: Int16Array, channels: number, fromRate: number, toRate: number): Int16Array {
  const mono = toMono(samples, channels);
  if (fromRate === toRate) return mono;
  const r = new PcmResampler(fromRate, toRate);
  // Pad the end by the filter delay, then drop that many output samples at the start: no shift, no lost tail.
  const delay = r.delaySamples;
  const padded = new Int16Array(mono.length + delay);
  padded.set(mono);
  const head = r.push(padded);
  const tail = r.flush();
  const all = new Int16Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  const skip = Math.round(delay / (fromRate / toRate));
  const expected = Math.round((mono.length * toRate) / fromRate);
  return all.slice(skip, skip + expected);
}

function lowPass(cutoff: number, length: number): Float64Array {
  const taps = new Float64Array(length);
  const mid = (length - 1) / 2;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1));
    taps[i] = sinc * window;
    sum += taps[i]!;
  }
  for (let i = 0; i < length; i++) taps[i] = taps[i]! / sum;
  return taps;
}

function clamp16(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}
