import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src-main/core/events.ts';
import { parseServerFrame, toEvent } from '../../src-main/core/vendors/mindcraft/protocol.ts';
import { parseDataMessage, parseMessageObject } from '../../src-main/core/vendors/convai/common/rtvi.ts';
import { encodeAudioData } from '../../src-main/core/vendors/convai/common/audio-data.ts';
import { parseRecording, SEQUENCE_FORMAT } from '../../src-main/core/vendors/convai/common/recording.ts';
import { parseAiData, parseAsrCaptions } from '../../src-main/core/vendors/netease/common/room-events.ts';
import { readEvents } from '../../src-main/core/session/event-store.ts';
import { decodeCustomMessage, messageEvent, SubtitleJoiner } from '../../src-main/core/vendors/tencent/common/room-messages.ts';
import { anyValue, BIG_RUNS, binary, hugeString, invalidUtf8, jsonValue, mutatedJson, RUNS, TEN_MB, textFrames, truncated } from './support/arbitraries.ts';

/**
 * Socket frames, data-channel messages and room callbacks: whatever arrives, the parser returns an event (never
 * throws past its boundary), and input it cannot read becomes an error event that says so.
 */
function expectEvent(e: NewEvent): void {
  expect(typeof e.kind === 'string' && e.kind.length > 0).toBe(true);
  expect(['in', 'out', 'local']).toContain(e.dir);
  expect(typeof e.summary).toBe('string');
}

const encode = (s: string) => new TextEncoder().encode(s);

// ---------- Mindcraft WebSocket text frames ----------

const MINDCRAFT_FRAMES = [
  { socket_status: 1008, socket_message: 'connected_with_token' },
  { socket_status: 1004, socket_data: { text: '你好', is_final: true } },
  { socket_status: 1007, socket_data: { agent_output: { output_type: 'llm', llm_response: 'hi', z_index: 1 } } },
  { socket_status: 1003, agent_output: { output_type: 'tts', tts_audio: 'http://127.0.0.1/a.mp3', z_index: 2, audio_seconds: 1.2 } },
  { socket_status: 1003, agent_output: { output_type: 'emotion', emotion_output: 'happy' } },
  { socket_status: 1006, socket_message: 'agent_stop' },
  { socket_status: 2001, socket_message: 'auth failed', socket_data: { error: 'bad key' } },
].map((f) => JSON.stringify(f));

