/**
 * Recognition accuracy: a recognised transcript against the reference text of what was said, as CER (character
 * error rate, for Chinese) or WER (word error rate, for English), from a Levenshtein alignment of the two.
 *
 * Both texts are normalised the same way before scoring, because a recogniser never hears case or punctuation:
 * 1. Unicode NFKC: full-width letters, digits and punctuation become half-width ("ＡＢＣ１２３，" → "ABC123,"), the
 *    ideographic space becomes a space.
 * 2. Lower case.
 * 3. Numbers are kept as written: "20" against "twenty" (or "二十") is one substitution. No spelling-out is done,
 *    because a rule for every language and number form would hide real recogniser differences; references in the
 *    shipped library are written the way the speaker says them. Thousands separators are dropped ("1,000" → "1000")
 *    and a decimal point between digits is kept ("3.5").
 * 4. An apostrophe inside a word is dropped ("don't" → "dont"); every other punctuation mark or symbol (ASCII and
 *    CJK: ,.?!;:"'()[]… ，。？！、；：“”‘’（）《》【】…, currency, maths, emoji) becomes a space.
 * 5. Runs of whitespace become one space; leading and trailing whitespace is removed.
 *
 * Tokens: CER compares every non-space character (so an English word inside Chinese text counts letter by letter);
 * WER compares space-separated words, with each Han or kana character as a word of its own (those scripts have no
 * spaces between words).
 *
 * Rate = (substitutions + deletions + insertions) / reference tokens; it can exceed 1 when the recogniser adds
 * words. With an empty reference the rate is 0 when nothing was recognised, else 1 (every token is an insertion
 * and there is nothing to divide by; 1 keeps the figure comparable with a budget instead of infinite).
 */

export type ScoringMetric = 'cer' | 'wer';

export type AlignmentOp = 'match' | 'substitution' | 'deletion' | 'insertion';

/** One column of the alignment: a deletion has no recognised token, an insertion no reference token. */
export interface AlignmentStep {
  op: AlignmentOp;
  reference: string | null;
  recognised: string | null;
}

export interface RecognitionScore {
  metric: ScoringMetric;
  /** (substitutions + deletions + insertions) / referenceTokens, see the convention for an empty reference above. */
  rate: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  matches: number;
  referenceTokens: number;
  recognisedTokens: number;
  /** The texts after normalisation, as scored. */
  normalisedReference: string;
  normalisedRecognised: string;
  alignment: AlignmentStep[];
}

export class AccuracyError extends Error {
  readonly code = 'ACCURACY_INPUT';
}

/** Alignment cost matrices above this many cells are refused (about 2000 × 2000 tokens, 16 MB). */
const MAX_CELLS = 4_000_000;

const NO_SPACE_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const NO_SPACE_TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

