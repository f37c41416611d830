import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeCustomMessage,
  interruptMessage,
  messageEvent,
  parseMessage,
  SubtitleJoiner,
  type RoomMessage,
} from '../../../src-main/core/vendors/tencent/common/room-messages.ts';
import { TurnMetrics, TENCENT_MEASURED } from '../../../src-main/core/vendors/tencent/common/turn-metrics.ts';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/conversation.json'), 'utf8')) as { t: number; msg: unknown }[];
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const sub = (text: string, end: boolean, roundid = 'r1', sender = 'bot_1') => ({ type: 'subtitle' as const, sender, roundid, text, end });

describe('TRTC custom messages', () => {
  it('decodes the documented example subtitle', () => {
    const d = decodeCustomMessage({
      userId: 'bot_1',
      cmdId: 1,
      seq: 1,
      data: bytes({
        type: 10000,
        sender: 'user_a',
        receiver: [],
        payload: { text: '你好,很高兴认识你。', start_time: '00:00:01', end_time: '00:00:03', roundid: 'conversation_123456', end: true },
      }),
    });
    expect(d).toEqual({
      ok: true,
      message: {
        type: 'subtitle',
        sender: 'user_a',
        roundid: 'conversation_123456',
        text: '你好,很高兴认识你。',
        startTime: '00:00:01',
        endTime: '00:00:03',
        end: true,
      },
    });
  });

  it('decodes state and metric messages', () => {
    expect(parseMessage({ type: 10001, sender: 'bot_1', payload: { roundid: 'r', timestamp: 5, state: 3 } })).toMatchObject({
      ok: true,
      message: { type: 'state', state: 3, stateName: 'speaking' },
    });
    expect(parseMessage({ type: 10020, sender: 'bot_1', payload: { metric: 'llm_first_token', value: 420, tag: { roundid: 'r9' } } })).toMatchObject({
      ok: true,
      message: { type: 'metric', metric: 'llm_first_token', value: 420, roundid: 'r9' },
    });
    expect(parseMessage({ type: 12345, sender: 'bot_1', payload: { any: 1 } })).toMatchObject({ ok: true, message: { type: 'other', messageType: 12345 } });
  });

  it('a bad frame becomes an error event, never a throw', () => {
    for (const data of [
      bytes('{"type":10000'),
      bytes({ type: 'x' }),
      bytes({ type: 10000, payload: {} }),
      bytes({ type: 10020, payload: { metric: 'm', value: 'fast' } }),
      new Uint8Array([0xff, 0xfe]),
    ]) {
      const d = decodeCustomMessage({ userId: 'x', cmdId: 1, data });
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error).toMatchObject({ kind: 'error', summary: expect.stringMatching(/^tencent custom message: expected /) });
    }
  });

  it('SubtitleMode 0: every message is the full text so far (replace)', () => {
    const j = new SubtitleJoiner(0, 'bot_1');
    j.add(sub('你好', false));
    j.add(sub('你好,我是', false));
    const line = j.add(sub('你好,我是助手。', true));
    expect(line).toEqual({ roundid: 'r1', sender: 'bot_1', speaker: 'bot', text: '你好,我是助手。', final: true });
  });

  it('SubtitleMode 1: sentences are appended per roundid, a sentence in progress is replaced', () => {
    const j = new SubtitleJoiner(1, 'bot_1');
    j.add(sub('你好!', true));
    j.add(sub('我也很', false));
    expect(j.add(sub('我也很高兴认识你。', true)).text).toBe('你好!我也很高兴认识你。');
    expect(j.add(sub('新的一轮。', true, 'r2')).text).toBe('新的一轮。');
    expect(j.add(sub('用户', true, 'r1', 'user_a'))).toMatchObject({ speaker: 'user', text: '用户' });
    expect(j.all().map((l) => `${l.roundid}/${l.speaker}`)).toEqual(['r1/bot', 'r2/bot', 'r1/user']);
  });

  it('events name speaker, round and the joined text', () => {
    const j = new SubtitleJoiner(1, 'bot_1');
    const m = sub('你好!', true);
    expect(messageEvent(m, j.add(m))).toMatchObject({ kind: 'tencent.subtitle', dir: 'in', summary: 'bot bot_1 · round r1 · final: 你好!' });
    expect(messageEvent({ type: 'state', sender: 'bot_1', roundid: 'r1', state: 4, stateName: 'interrupted' }).summary).toBe(
      'bot bot_1 interrupted · round r1',
    );
  });

  it('builds the 20001 interrupt on cmdId 2', () => {
    const m = interruptMessage({ sender: 'user_a', botUserId: 'bot_1', id: 'abc', timestamp: 123 });
    expect(m.cmdId).toBe(2);
    expect(JSON.parse(new TextDecoder().decode(m.data))).toEqual({
      type: 20001,
      sender: 'user_a',
      receiver: ['bot_1'],
      payload: { id: 'abc', timestamp: 123 },
    });
  });
});

describe('turn metrics from the fixture conversation', () => {
  it('reported and measured figures per roundid', () => {
    const joiner = new SubtitleJoiner(1, 'bot_1');
    const metrics = new TurnMetrics();
    const emitted: { name: string; value: number; turn?: number; source: string }[] = [];
    for (const { t, msg } of fixture) {
      const d = parseMessage(msg);
      if (!d.ok) throw new Error('fixture must parse');
      const m = d.message as RoomMessage;
      if (m.type === 'subtitle') emitted.push(...metrics.subtitle(joiner.add(m), t));
      if (m.type === 'state') emitted.push(...metrics.state(m, t));
      if (m.type === 'metric') emitted.push(...metrics.reported(m));
      if (t === 1000) emitted.push(...metrics.botAudio(1030)); // bot audio audible 30 ms after its second sentence
    }
    const rows = metrics.rows();
    expect(rows[0]).toMatchObject({
      turn: 1,
      roundid: 'r1',
      userText: '你好,很高兴认识你。',
      botText: '你好!我也很高兴认识你。',
      interrupted: false,
      reported: { llm_first_token: 420, tts_first_frame_latency: 180, asr_latency: 1050 },
      measured: { userEndToSpeaking: 550, llmFirstToken: 450, ttsFirstFrame: 130, turnLatency: 630 },
    });
    expect(rows[1]).toMatchObject({ turn: 2, roundid: 'r2', userText: '再见', interrupted: true, measured: { userEndToSpeaking: 300 } });
    expect(emitted).toContainEqual({ name: TENCENT_MEASURED.turnLatency, value: 630, unit: 'ms', turn: 1, source: 'measured' });
    expect(emitted).toContainEqual({ name: 'tencent.llm_first_token', value: 420, unit: 'ms', turn: 1, source: 'reported' });
    // Audio after the fixture belongs to the latest round (r2); a second onset in the same turn adds nothing.
    expect(metrics.botAudio(5000)).toEqual([{ name: TENCENT_MEASURED.turnLatency, value: 2000, unit: 'ms', turn: 2, source: 'measured' }]);
    expect(metrics.botAudio(5100)).toEqual([]);
  });
});
