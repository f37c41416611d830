/**
 * "Recognition" for the sandbox bot: which shipped utterance is this? Not speech recognition: the audio of one
 * detected utterance is compared with each library utterance's audio, so any transport may resample it, change its
 * gain, add noise or silence at the ends, or pass it through a lossy codec, and it is still found.
 *
 * Method: both signals are resampled to 8 kHz (the band every transport keeps), cut into 20 ms windows every 10 ms,
 * and turned into a log-energy envelope (dB). Each envelope is trimmed to its speech (frames within 30 dB of the
 * peak and 6 dB above the background, the 10th percentile of the frames that are not digital silence) and clamped
 * from below, so background noise fills the quiet parts of both alike. The score is the best Pearson correlation of the two envelopes over a ±150 ms lag (gain
 * is an offset in dB, which correlation ignores). A match needs a score of at least 0.8 and a speech duration
 * within 15 % (or 250 ms) of the library utterance's; the best match wins. No match: "[speech 2.1 s]".
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
  /** Correlation with the best candidate (matched or not), 0 when there was none. */
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
  /** Lowest correlation accepted as a match (default 0.8). */
  minScore?: number;
}

const ANALYSIS_RATE = 8000;
const HOP = ANALYSIS_RATE / 100;
const WINDOW = 2 * HOP;
const MAX_LAG = 15;
const SPEECH_RANGE_DB = 30;
const ABOVE_FLOOR_DB = 6;
/** Below this peak level (dBFS) there is no speech at all. */
const SILENT_PEAK_DB = -55;
const DIGITAL_SILENCE_DB = -90;
const DURATION_TOLERANCE = 0.15;
const DURATION_SLACK_S = 0.25;

interface Envelope {
  /** Levels (dB) of the speech frames, first to last frame above the trim level. */
  levels: Float64Array;
  peak: number;
  /** The trim level: quiet parts are clamped to it. */
  floor: number;
  seconds: number;
}

export function speechPlaceholder(seconds: number): string {
  return `[speech ${seconds.toFixed(1)} s]`;
}

export class UtteranceRecogniser {
  private readonly library: { utterance: LibraryUtterance; envelope: Envelope }[];
  private readonly minScore: number;

  constructor(entries: readonly WithAudio<LibraryUtterance>[], settings: RecogniserSettings = {}) {
    this.minScore = settings.minScore ?? 0.8;
    this.library = entries.map(({ audio, ...utterance }) => ({ utterance, envelope: envelopeOf(audio) ?? emptyEnvelope() }));
  }

  get utterances(): LibraryUtterance[] {
    return this.library.map((l) => l.utterance);
  }

  recognise(audio: VoiceAudio, options: RecogniseOptions = {}): Recognition {
    const heard = envelopeOf(audio);
    if (!heard) return { utterance: null, text: '', language: null, score: 0, speechSeconds: 0, misheard: false };
    let best: { utterance: LibraryUtterance; score: number } | null = null;
    let bestScore = 0;
    for (const { utterance, envelope } of this.library) {
      const score = similarity(heard, envelope);
      bestScore = Math.max(bestScore, score);
      const slack = Math.max(DURATION_SLACK_S, DURATION_TOLERANCE * envelope.seconds);
      if (score >= this.minScore && Math.abs(heard.seconds - envelope.seconds) <= slack && (!best || score > best.score)) best = { utterance, score };
    }
    if (!best) return { utterance: null, text: speechPlaceholder(heard.seconds), language: null, score: bestScore, speechSeconds: heard.seconds, misheard: false };
    const mishear = options.mishear === true;
    return {
      utterance: best.utterance,
      text: mishear ? mishearText(best.utterance.text, best.utterance.language) : best.utterance.text,
      language: best.utterance.language,
      score: best.score,
      speechSeconds: heard.seconds,
      misheard: mishear,
    };
  }
}

function emptyEnvelope(): Envelope {
  return { levels: new Float64Array(0), peak: -Infinity, floor: -Infinity, seconds: 0 };
}

function envelopeOf(audio: VoiceAudio): Envelope | null {
  const x = audio.sampleRate === ANALYSIS_RATE ? audio.samples : resampleToMono(audio.samples, 1, audio.sampleRate, ANALYSIS_RATE);
  const frames = Math.max(0, Math.floor((x.length - WINDOW) / HOP) + 1);
  const all = new Float64Array(frames);
  for (let k = 0; k < frames; k++) all[k] = levelDb(x, k * HOP, k * HOP + WINDOW);
  let peak = -Infinity;
  for (const v of all) peak = Math.max(peak, v);
  if (!(peak > SILENT_PEAK_DB)) return null;
  // Digital silence (a transport's padding, not a room's background) does not count towards the floor.
  const heardFloor = Float64Array.from(all.filter((v) => v > DIGITAL_SILENCE_DB)).sort();
  const floor = Math.max(peak - SPEECH_RANGE_DB, (heardFloor[Math.floor(heardFloor.length * 0.1)] ?? SILENCE_DB) + ABOVE_FLOOR_DB);
  let first = 0;
  while (all[first]! <= floor) first++;
  let last = frames - 1;
  while (all[last]! <= floor) last--;
  const levels = all.slice(first, last + 1).map((v) => Math.max(v, floor));
  return { levels, peak, floor, seconds: ((last - first) * HOP + WINDOW) / ANALYSIS_RATE };
}

/**
 * Best Pearson correlation over lags of ±MAX_LAG frames. Both envelopes are clamped at the shallower of their two
 * depths below peak (a noisy recording cannot show quiet detail the clean one has), and each is extended with its
 * floor where the other has frames, so a length mismatch lowers the score.
 */
function similarity(a: Envelope, b: Envelope): number {
  if (a.levels.length === 0 || b.levels.length === 0) return 0;
  const depth = Math.min(a.peak - a.floor, b.peak - b.floor);
  const floorA = a.peak - depth;
  const floorB = b.peak - depth;
  let best = 0;
  for (let lag = -MAX_LAG; lag <= MAX_LAG; lag++) {
    // b is shifted by `lag` frames against a; the union of both spans is compared.
    const from = Math.min(0, lag);
    const to = Math.max(a.levels.length, b.levels.length + lag);
    const n = to - from;
    let sa = 0;
    let sb = 0;
    let saa = 0;
    let sbb = 0;
    let sab = 0;
    for (let i = from; i < to; i++) {
      const va = Math.max(a.levels[i] ?? floorA, floorA);
      const vb = Math.max(b.levels[i - lag] ?? floorB, floorB);
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
    }
    const cov = sab - (sa * sb) / n;
    const varA = saa - (sa * sa) / n;
    const varB = sbb - (sb * sb) / n;
    if (varA > 0 && varB > 0) best = Math.max(best, cov / Math.sqrt(varA * varB));
  }
  return best;
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
