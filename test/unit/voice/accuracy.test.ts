import { describe, expect, it } from 'vitest';
import {
  AccuracyError,
  align,
  describeScore,
  formatAlignment,
  guessLanguage,
  metricForLanguage,
  normaliseForScoring,
  scoreRecognition,
} from '../../../src-main/core/voice/accuracy.ts';

const ops = (reference: string, recognised: string, language?: string) =>
  scoreRecognition(reference, recognised, { language }).alignment.map((s) =>
    s.op === 'match' ? s.reference : `${s.op[0]!.toUpperCase()}:${s.reference ?? '*'}>${s.recognised ?? '*'}`,
  );

describe('normalisation', () => {
  it('folds full-width forms, case, punctuation (ASCII and CJK) and whitespace', () => {
    expect(normaliseForScoring('ＨＥＬＬＯ，　Ｗｏｒｌｄ！')).toBe('hello world');
    expect(normaliseForScoring('  “你好”,今天天气怎么样?  ')).toBe('你好 今天天气怎么样');
    expect(normaliseForScoring('你好，今天《天气》怎么样？……')).toBe('你好 今天 天气 怎么样');
    expect(normaliseForScoring('Tell me-a short joke,\tplease.\n')).toBe('tell me a short joke please');
  });

  it('keeps numbers as written, drops thousands separators, keeps decimal points', () => {
    expect(normaliseForScoring('I have 20 apples')).toBe('i have 20 apples');
    expect(normaliseForScoring('１，０００ people, 3.5 km. 1,000,000!')).toBe('1000 people 3.5 km 1000000');
    expect(normaliseForScoring('Version 2. Next')).toBe('version 2 next');
  });

  it("joins words split by an apostrophe (don't = dont), splits on other marks", () => {
    expect(normaliseForScoring("Don't stop, it’s fine; rock'n'roll")).toBe('dont stop its fine rocknroll');
    expect(normaliseForScoring('well-known $5 + 2% 😀')).toBe('well known 5 2');
  });
});

describe('language and metric', () => {
  it('uses CER for Chinese (and Japanese), WER otherwise', () => {
    for (const l of ['zh', 'zh-CN', 'ZH_tw', 'cmn', 'yue', 'ja']) expect(metricForLanguage(l)).toBe('cer');
    for (const l of ['en', 'en-US', 'fr', 'ko', '']) expect(metricForLanguage(l)).toBe('wer');
  });

  it('guesses the language by script', () => {
    expect(guessLanguage('你好,今天天气怎么样?')).toBe('zh');
    expect(guessLanguage('我用iPhone打电话')).toBe('zh');
    expect(guessLanguage('Hello, what is the weather like today?')).toBe('en');
    expect(guessLanguage('Say 你好 to everyone in the room')).toBe('en');
    expect(guessLanguage('')).toBe('en');
  });

  it('guesses from the recognised text when the reference is empty', () => {
    expect(scoreRecognition('', '你好').metric).toBe('cer');
    expect(scoreRecognition('', 'hello').metric).toBe('wer');
  });
});

describe('WER, hand-worked', () => {
  it('one deletion, one substitution, one insertion in seven words', () => {
    // ref: hello what is the weather like  *  today   (7 words)
    // hyp: hello what is  *  weather like  to  day    (7 words)
    // "the" deleted, "to" inserted, "today" -> "day" substituted: S=1 D=1 I=1, WER = 3/7 = 0.428571...
    // (today -> "to" with "day" inserted costs the same 3; the backtrace from the end prefers the diagonal pair.)
    const s = scoreRecognition('Hello, what is the weather like today?', 'hello what is weather like to day', { language: 'en' });
    expect(s).toMatchObject({ metric: 'wer', substitutions: 1, deletions: 1, insertions: 1, matches: 5, referenceTokens: 7, recognisedTokens: 7 });
    expect(s.rate).toBeCloseTo(3 / 7, 12);
    expect(ops('Hello, what is the weather like today?', 'hello what is weather like to day', 'en')).toEqual([
      'hello',
      'what',
      'is',
      'D:the>*',
      'weather',
      'like',
      'I:*>to',
      'S:today>day',
    ]);
    expect(s.alignment.find((x) => x.op === 'deletion')).toEqual({ op: 'deletion', reference: 'the', recognised: null });
  });

  it('a perfect transcript differing only in case, punctuation and width scores 0', () => {
    const s = scoreRecognition('Tell me a short joke, please.', 'ＴＥＬＬ me a SHORT joke please', { language: 'en' });
    expect(s).toMatchObject({ rate: 0, substitutions: 0, deletions: 0, insertions: 0, matches: 6 });
  });

  it('"20" against "twenty" is a substitution (numbers kept as written)', () => {
    // ref: i have 20 apples (4), hyp: i have twenty apples: S=1 → 1/4 = 0.25
    const s = scoreRecognition('I have 20 apples', 'I have twenty apples', { language: 'en' });
    expect(s.rate).toBe(0.25);
    expect(ops('I have 20 apples', 'I have twenty apples', 'en')).toEqual(['i', 'have', 'S:20>twenty', 'apples']);
  });

  it('can exceed 100 % when the recogniser adds words', () => {
    // ref: yes (1), hyp: yes yes yes: I=2 → 2/1 = 2
    const s = scoreRecognition('Yes.', 'yes yes yes', { language: 'en' });
    expect(s).toMatchObject({ rate: 2, insertions: 2, matches: 1 });
  });

  it('scores a Han character inside English text as a word of its own', () => {
    // ref: say 你 好 now (4 tokens), hyp: say 你 号 now: S=1 → 1/4
    expect(scoreRecognition('Say 你好 now', 'say 你号 now', { language: 'en' })).toMatchObject({ rate: 0.25, substitutions: 1, referenceTokens: 4 });
  });
});

