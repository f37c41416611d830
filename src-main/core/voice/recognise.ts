/**
 * "Recognition" for the sandbox bot: which shipped utterance is this? Not speech recognition: the audio of one
 * detected utterance is compared with each library utterance's audio (isolated-word template matching), so any
 * transport may resample it, change its gain, add noise or silence at the ends, pass it through a lossy codec, drop
 * packets or stretch it in a jitter buffer, and it is still found.
 *
 * Method: both signals are resampled to 8 kHz (the band every transport keeps). The speech span is found on a
 * log-energy envelope (20 ms windows every 10 ms; frames within 30 dB of the peak and 6 dB above the background, the
 * 10th percentile of the frames that are not a transport's gap); its duration is the one reported. Over that span
 * each 25 ms Hamming frame (10 ms hop) gives 24 log-mel band energies (100-3800 Hz), at most 45 dB under the loudest;
 * per comparison each band is clamped at the louder background of the two recordings, so noise in one hides the
 * same quiet detail in both. Their DCT gives 12 cepstral coefficients, mean-normalised over the span (gain and a
 * fixed channel colouring cancel). The heard utterance is aligned to each template of a plausible duration by
 * dynamic time warping (symmetric steps, local slope between 1/2 and 2, a band around the diagonal, ends loose by
 * 200 ms); the distance is the path's mean cepstral distance (dB).
 *
 * A match needs: a distance of at most MAX_DISTANCE, a margin of at least MIN_MARGIN to the nearest other template,
 * and a speech duration within DURATION_TOLERANCE (or DURATION_SLACK_S) of the template's. The reported score falls
 * linearly with the distance: 1 for identical audio, 0.7 at MAX_DISTANCE (the default minScore), 0 at 3.3 × it.
 */
import { resampleToMono } from '../audio/resample.ts';
import { levelDb, SILENCE_DB } from './signal.ts';
import { type LibraryUtterance, type VoiceAudio, type WithAudio } from './library.ts';
import { metricForLanguage } from './accuracy.ts';

export interface Recognition {
  /** The library utterance heard, or null (unknown speech or silence). */
  utterance: LibraryUtterance | null;
  /** Its reference text (a wrong one when misheard), "[speech 2.1 s]" for unknown speech, "" for silence. */
  text: string;
  /** The matched utterance's language; null when nothing matched. */
  language: string | null;
  /** Similarity to the best candidate (matched or not), 0..1 (1: the same audio), 0 when there was none. */
  score: number;
  /** Duration of the speech found (ends trimmed), seconds. */
  speechSeconds: number;
  misheard: boolean;
}

export interface RecogniseOptions {
  /** Return a deterministic wrong transcript for a matched utterance (a planted bad recognition). */
  mishear?: boolean;
}

export interface RecogniserSettings {
  /** Lowest score accepted as a match (default 0.7, a path-normalised distance of MAX_DISTANCE). */
  minScore?: number;
}

const ANALYSIS_RATE = 8000;
const HOP = ANALYSIS_RATE / 100;
const WINDOW = 2 * HOP;
const SPEECH_RANGE_DB = 30;
const ABOVE_FLOOR_DB = 6;
/** Below this peak level (dBFS) there is no speech at all. */
const SILENT_PEAK_DB = -55;
const DIGITAL_SILENCE_DB = -90;
/** Frames this far under the peak are a transport's gap, not a room's background. */
const GAP_BELOW_PEAK_DB = 45;

const MFCC_WINDOW = 200;
const FFT_SIZE = 256;
const MEL_BANDS = 24;
const MEL_LOW_HZ = 100;
const MEL_HIGH_HZ = 3800;
const CEPSTRA = 12;
const BAND_FLOOR_DB = 45;

/**
 * Largest path-normalised cepstral distance (dB per frame) accepted as a match. Measured over the library: the same
 * utterance scores 0 as shipped, 2-2.5 with +10 dB SNR white noise, 3-5 through Opus 16 kb/s or a ±12-20 % tempo
 * change, 5-8 through Opus 12 kb/s with 5 % loss, up to 10 with five 60-120 ms dropouts; other speech in the same
 * voice is 16.5 (the bot's "table for two" reply against the "table for two" utterance) to 40.
 */
