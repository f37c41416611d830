import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { scoreRecognition } from '../../../src-main/core/voice/accuracy.ts';
import { recognitionEvent, recognitionRecords, scoredRecord, sessionRates } from '../../../src-main/core/voice/recognition-record.ts';

const asEvents = (data: unknown[]): SessionEvent[] =>
  data.map((d, i) => ({ seq: i + 1, t: i, at: '', ...recognitionEvent(d as never), ...(d === undefined ? {} : { data: d }) }));

describe('recognition records in a session record', () => {
  it('a session rate pools the turns: all errors over all reference tokens (hand-worked), per metric', () => {
    // 上海 → 北京: 2 substitutions of 14 characters; "weather" → "whether": 1 of 7 words.
    const zh = scoreRecognition('帮我订一张明天去上海的火车票。', '帮我订一张明天去北京的火车票', { language: 'zh' });
    const en = scoreRecognition('Hello, what is the weather like today?', 'hello what is the whether like today', { language: 'en' });
    const zh2 = scoreRecognition('谢谢,再见', '谢谢再见', { language: 'zh' });
    const records = recognitionRecords(
      asEvents([
        scoredRecord(1, 'book-train-zh', 'zh', '帮我订一张明天去上海的火车票。', '帮我订一张明天去北京的火车票', zh),
        scoredRecord(2, 'hello-weather-en', 'en', 'Hello, what is the weather like today?', 'hello what is the whether like today', en),
        scoredRecord(3, 'thanks-bye-zh', 'zh', '谢谢,再见', '谢谢再见', zh2),
      ]),
    );
    expect(records.map((r) => [r.metric, r.rate])).toEqual([
      ['cer', 2 / 14],
      ['wer', 1 / 7],
      ['cer', 0],
    ]);
    // (2 + 0) / (14 + 4) characters; 1 / 7 words.
    expect(sessionRates(records)).toEqual({ cer: Math.round((2 / 18) * 10000) / 10000, wer: Math.round((1 / 7) * 10000) / 10000 });
    // Twice: reading the same events again gives the same records.
    expect(recognitionRecords(asEvents(records))).toEqual(records);
  });

  it('a turn not scored keeps its why; malformed data is skipped, not trusted; no records → no rates', () => {
    const records = recognitionRecords(
      asEvents([
        { turn: 1, source: 'x', language: 'en', reference: 'hi', recognised: '', why: 'the turn failed' },
        { turn: 'two', reference: 'hi' },
        { turn: 3 },
        { turn: 4, reference: 'hi', metric: 'cer', rate: -1 },
        { turn: 5, reference: 'hi', metric: 'wer', rate: 0.5, alignment: [{ op: 'evil' }, { op: 'match', reference: 'hi', recognised: 'hi' }] },
      ]),
    );
    expect(records.map((r) => [r.turn, r.metric, r.why])).toEqual([
      [1, undefined, 'the turn failed'],
      [4, undefined, 'no score recorded'],
      [5, 'wer', undefined],
    ]);
    expect(records[2]!.alignment).toEqual([{ op: 'match', reference: 'hi', recognised: 'hi' }]);
    expect(sessionRates([])).toEqual({});
    expect(sessionRates(records.slice(0, 2))).toEqual({});
  });
});