describe('CER, hand-worked', () => {
  it('one substitution and one deletion in nine characters', () => {
    // ref: 你 好 今 天 天 气 怎 么 样   (9 characters after removing ", ?")
    // hyp: 你 好 今 天 天 汽 怎    样   (8)
    // 气→汽 substituted, 么 deleted: S=1 D=1 I=0 → CER = 2/9 = 0.2222...
    const s = scoreRecognition('你好,今天天气怎么样?', '你好今天天汽怎样', { language: 'zh' });
    expect(s).toMatchObject({ metric: 'cer', substitutions: 1, deletions: 1, insertions: 0, matches: 7, referenceTokens: 9, recognisedTokens: 8 });
    expect(s.rate).toBeCloseTo(2 / 9, 12);
    expect(ops('你好,今天天气怎么样?', '你好今天天汽怎样', 'zh')).toEqual(['你', '好', '今', '天', '天', 'S:气>汽', '怎', 'D:么>*', '样']);
  });

  it('ignores spaces and full-width punctuation, counts inserted characters', () => {
    // ref: 谢 谢 你 再 见 (5); hyp: 谢 谢 你 啊 再 见 (6): I=1 → 1/5 = 0.2
    const s = scoreRecognition('谢谢你，再见！', '谢谢 你啊 再见', { language: 'zh' });
    expect(s).toMatchObject({ rate: 0.2, insertions: 1, matches: 5 });
  });

  it('counts an English word inside Chinese text letter by letter', () => {
    // ref: 我 用 i p h o n e (8), hyp: 我 用 i p a d (6): 我用ip match; "hone" against "ad" needs 2 deletions (the
    // length difference) and 2 substitutions (neither a nor d occurs in hone): 4 errors / 8 = 0.5
    const s = scoreRecognition('我用iPhone', '我用iPad', { language: 'zh' });
    expect(s).toMatchObject({ referenceTokens: 8, recognisedTokens: 6, substitutions: 2, deletions: 2, insertions: 0 });
    expect(s.rate).toBe(0.5);
  });
});

describe('empty texts', () => {
  it('empty reference and empty recognition: 0', () => {
    expect(scoreRecognition('', '', { language: 'en' })).toMatchObject({ rate: 0, referenceTokens: 0, recognisedTokens: 0, alignment: [] });
    expect(scoreRecognition('。，！', '  ', { language: 'zh' })).toMatchObject({ rate: 0, referenceTokens: 0 });
  });

  it('empty reference, something recognised: every token an insertion, rate 1 by convention', () => {
    expect(scoreRecognition('', 'hi there', { language: 'en' })).toMatchObject({ rate: 1, insertions: 2, referenceTokens: 0 });
  });

  it('nothing recognised: every reference token deleted, rate 1', () => {
    // ref: 你 好 (2), hyp: none: D=2 → 2/2
    expect(scoreRecognition('你好', '', { language: 'zh' })).toMatchObject({ rate: 1, deletions: 2, insertions: 0 });
    expect(scoreRecognition('hello world', '', { language: 'en' })).toMatchObject({ rate: 1, deletions: 2 });
  });
});

describe('alignment', () => {
  it('is a minimum edit script whichever way round', () => {
    const a = 'a b c d e f'.split(' ');
    const b = 'x b c e f g'.split(' ');
    // a→x (S), d deleted (D), g inserted (I): distance 3
    const steps = align(a, b);
    expect(steps.filter((s) => s.op !== 'match')).toHaveLength(3);
    expect(steps.filter((s) => s.reference !== null).map((s) => s.reference)).toEqual(a);
    expect(steps.filter((s) => s.recognised !== null).map((s) => s.recognised)).toEqual(b);
    expect(align(b, a).filter((s) => s.op !== 'match')).toHaveLength(3);
  });

  it('refuses texts too long to align, with the sizes in the message', () => {
    const long = Array.from({ length: 2100 }, (_, i) => `w${i}`);
    expect(() => align(long, long)).toThrow(AccuracyError);
    expect(() => align(long, long)).toThrow(/2100 tokens .* 2100/);
  });

  it('prints reference and recognised text side by side, CJK columns aligned', () => {
    const s = scoreRecognition('你好,今天天气怎么样?', '你好今天天汽怎样', { language: 'zh' });
    expect(formatAlignment(s)).toBe(
      ['reference:  你 好 今 天 天 气 怎 么 样', 'recognised: 你 好 今 天 天 汽 怎 *  样', '                           S     D'].join('\n'),
    );
    const w = scoreRecognition('I have 20 apples', 'I have twenty apples please', { language: 'en' });
    expect(formatAlignment(w)).toBe(
      ['reference:  i have 20     apples *', 'recognised: i have twenty apples please', '                   S             I'].join('\n'),
    );
  });

  it('describes the score in words', () => {
    expect(describeScore(scoreRecognition('你好,今天天气怎么样?', '你好今天天汽怎样', { language: 'zh' }))).toBe(
      'CER 22.2 % (1 substitution, 1 deletion, 0 insertions in 9 characters)',
    );
    expect(describeScore(scoreRecognition('hello', 'hello', { language: 'en' }))).toBe('WER 0.0 % (0 substitutions, 0 deletions, 0 insertions in 1 word)');
  });
});
