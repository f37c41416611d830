import { describe, expect, it } from 'vitest';
import { composePrompt } from '../../../src-main/core/vendors/netease/common/prompt.ts';
import { parseAiData, parseAsrCaptions } from '../../../src-main/core/vendors/netease/common/room-events.ts';
import { NETEASE_METRICS, RoomMetrics } from '../../../src-main/core/vendors/netease/common/room-metrics.ts';

describe('composePrompt', () => {
  it('fills {{key}} placeholders from the key words (the doc example)', () => {
    const r = composePrompt({ name: 'AI 女友小乐', sex: '女生', age: '24 岁' }, '当前角色: {{name}}\n 性别: {{ sex }}\n 年龄: {{age}}');
    expect(r).toEqual({ text: '当前角色: AI 女友小乐\n 性别: 女生\n 年龄: 24 岁', missing: [], unused: [] });
  });

  it('reports missing and unused keys and leaves unknown placeholders as written', () => {
    expect(composePrompt({ a: '1', b: '2' }, '{{a}} {{c}} {{c}}')).toEqual({ text: '1 {{c}} {{c}}', missing: ['c'], unused: ['b'] });
    expect(composePrompt(undefined, undefined)).toEqual({ text: '', missing: [], unused: [] });
  });
});

describe('NERTC room events', () => {
  const who = { localUid: '10001', botUid: '' };

  it('turns asr-captions (documented AsrCaption) into caption events with the speaker', () => {
    const { events, captions } = parseAsrCaptions(
      [
        { srcUid: 10001, timestamp: 1, language: 'zh', text: '你好', isFinal: true },
        { srcUid: 99, timestamp: 2, language: 'zh', text: '您好,我是', isFinal: false, hasTrans: true, transLanguage: 'EN', transText: 'Hello, I am' },
      ],
      who,
    );
    expect(captions.map((c) => [c.speaker, c.isFinal])).toEqual([
      ['user', true],
      ['bot', false],
    ]);
    expect(events.map((e) => e.kind)).toEqual(['netease.caption', 'netease.caption']);
    expect(events[0]!.summary).toBe('user 10001: 你好');
    expect(events[1]!.summary).toBe('bot 99 (partial): 您好,我是 → Hello, I am');
  });

  it('attributes remote users other than the configured bot as "other"', () => {
    expect(parseAsrCaptions([{ srcUid: '7', text: 'x', isFinal: true }], { localUid: '1', botUid: '9' }).captions[0]!.speaker).toBe('other');
  });

  it('never throws on bad frames: they become error events', () => {
    expect(parseAsrCaptions({ nope: 1 }, who).events[0]).toMatchObject({ kind: 'error', summary: expect.stringContaining('expected an array') });
    const mixed = parseAsrCaptions([null, { srcUid: 1 }, { srcUid: 2, text: 'ok', isFinal: true }], who);
    expect(mixed.events.map((e) => e.kind)).toEqual(['error', 'error', 'netease.caption']);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(parseAiData(circular).kind).toBe('error');
    expect(parseAiData(undefined).kind).toBe('error');
  });

  it('parses ai-data, decoding JSON string payloads', () => {
    const e = parseAiData({ type: 'agent_state', data: '{"state":"speaking"}', uid: 99 });
    expect(e).toMatchObject({ kind: 'netease.ai-data', data: { type: 'agent_state', uid: '99', data: { state: 'speaking' } } });
    expect(e.summary).toBe('ai-data agent_state from 99: {"state":"speaking"}');
    expect(parseAiData({ type: 'text', data: 'plain' }).data).toMatchObject({ data: 'plain' });
  });
});

describe('RoomMetrics', () => {
  it('measures join, first caption and user caption end → first bot caption per turn', () => {
    const m = new RoomMetrics();
    m.joinStarted(100);
    expect(m.joined(350)).toMatchObject({ name: NETEASE_METRICS.join, value: 250, unit: 'ms', source: 'measured' });
    const user = (isFinal: boolean) => ({ speaker: 'user' as const, srcUid: '1', text: 'hi', isFinal });
    const bot = { speaker: 'bot' as const, srcUid: '2', text: 'hello', isFinal: false };
    expect(m.caption(bot, 1350)).toEqual([{ name: NETEASE_METRICS.firstCaption, value: 1000, unit: 'ms', source: 'measured' }]);
    expect(m.caption(user(false), 2000)).toEqual([]);
    expect(m.caption(user(true), 2500)).toEqual([]);
    expect(m.caption(bot, 3300)).toEqual([{ name: NETEASE_METRICS.captionTurn, value: 800, unit: 'ms', source: 'measured', turn: 1 }]);
    expect(m.caption(bot, 3400)).toEqual([]);
    m.caption(user(true), 5000);
    expect(m.caption(bot, 5600)[0]).toMatchObject({ value: 600, turn: 2 });
  });
});
