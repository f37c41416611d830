import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { cjkTokens, eventLine, EventLines, isCjk, parseSeqRanges, requestIdsOf, SeqRanges, sessionDocument } from '../../../src-main/core/history/document.ts';
import { parseTerms } from '../../../src-main/core/history/query.ts';

const ev = (seq: number, kind: string, summary: string, data?: unknown): SessionEvent => ({
  seq,
  t: seq * 10,
  at: new Date(1_800_000_000_000 + seq).toISOString(),
  kind,
  dir: 'in',
  summary,
  ...(data === undefined ? {} : { data }),
});

describe('what of an event is searchable', () => {
  it('kind and summary, plus the error code, message, HTTP status and request ids its data carries', () => {
    expect(eventLine(ev(1, 'mindcraft.llm', 'llm #0: twenty degrees'))).toBe('mindcraft.llm llm #0: twenty degrees');
    const line = eventLine(
      ev(2, 'error', 'request failed', { code: 'FailedOperation.TaskExist', message: 'Task already exists', requestId: 'req-1', httpStatus: 400 }),
    );
    expect(line).toContain('FailedOperation.TaskExist');
    expect(line).toContain('Task already exists');
    expect(line).toContain('HTTP 400');
    expect(line).toContain('request req-1');
    // A request id in a response's headers or Tencent's Response.RequestId; a code the summary already shows is not repeated.
    expect(eventLine(ev(3, 'http.response', '200 · 41 ms', { headers: { 'X-Request-Id': 'abc-123' }, body: { Response: { RequestId: 'tc-9' } } }))).toBe(
      'http.response 200 · 41 ms request abc-123 request tc-9',
    );
    expect(eventLine(ev(4, 'error', '414 · CheckSum verification failed', { code: '414', message: 'CheckSum verification failed' }))).toBe(
      'error 414 · CheckSum verification failed',
    );
  });

  it('what was said, when the summary does not show it (Mindcraft llm events carry the question)', () => {
    expect(eventLine(ev(5, 'mindcraft.llm', 'llm #0: 你好!', { text: '你好!', asr_content: '今天天气怎么样?' }))).toBe(
      'mindcraft.llm llm #0: 你好! · 今天天气怎么样?',
    );
    expect(eventLine(ev(6, 'mindcraft.turn', 'turn 1 done', { asrText: 'what is the weather like' }))).toBe(
      'mindcraft.turn turn 1 done · what is the weather like',
    );
  });

  it('request ids are looked for a few levels deep only, and never in huge values', () => {
    expect(requestIdsOf({ a: { b: { c: { requestId: 'deep-ok' } } } })).toEqual(['deep-ok']);
    expect(requestIdsOf({ a: { b: { c: { d: { e: { requestId: 'too-deep' } } } } } })).toEqual([]);
    expect(requestIdsOf({ requestId: 'x'.repeat(201) })).toEqual([]);
    expect(requestIdsOf('not an object')).toEqual([]);
  });

  it('a line never spans two lines of the document and is bounded', () => {
    expect(eventLine(ev(1, 'k', 'a\nb\r\nc'))).toBe('k a b c');
    expect(eventLine(ev(1, 'k', 'x'.repeat(5000)))).toHaveLength(2000);
  });
});

describe('identical event texts are one line with all their seqs', () => {
  it('merges repeats into ranges and keeps counting past the listed ranges', () => {
    const lines = new EventLines();
    for (let s = 1; s <= 100; s++) lines.add(ev(s, 'ws.binary', s % 10 === 0 ? `marker ${s}` : '640 B PCM'));
    expect(lines.lines.size).toBe(11);
    expect(lines.lines.get('ws.binary 640 B PCM')!.toString()).toBe('1-9,11-19,21-29,31-39,41-49,51-59,61-69,71-79,81-89,91-99');
    expect(lines.count).toBe(100);
    // A batch delivered twice (overlap) is not counted twice.
    lines.add(ev(100, 'ws.binary', 'marker 100'));
    expect(lines.count).toBe(100);
  });

  it('round-trips through text, capping the listed seqs but not the total', () => {
    const r = new SeqRanges();
    for (let s = 1; s <= 5000; s += 2) r.add(s); // 2,500 ranges of one: more than MAX_RANGES
    const text = r.toString();
    expect(text.endsWith('/2500')).toBe(true);
    const { seqs, total } = parseSeqRanges(text, 10);
    expect(seqs).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(total).toBe(2500);
    expect(parseSeqRanges('4-6,9', 100)).toEqual({ seqs: [4, 5, 6, 9], total: 4 });
  });

  it('a session document holds the summary, what was said, errors and the figures', () => {
    const events = [
      ev(1, 'session.start', 'mindcraft chat_bot_v3 (sandbox)', { profile: 'My profile' }),
      ev(2, 'ws.open', 'open ws://x'),
      ev(3, 'mindcraft.asr', 'ASR: 今天天气怎么样', { text: '今天天气怎么样' }),
      ev(4, 'ws.frame', 'stop upload', undefined),
      ev(5, 'mindcraft.llm', 'llm #0: 二十度', { text: '二十度' }),
      ev(6, 'error', 'boom', { code: 'E42', message: 'it broke' }),
    ];
    events[3]!.dir = 'out';
    const doc = sessionDocument(
      {
        id: '20260101T000000-mindcraft-0000abcd',
        vendor: 'mindcraft',
        operation: 'chat_bot_v3',
        profileId: 'p',
        target: 'sandbox',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: null,
        durationMs: 60,
        state: 'failed',
        outcome: 'E42: it broke',
        eventCount: 6,
      },
      events,
    );
    expect(doc.profileName).toBe('My profile');
    expect(doc.errorCodes).toEqual(['E42']);
    expect(doc.header.join('\n')).toContain('user: 今天天气怎么样');
    expect(doc.header.join('\n')).toContain('bot: 二十度');
    expect(doc.lines).toHaveLength(6);
    expect(doc.seqs).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(doc.figures.setup_ms).toBe(20); // session start to ws.open (derived)
  });
});

describe('query words', () => {
  it('splits on spaces, keeps quoted phrases, and routes each word by length and script', () => {
    expect(parseTerms('twenty "sunny and" 天气 二十度 ok 晴 5秒')).toEqual({
      all: ['twenty', 'sunny and', '天气', '二十度', 'ok', '晴', '5秒'],
      trigram: ['twenty', 'sunny and', '二十度'],
      cjk: ['天气', '晴'],
      like: ['ok', '5秒'],
    });
    expect(parseTerms('  ').all).toEqual([]);
    expect(parseTerms('a a a').all).toEqual(['a']);
    expect(parseTerms(Array.from({ length: 40 }, (_, i) => `w${i}x`).join(' ')).all).toHaveLength(16);
  });

  it('Chinese characters and pairs are the tokens of the short-word table', () => {
    expect(cjkTokens('今天天气 ok 好')).toBe('今 今天 天 天天 天气 气 好');
    expect(cjkTokens('no chinese here')).toBe('');
    expect(isCjk('天气')).toBe(true);
    expect(isCjk('5秒')).toBe(false);
  });
});