const MAX_DISTANCE = 14;
/** The best template must be this much nearer than the second best. */
const MIN_MARGIN = 4;
/**
 * NetEQ stretches speech by inserting or removing whole pitch periods when its jitter buffer runs low or high
 * (expand/accelerate) and conceals lost packets with up to a few hundred ms of synthesised speech; on a starved
 * 2-core machine a 2.5 s utterance was heard as 2.9 s (+16 %). 30 % (or 0.4 s for short utterances) covers that
 * with room, and is still far from the half utterance a too-short silence setting cuts off (-50 %).
 */
const DURATION_TOLERANCE = 0.3;
const DURATION_SLACK_S = 0.4;
/** The score of a distance of MAX_DISTANCE, the default minScore. */
const THRESHOLD_SCORE = 0.7;
/** 1 for the same audio, THRESHOLD_SCORE at MAX_DISTANCE, falling linearly to 0. */
function scoreOf(distance: number): number {
  return Math.max(0, 1 - ((1 - THRESHOLD_SCORE) * distance) / MAX_DISTANCE);
}
/** The DTW band: how far (frames) the path may leave the diagonal, as a share of the longer sequence, plus a constant. */
const BAND_SHARE = 0.1;
const BAND_FRAMES = 15;
/** How many frames (10 ms) either sequence may begin later or end earlier than the other. */
const LOOSE_END_FRAMES = 20;

interface Template {
  /** Log-mel energies of the speech frames (dB under the loudest band energy), MEL_BANDS per frame. */
  bands: Float64Array;
  /** Each band's background level (same scale). */
  background: Float64Array;
  frames: number;
  seconds: number;
}

export function speechPlaceholder(seconds: number): string {
  return `[speech ${seconds.toFixed(1)} s]`;
}

export class UtteranceRecogniser {
  private readonly library: { utterance: LibraryUtterance; template: Template }[];
  private readonly minScore: number;

  constructor(entries: readonly WithAudio<LibraryUtterance>[], settings: RecogniserSettings = {}) {
    this.minScore = settings.minScore ?? THRESHOLD_SCORE;
    this.library = entries.map(({ audio, ...utterance }) => ({
      utterance,
      template: templateOf(audio) ?? { bands: new Float64Array(0), background: new Float64Array(MEL_BANDS), frames: 0, seconds: 0 },
    }));
  }

  get utterances(): LibraryUtterance[] {
    return this.library.map((l) => l.utterance);
  }

  /** Each template's distance to `audio` (Infinity where the durations are too far apart to align): for tests and tuning. */
  distances(audio: VoiceAudio): { id: string; distance: number }[] {
    const heard = templateOf(audio);
    return this.library.map(({ utterance, template }) => ({ id: utterance.id, distance: heard ? dtwDistance(heard, template) : Infinity }));
  }

  recognise(audio: VoiceAudio, options: RecogniseOptions = {}): Recognition {
    const heard = templateOf(audio);
    if (!heard) return { utterance: null, text: '', language: null, score: 0, speechSeconds: 0, misheard: false };
    let best: { utterance: LibraryUtterance; template: Template; distance: number } | null = null;
    let second = Infinity;
    for (const { utterance, template } of this.library) {
      // Only templates of a plausible duration are aligned (most of the work saved, and a cut-off or padded
      // utterance cannot match).
      const slack = Math.max(DURATION_SLACK_S, DURATION_TOLERANCE * template.seconds);
      const distance = Math.abs(heard.seconds - template.seconds) <= slack ? dtwDistance(heard, template) : Infinity;
      if (!best || distance < best.distance) {
        if (best) second = best.distance;
        best = { utterance, template, distance };
      } else second = Math.min(second, distance);
    }
    const score = best && Number.isFinite(best.distance) ? scoreOf(best.distance) : 0;
    const matched = best !== null && score >= this.minScore && second - best.distance >= MIN_MARGIN;
    if (!matched) return { utterance: null, text: speechPlaceholder(heard.seconds), language: null, score, speechSeconds: heard.seconds, misheard: false };
    const mishear = options.mishear === true;
    return {
      utterance: best!.utterance,
      text: mishear ? mishearText(best!.utterance.text, best!.utterance.language) : best!.utterance.text,
      language: best!.utterance.language,
      score,
      speechSeconds: heard.seconds,
      misheard: mishear,
    };
  }
}

