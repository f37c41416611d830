/** Test audio: the shipped library read from disk, and the degradations the recogniser must survive. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseWav } from '../../../src-main/core/audio/wav.ts';
import { resampleToMono } from '../../../src-main/core/audio/resample.ts';
import { levelDb } from '../../../src-main/core/voice/signal.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const UTTERANCES_DIR = join(ROOT, 'resources/utterances');
export const BOT_DIR = join(ROOT, 'resources/bot');

export function readUtterance(file: string): Int16Array {
  const wav = parseWav(readFileSync(join(UTTERANCES_DIR, file)));
  return resampleToMono(wav.samples, wav.channels, wav.sampleRate, 16000);
}

export function silence(seconds: number, rate: number): Int16Array {
  return new Int16Array(Math.round(seconds * rate));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function gainDb(samples: Int16Array, db: number): Int16Array {
  const g = 10 ** (db / 20);
  return Int16Array.from(samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * g))));
}

/** Deterministic uniform PRNG (mulberry32), so noisy tests are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** White noise at `db` dBFS RMS. */
export function noise(length: number, db: number, seed = 1): Int16Array {
  const random = prng(seed);
  // Uniform in [-a, a] has RMS a/√3.
  const a = 32768 * 10 ** (db / 20) * Math.sqrt(3);
  return Int16Array.from({ length }, () => Math.round((random() * 2 - 1) * a));
}

/** `speech` with white noise added so that speech RMS / noise RMS = snrDb. */
export function addNoise(speech: Int16Array, snrDb: number, seed = 1): Int16Array {
  const n = noise(speech.length, levelDb(speech) - snrDb, seed);
  return Int16Array.from(speech, (s, i) => Math.max(-32768, Math.min(32767, s + n[i]!)));
}

/** Feed `samples` in chunks of `chunk` samples, collecting what `push` returns. */
export function inChunks<T>(samples: Int16Array, chunk: number, push: (part: Int16Array) => T[]): T[] {
  const out: T[] = [];
  for (let o = 0; o < samples.length; o += chunk) out.push(...push(samples.subarray(o, Math.min(samples.length, o + chunk))));
  return out;
}

export const resample = (samples: Int16Array, from: number, to: number) => resampleToMono(samples, 1, from, to);

/** Pink (1/f) noise at `db` dBFS RMS: white noise through Paul Kellet's economy filter. */
export function pinkNoise(length: number, db: number, seed = 1): Int16Array {
  const random = prng(seed);
  const raw = new Float64Array(length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < length; i++) {
    const white = random() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    raw[i] = b0 + b1 + b2 + white * 0.1848;
  }
  const rms = Math.sqrt(raw.reduce((a, v) => a + v * v, 0) / Math.max(1, length));
  const scale = (32768 * 10 ** (db / 20)) / (rms || 1);
  return Int16Array.from(raw, (v) => Math.max(-32768, Math.min(32767, Math.round(v * scale))));
}

/** `samples` with `count` gaps of zeros, each 60-120 ms long, spread over the middle of the speech (a starved audio thread). */
export function withDropouts(samples: Int16Array, rate: number, count: number, seed = 1): Int16Array {
  const random = prng(seed);
  const out = samples.slice();
  for (let k = 0; k < count; k++) {
    const length = Math.round((0.06 + 0.06 * random()) * rate);
    const centre = Math.round(((k + 0.5 + (random() - 0.5) * 0.5) / count) * (samples.length * 0.8) + samples.length * 0.1);
    out.fill(0, Math.max(0, centre - length / 2), Math.min(out.length, centre + length / 2));
  }
  return out;
}