describe('Mindcraft socket frames (parseServerFrame + toEvent)', () => {
  const parse = (text: string) => {
    const parsed = parseServerFrame(text);
    const event = toEvent(parsed);
    expectEvent(event);
    expect(event.kind.startsWith('mindcraft.')).toBe(true);
    return { parsed, event };
  };

  it('random, mutated, truncated and deeply nested text frames: an event; what is not a JSON object is a bad_frame', () => {
    fc.assert(
      fc.property(textFrames(MINDCRAFT_FRAMES), (text) => {
        const { parsed, event } = parse(text);
        let isObject = false;
        try {
          const v = JSON.parse(text) as unknown;
          isObject = !!v && typeof v === 'object' && !Array.isArray(v);
        } catch {
          isObject = false;
        }
        if (!isObject) {
          expect(parsed.type).toBe('bad_frame');
          expect(event.kind).toBe('mindcraft.bad_frame');
          expect((event.data as { reason: string }).reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('binary and invalid UTF-8 decoded as the session decodes them: an event, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(invalidUtf8, binary), (bytes) => {
        parse(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: RUNS },
    );
  });

  it('a 10 MB frame: garbage, a JSON string, or a valid frame with a huge field; the bad-frame event keeps a bounded excerpt', () => {
    const big = hugeString(TEN_MB);
    fc.assert(
      fc.property(
        fc.constantFrom(big, JSON.stringify(big), JSON.stringify({ socket_status: 1004, socket_data: { text: big } }), `{"socket_status":1004,"x":"${big}`),
        (text) => {
          const { event } = parse(text);
          if (event.kind === 'mindcraft.bad_frame') expect(JSON.stringify(event.data).length).toBeLessThan(10_000);
        },
      ),
      { numRuns: BIG_RUNS + 1 },
    );
  });
});

// ---------- Convai RTVI data-channel messages ----------

const CONVAI_MESSAGES = [
  { label: 'rtvi-ai', type: 'bot-ready', data: { version: '0.3' } },
  { label: 'rtvi-ai', type: 'user-transcription', data: { text: 'hello', final: true } },
  { label: 'rtvi-ai', type: 'bot-transcription', data: { text: 'hi there' } },
  { label: 'rtvi-ai', type: 'server-message', data: encodeAudioData({ sampleRate: 16000, channels: 1, samples: new Int16Array([1, 2, 3, 4]) }, false) },
  { label: 'rtvi-ai', type: 'server-message', data: encodeAudioData({ sampleRate: 16000, channels: 2, samples: new Int16Array(40) }, true) },
  { label: 'rtvi-ai', type: 'metrics', data: { ttfb: [{ processor: 'llm', value: 0.4 }] } },
  { type: 'server-response', event_type: 'user_text_message', status: 'ok', message: 'done' },
  { label: 'rtvi-ai', type: 'error', data: { error: 'boom', fatal: true } },
].map((m) => JSON.stringify(m));

describe('Convai data-channel messages (parseDataMessage)', () => {
  const check = (payload: Uint8Array | string) => {
    const r = parseDataMessage(payload);
    expectEvent(r.event);
    if (r.event.kind === 'error') {
      expect((r.event.data as { code: string }).code).toBe('BAD_DATA_MESSAGE');
      expect(r.type).toBe('');
    } else expect(r.event.kind.startsWith('convai.')).toBe(true);
    if (r.audio) expect(r.audio.samples.length % r.audio.channels).toBe(0);
    return r;
  };

  it('random, mutated (incl. audio-data fields), truncated and deeply nested messages as bytes and as text', () => {
    fc.assert(
      fc.property(textFrames(CONVAI_MESSAGES), fc.boolean(), (text, asBytes) => {
        check(asBytes ? encode(text) : text);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('invalid UTF-8 and binary where JSON text is expected: BAD_DATA_MESSAGE', () => {
    fc.assert(
      fc.property(invalidUtf8, (bytes) => {
        expect(check(bytes).event.kind).toBe('error');
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(binary, (bytes) => void check(bytes)),
      { numRuns: RUNS },
    );
  });

  it('already-decoded values of any type (recorded sequences): parseMessageObject', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, mutatedJson(JSON.parse(CONVAI_MESSAGES[3]!) as unknown)), (v) => {
        const r = parseMessageObject(v);
        expectEvent(r.event);
      }),
      { numRuns: RUNS },
    );
  });

  it('10 MB messages: base64 audio, text, garbage', () => {
    const big = hugeString(TEN_MB);
    const cases = [
      JSON.stringify({
        label: 'rtvi-ai',
        type: 'server-message',
        data: { type: 'audio-data', sample_rate: 16000, channels: 1, audio: 'AAAA'.repeat(TEN_MB / 4) },
      }),
      JSON.stringify({ label: 'rtvi-ai', type: 'bot-transcription', data: { text: big } }),
      big,
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.boolean(), (text, asBytes) => void check(asBytes ? encode(text) : text)),
      { numRuns: BIG_RUNS + 1 },
    );
  });
});

describe('Convai recorded sequences (parseRecording: a file the user picks)', () => {
  const sequence = JSON.stringify({ format: SEQUENCE_FORMAT, version: 1, title: 't', messages: [{ t: 0, message: JSON.parse(CONVAI_MESSAGES[0]!) }] });
  const record = CONVAI_MESSAGES.map((m, i) => JSON.stringify({ seq: i + 1, t: i * 10, kind: 'convai.x', dir: 'in', summary: '', data: JSON.parse(m) })).join(
    '\n',
  );

  it('random text, mutated sequences, NDJSON with bad lines (null, numbers, arrays): ok or a message naming the file', () => {
    const lines = fc
      .array(
        fc.oneof(
          jsonValue.map((v) => JSON.stringify(v) ?? ''),
          fc.constantFrom(...record.split('\n')),
          truncated(record.split('\n')[1]!),
        ),
        { maxLength: 8 },
      )
      .map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(fc.oneof(textFrames([sequence]), lines, fc.constant(`${record}\nnull\n42\n[]`)), (text) => {
        const r = parseRecording(text, 'file.json');
        if (!r.ok) expect(r.error.startsWith('file.json: ')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------- NetEase NERTC room callbacks ----------

describe('NetEase room callbacks (asr-captions, ai-data)', () => {
  const who = { localUid: '10001', botUid: '20002' };
  const caption = { srcUid: '20002', text: '你好', isFinal: true, language: 'zh', timestamp: 1 };

  it('asr-captions of any shape: one event per item, bad items as BAD_ROOM_EVENT errors', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.array(fc.oneof(anyValue, mutatedJson(caption)), { maxLength: 6 })), (list) => {
        const { events, captions } = parseAsrCaptions(list, who);
        events.forEach(expectEvent);
        for (const e of events.filter((x) => x.kind === 'error')) expect((e.data as { code: string }).code).toBe('BAD_ROOM_EVENT');
        if (Array.isArray(list)) expect(events).toHaveLength(list.length);
        else expect(events).toHaveLength(1);
        expect(captions.length).toBe(events.filter((e) => e.kind === 'netease.caption').length);
      }),
      { numRuns: RUNS },
    );
  });

  it('ai-data of any shape, with data as random text, truncated JSON, deep JSON or 10 MB', () => {
    const data = fc.oneof(anyValue, textFrames([JSON.stringify({ type: 'llm', text: 'hi' })]));
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.record({ type: fc.string(), uid: fc.oneof(fc.integer(), fc.string()), data })), (evt) => {
        const e = parseAiData(evt);
        expectEvent(e);
        expect(['netease.ai-data', 'error']).toContain(e.kind);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(hugeString(TEN_MB), JSON.stringify({ t: hugeString(TEN_MB) })),
        (big) => void expectEvent(parseAiData({ type: 'x', uid: 1, data: big })),
      ),
      { numRuns: BIG_RUNS - 1 },
    );
  });
});

// ---------- Session records on disk (crash-torn, edited, or not ours) ----------

describe('session record reader (readEvents)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-ndjson-'));
  const good = [1, 2, 3].map((seq) => JSON.stringify({ seq, t: seq, at: '', kind: 'k', dir: 'in', summary: '' }));

  it('torn, garbage and non-UTF-8 lines are counted as bad, never thrown', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...good), truncated(good[0]!), fc.string({ unit: 'binary', maxLength: 50 })), { maxLength: 10 }),
        invalidUtf8,
        (lines, bytes) => {
          const file = join(dir, `r${n++}.ndjson`);
          const content = Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from(bytes)]);
          writeFileSync(file, content);
          const { events, badLines } = readEvents(file);
          // Binary strings and the invalid bytes may hold newlines of their own: the bound is the file's own line count.
          const lineCount = content.toString('latin1').split('\n').length;
          expect(events.length + badLines).toBeLessThanOrEqual(lineCount);
          expect(events.length).toBeLessThanOrEqual(lines.filter((l) => good.includes(l)).length);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// ---------- TRTC custom messages (cmdId 1: subtitles 10000, state 10001, metrics 10020) ----------

const TRTC_MESSAGES = [
  { type: 10000, sender: 'user_a', receiver: [], payload: { text: '你好', start_time: '00:00:01', end_time: '00:00:02', roundid: 'r1', end: true } },
  { type: 10000, sender: 'bot_1', receiver: [], payload: { text: 'Hello there', start_time: '00:00:03', end_time: '00:00:04', roundid: 'r1', end: false } },
  { type: 10001, sender: 'bot_1', receiver: [], payload: { roundid: 'r1', timestamp: 123, state: 3 } },
  { type: 10020, sender: 'bot_1', receiver: [], payload: { metric: 'llm_first_token', value: 420, tag: { roundid: 'r1' } } },
].map((m) => JSON.stringify(m));

describe('TRTC custom messages (decodeCustomMessage + SubtitleJoiner)', () => {
  const decodeAll = (bytes: Uint8Array, joiner: SubtitleJoiner) => {
    const d = decodeCustomMessage({ userId: 'bot_1', cmdId: 1, data: bytes });
    if (!d.ok) {
      expectEvent(d.error);
      expect(d.error.kind).toBe('error');
      return;
    }
    const joined = d.message.type === 'subtitle' ? joiner.add(d.message) : undefined;
    expectEvent(messageEvent(d.message, joined));
  };

  it('random, mutated, truncated and deeply nested messages: an event or an error event, never a throw', () => {
    const joiner = new SubtitleJoiner(0, 'bot_1');
    fc.assert(
      fc.property(textFrames(TRTC_MESSAGES), (text) => decodeAll(encode(text), joiner)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(jsonValue, (v) => decodeAll(encode(JSON.stringify(v)), new SubtitleJoiner(1, 'bot_1'))),
      { numRuns: RUNS },
    );
  });

  it('invalid UTF-8 and binary bytes become an error event naming what was expected', () => {
    fc.assert(
      fc.property(fc.oneof(invalidUtf8, binary), (bytes) => decodeAll(bytes, new SubtitleJoiner(0, 'bot_1'))),
      { numRuns: RUNS },
    );
    const d = decodeCustomMessage({ userId: 'x', cmdId: 1, data: new Uint8Array([0xff, 0xfe, 0x00]) });
    expect(d.ok).toBe(false);
  });

  it('a 10 MB message is handled without throwing', () => {
    const big = JSON.stringify({ type: 10000, sender: 'bot_1', payload: { text: hugeString(TEN_MB), roundid: 'r', end: true } });
    decodeAll(encode(big), new SubtitleJoiner(1, 'bot_1'));
  });
});