/** The speech span's log-mel energies and background, or null when there is no speech. */
function templateOf(audio: VoiceAudio): Template | null {
  const x = audio.sampleRate === ANALYSIS_RATE ? audio.samples : resampleToMono(audio.samples, 1, audio.sampleRate, ANALYSIS_RATE);
  const span = speechSpan(x);
  if (!span) return null;
  // Every frame is analysed (the background is measured outside the speech too), the speech span is kept.
  const all = span.levels.length;
  const energies = new Float64Array(all * MEL_BANDS);
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  for (let f = 0; f < all; f++) {
    const start = f * HOP;
    re.fill(0);
    im.fill(0);
    let previous = start > 0 ? x[start - 1]! : 0;
    for (let i = 0; i < MFCC_WINDOW; i++) {
      const s = x[start + i] ?? 0;
      re[i] = (s - 0.97 * previous) * HAMMING[i]!;
      previous = s;
    }
    fft(re, im);
    for (let b = 0; b < MEL_BANDS; b++) {
      const filter = MEL_FILTERS[b]!;
      let e = 0;
      for (let k = 0; k < filter.weights.length; k++) {
        const bin = filter.from + k;
        e += filter.weights[k]! * (re[bin]! * re[bin]! + im[bin]! * im[bin]!);
      }
      energies[f * MEL_BANDS + b] = e;
    }
  }
  let loudest = 0;
  for (const e of energies) loudest = Math.max(loudest, e);
  const db = (e: number) => Math.max(10 * Math.log10(e / loudest), -BAND_FLOOR_DB);
  const frames = span.last - span.first + 1;
  const bands = new Float64Array(frames * MEL_BANDS);
  for (let i = 0; i < bands.length; i++) bands[i] = db(energies[span.first * MEL_BANDS + i]!);
  // Each band's background: the 10th percentile of the frames that are not a transport's gap, plus the 6 dB a noise
  // floor fluctuates by.
  const heard = [...span.levels.keys()].filter((f) => span.levels[f]! > span.gapLevel);
  const background = Float64Array.from({ length: MEL_BANDS }, (_, b) => {
    if (heard.length === 0) return -BAND_FLOOR_DB;
    const sorted = Float64Array.from(heard, (f) => db(energies[f * MEL_BANDS + b]!)).sort();
    return Math.min(sorted[Math.floor(sorted.length * 0.1)]! + ABOVE_FLOOR_DB, 0);
  });
  return { bands, background, frames, seconds: span.seconds };
}

/**
 * Mean-normalised cepstra of `t`'s bands with each band clamped from below at `floor`: both sides of a comparison
 * get the louder of their two backgrounds, so noise in one hides the same quiet detail in the other.
 */
function cepstraOf(t: Template, floor: Float64Array): Float64Array {
  const cepstra = new Float64Array(t.frames * CEPSTRA);
  const mean = new Float64Array(CEPSTRA);
  const row = new Float64Array(MEL_BANDS);
  for (let f = 0; f < t.frames; f++) {
    for (let b = 0; b < MEL_BANDS; b++) row[b] = Math.max(t.bands[f * MEL_BANDS + b]!, floor[b]!);
    for (let c = 0; c < CEPSTRA; c++) {
      let sum = 0;
      for (let b = 0; b < MEL_BANDS; b++) sum += row[b]! * DCT[(c + 1) * MEL_BANDS + b]!;
      cepstra[f * CEPSTRA + c] = sum;
      mean[c]! += sum / t.frames;
    }
  }
  for (let f = 0; f < t.frames; f++) for (let c = 0; c < CEPSTRA; c++) cepstra[f * CEPSTRA + c]! -= mean[c]!;
  return cepstra;
}