/** The normalisation described at the top of this file. */
export function normaliseForScoring(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(\p{L})['’](?=\p{L})/gu, '$1')
    .replace(/[\p{P}\p{S}]/gu, (mark, at: number, all: string) => (mark === '.' && /\d/.test(all[at - 1] ?? '') && /\d/.test(all[at + 1] ?? '') ? '.' : ' '))
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The tokens a metric compares, from normalised text. */
export function scoringTokens(normalised: string, metric: ScoringMetric): string[] {
  if (metric === 'cer') return Array.from(normalised.replace(/\s/gu, ''));
  if (!normalised) return [];
  return normalised.split(' ').flatMap((word) => (NO_SPACE_SCRIPTS.test(word) ? (word.match(NO_SPACE_TOKEN) ?? []) : [word]));
}

/**
 * CER for Chinese (zh, cmn, yue and their regional tags such as zh-CN) and Japanese, the languages written without
 * spaces between words; WER for every other language.
 */
export function metricForLanguage(language: string): ScoringMetric {
  const primary = language.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'zh' || primary === 'cmn' || primary === 'yue' || primary === 'ja' ? 'cer' : 'wer';
}

/** 'zh' when the text has at least as many Han or kana characters as Latin words (and at least one), else 'en'. */
export function guessLanguage(text: string): 'zh' | 'en' {
  const normalised = text.normalize('NFKC');
  const cjk = normalised.match(new RegExp(NO_SPACE_SCRIPTS.source, 'gu'))?.length ?? 0;
  const latinWords = normalised.match(/\p{Script=Latin}+/gu)?.length ?? 0;
  return cjk > 0 && cjk >= latinWords ? 'zh' : 'en';
}

export interface ScoreOptions {
  /** The reference's language (BCP 47, e.g. "zh", "en-US"); guessed from the texts' scripts when absent. */
  language?: string;
}

/** Score a recognised transcript against the reference text. */
export function scoreRecognition(reference: string, recognised: string, options: ScoreOptions = {}): RecognitionScore {
  const language = options.language ?? guessLanguage(reference.trim() ? reference : recognised);
  const metric = metricForLanguage(language);
  const normalisedReference = normaliseForScoring(reference);
  const normalisedRecognised = normaliseForScoring(recognised);
  const ref = scoringTokens(normalisedReference, metric);
  const hyp = scoringTokens(normalisedRecognised, metric);
  const alignment = align(ref, hyp);
  const count = (op: AlignmentOp) => alignment.filter((s) => s.op === op).length;
  const substitutions = count('substitution');
  const deletions = count('deletion');
  const insertions = count('insertion');
  const errors = substitutions + deletions + insertions;
  return {
    metric,
    rate: ref.length > 0 ? errors / ref.length : hyp.length > 0 ? 1 : 0,
    substitutions,
    deletions,
    insertions,
    matches: count('match'),
    referenceTokens: ref.length,
    recognisedTokens: hyp.length,
    normalisedReference,
    normalisedRecognised,
    alignment,
  };
}

/**
 * Minimum-edit alignment of two token lists. Where several alignments have the same cost, the backtrace (from the
 * end) prefers a match or substitution, then a deletion, then an insertion, so the result is deterministic.
 */
export function align(reference: readonly string[], recognised: readonly string[]): AlignmentStep[] {
  const n = reference.length;
  const m = recognised.length;
  const width = m + 1;
  if ((n + 1) * width > MAX_CELLS)
    throw new AccuracyError(`accuracy: the reference has ${n} tokens and the recognised text ${m}; scoring aligns texts of up to about 2000 tokens each`);
  const cost = new Uint32Array((n + 1) * width);
  for (let j = 0; j <= m; j++) cost[j] = j;
  for (let i = 1; i <= n; i++) {
    cost[i * width] = i;
    for (let j = 1; j <= m; j++) {
      const diagonal = cost[(i - 1) * width + j - 1]! + (reference[i - 1] === recognised[j - 1] ? 0 : 1);
      const deletion = cost[(i - 1) * width + j]! + 1;
      const insertion = cost[i * width + j - 1]! + 1;
      cost[i * width + j] = Math.min(diagonal, deletion, insertion);
    }
  }
  const steps: AlignmentStep[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = cost[i * width + j]!;
    if (i > 0 && j > 0) {
      const same = reference[i - 1] === recognised[j - 1];
      if (here === cost[(i - 1) * width + j - 1]! + (same ? 0 : 1)) {
        steps.push({ op: same ? 'match' : 'substitution', reference: reference[i - 1]!, recognised: recognised[j - 1]! });
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === cost[(i - 1) * width + j]! + 1) {
      steps.push({ op: 'deletion', reference: reference[i - 1]!, recognised: null });
      i--;
    } else {
      steps.push({ op: 'insertion', reference: null, recognised: recognised[j - 1]! });
      j--;
    }
  }
  return steps.reverse();
}

/** Columns on a terminal or in a monospace font: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60]/u.test(ch) ? 2 : 1;
  return width;
}

const MARK: Record<AlignmentOp, string> = { match: '', substitution: 'S', deletion: 'D', insertion: 'I' };

/**
 * The alignment as three lines, reference above recognised text, column by column, with S/D/I under each error;
 * a missing token is shown as "*". For a failed expectation: "reference vs recognised side by side".
 */
export function formatAlignment(score: RecognitionScore): string {
  const rows = ['', '', ''];
  for (const step of score.alignment) {
    const cells = [step.reference ?? '*', step.recognised ?? '*', MARK[step.op]];
    const width = Math.max(...cells.map(displayWidth));
    cells.forEach((cell, r) => (rows[r] += cell + ' '.repeat(width - displayWidth(cell) + 1)));
  }
  return [`reference:  ${rows[0]}`, `recognised: ${rows[1]}`, `            ${rows[2]}`].map((line) => line.trimEnd()).join('\n');
}

/** "CER 22.2 % (1 substitution, 1 deletion, 0 insertions in 9 characters)" */
export function describeScore(score: RecognitionScore): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const unit = score.metric === 'cer' ? 'character' : 'word';
  return (
    `${score.metric.toUpperCase()} ${(score.rate * 100).toFixed(1)} % (${plural(score.substitutions, 'substitution')}, ` +
    `${plural(score.deletions, 'deletion')}, ${plural(score.insertions, 'insertion')} in ${plural(score.referenceTokens, unit)})`
  );
}