/** First and last 10 ms frame of the speech on the log-energy envelope, or null for silence. */
function speechSpan(x: Int16Array): { first: number; last: number; seconds: number; levels: Float64Array; gapLevel: number } | null {
  const frames = Math.max(0, Math.floor((x.length - WINDOW) / HOP) + 1);
  const all = new Float64Array(frames);
  for (let k = 0; k < frames; k++) all[k] = levelDb(x, k * HOP, k * HOP + WINDOW);
  let peak = -Infinity;
  for (const v of all) peak = Math.max(peak, v);
  if (!(peak > SILENT_PEAK_DB)) return null;
  // Digital silence and near-silence far under the speech (a transport's padding or dropouts, even after a codec
  // has dithered them, not a room's background) do not count towards the floor.
  const gapLevel = Math.max(DIGITAL_SILENCE_DB, peak - GAP_BELOW_PEAK_DB);
  const heardFloor = Float64Array.from(all.filter((v) => v > gapLevel)).sort();
  const floor = Math.max(peak - SPEECH_RANGE_DB, (heardFloor[Math.floor(heardFloor.length * 0.1)] ?? SILENCE_DB) + ABOVE_FLOOR_DB);
  let first = 0;
  while (all[first]! <= floor) first++;
  let last = frames - 1;
  while (all[last]! <= floor) last--;
  return { first, last, seconds: ((last - first) * HOP + WINDOW) / ANALYSIS_RATE, levels: all, gapLevel };
}

/**
 * Symmetric DTW (Sakoe-Chiba, slope constraint P = 1: steps (1,1) weight 2, (1,2) and (2,1) weight 3 spread over the
 * cells they cross) of a against b inside a band around the diagonal; the distance is the path's mean local distance
 * (its accumulated cost over its weight, n + m for a full path). Infinity when no path fits. Either sequence may begin
 * or end up to LOOSE_END_FRAMES later or earlier than the other: two recordings' speech spans seldom start and stop on
 * the same frame (a noisy lead-in above the trim level, a faded onset), and a fixed end would charge that to the
 * whole comparison. Predecessors are compared by mean cost, so a late start does not win merely by being shorter.
 */
function dtwDistance(a: Template, b: Template): number {
  const n = a.frames;
  const m = b.frames;
  if (n === 0 || m === 0 || n > 2 * m + 1 || m > 2 * n + 1) return Infinity;
  const band = Math.ceil(BAND_SHARE * Math.max(n, m)) + BAND_FRAMES;
  const floor = Float64Array.from(a.background, (v, k) => Math.max(v, b.background[k]!, -BAND_FLOOR_DB));
  const ca = cepstraOf(a, floor);
  const cb = cepstraOf(b, floor);
  const local = (i: number, j: number): number => {
    let sum = 0;
    for (let c = 0; c < CEPSTRA; c++) {
      const d = ca[i * CEPSTRA + c]! - cb[j * CEPSTRA + c]!;
      sum += d * d;
    }
    return Math.sqrt(sum);
  };
  // Three rolling rows (i, i-1, i-2) of: accumulated cost, local distance, and where the path began (i0 + j0).
  const rows = Array.from({ length: 3 }, () => ({ cost: new Float64Array(m), local: new Float64Array(m), start: new Float64Array(m) }));
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const row = rows[i % 3]!;
    const up = rows[(i + 2) % 3]!;
    const up2 = rows[(i + 1) % 3]!;
    row.cost.fill(Infinity);
    row.local.fill(Infinity);
    const centre = (i * (m - 1)) / Math.max(1, n - 1);
    const from = Math.max(0, Math.floor(centre - band));
    const to = Math.min(m - 1, Math.ceil(centre + band));
    for (let j = from; j <= to; j++) {
      const here = local(i, j);
      row.local[j] = here;
      // Candidate predecessors as (accumulated cost, start); the lowest mean cost per unit of path weight wins.
      const base = i + j + 2;
      let cost = Infinity;
      let start = 0;
      let mean = Infinity;
      if ((i === 0 && j < LOOSE_END_FRAMES) || (j === 0 && i < LOOSE_END_FRAMES)) [cost, start, mean] = [2 * here, i + j, here];
      if (i >= 1 && j >= 1) {
        const c = up.cost[j - 1]! + 2 * here;
        const m1 = c / (base - up.start[j - 1]!);
        if (m1 < mean) [cost, start, mean] = [c, up.start[j - 1]!, m1];
      }
      if (i >= 1 && j >= 2) {
        const c = up.cost[j - 2]! + 2 * row.local[j - 1]! + here;
        const m2 = c / (base - up.start[j - 2]!);
        if (m2 < mean) [cost, start, mean] = [c, up.start[j - 2]!, m2];
      }
      if (i >= 2 && j >= 1) {
        const c = up2.cost[j - 1]! + 2 * up.local[j]! + here;
        const m3 = c / (base - up2.start[j - 1]!);
        if (m3 < mean) [cost, start, mean] = [c, up2.start[j - 1]!, m3];
      }
      row.cost[j] = cost;
      row.start[j] = start;
      const ends = (i === n - 1 && j >= m - LOOSE_END_FRAMES) || (j === m - 1 && i >= n - LOOSE_END_FRAMES);
      if (ends) best = Math.min(best, mean);
    }
  }
  return best;
}

const HAMMING = Float64Array.from({ length: MFCC_WINDOW }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (MFCC_WINDOW - 1)));

/** Triangular filters equally spaced on the mel scale, as FFT bin ranges and weights. */
const MEL_FILTERS = (() => {
  const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const hzOf = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const edges = Array.from(
    { length: MEL_BANDS + 2 },
    (_, k) => (hzOf(mel(MEL_LOW_HZ) + ((mel(MEL_HIGH_HZ) - mel(MEL_LOW_HZ)) * k) / (MEL_BANDS + 1)) * FFT_SIZE) / ANALYSIS_RATE,
  );
  return Array.from({ length: MEL_BANDS }, (_, b) => {
    const [lo, mid, hi] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
    const from = Math.ceil(lo);
    const to = Math.floor(hi);
    const weights = Float64Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => {
      const bin = from + k;
      return Math.max(0, bin <= mid ? (bin - lo) / (mid - lo) : (hi - bin) / (hi - mid));
    });
    return { from, weights };
  });
})();

/** DCT-II rows 0..CEPSTRA over the mel bands. */
const DCT = Float64Array.from({ length: (CEPSTRA + 1) * MEL_BANDS }, (_, k) => {
  const c = Math.floor(k / MEL_BANDS);
  const b = k % MEL_BANDS;
  return Math.cos((Math.PI * c * (b + 0.5)) / MEL_BANDS) * Math.sqrt(2 / MEL_BANDS);
});

const TWIDDLE_RE = Float64Array.from({ length: FFT_SIZE / 2 }, (_, k) => Math.cos((-2 * Math.PI * k) / FFT_SIZE));
const TWIDDLE_IM = Float64Array.from({ length: FFT_SIZE / 2 }, (_, k) => Math.sin((-2 * Math.PI * k) / FFT_SIZE));

/** In-place iterative radix-2 FFT of FFT_SIZE points. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const stride = FFT_SIZE / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = TWIDDLE_RE[k * stride]!;
        const wi = TWIDDLE_IM[k * stride]!;
        const p = start + k;
        const q = p + size / 2;
        const tr = re[q]! * wr - im[q]! * wi;
        const ti = re[q]! * wi + im[q]! * wr;
        re[q] = re[p]! - tr;
        im[q] = im[p]! - ti;
        re[p]! += tr;
        im[p]! += ti;
      }
    }
  }
}

/** Characters a misheard Chinese transcript puts in place of every second Han character. */
const WRONG_HAN = '的一是不了人我在有他这中大来上';
/** Words a misheard English transcript puts in place of every third word. */
const WRONG_WORDS = ['the', 'a', 'to', 'of', 'and', 'in'];

/**
 * A deterministic wrong transcript: for Chinese (and other CER languages) every second Han character is replaced;
 * otherwise every third word (from the second) is dropped and every third (from the third) replaced. Roughly half
 * the text is wrong, far over any sensible CER/WER budget.
 */
export function mishearText(text: string, language: string): string {
  if (metricForLanguage(language) === 'cer') {
    let han = 0;
    return Array.from(text, (ch) => {
      if (!/\p{Script=Han}/u.test(ch) || han++ % 2 === 0) return ch;
      let k = han % WRONG_HAN.length;
      while (WRONG_HAN[k] === ch) k = (k + 1) % WRONG_HAN.length;
      return WRONG_HAN[k]!;
    }).join('');
  }
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  words.forEach((word, i) => {
    if (i % 3 === 1) return;
    if (i % 3 === 2) {
      const bare = word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
      let k = i % WRONG_WORDS.length;
      while (WRONG_WORDS[k] === bare) k = (k + 1) % WRONG_WORDS.length;
      out.push(WRONG_WORDS[k]!);
    } else out.push(word);
  });
  return out.join(' ');
}
