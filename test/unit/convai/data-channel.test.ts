import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDataMessage, parseMessageObject } from '../../../src-main/core/vendors/convai/common/rtvi.ts';
import { decodeAudioData, encodeAudioData, bytesToBase64 } from '../../../src-main/core/vendors/convai/common/audio-data.ts';
import {
  buildClientMessage,
  encodeClientMessage,
  ResponseMatcher,
  CLIENT_MESSAGE_TYPES,
} from '../../../src-main/core/vendors/convai/common/client-messages.ts';
import { ConvaiTimeline } from '../../../src-main/core/vendors/convai/common/metrics.ts';
import { parseRecording, replaySequence } from '../../../src-main/core/vendors/convai/common/recording.ts';
import { parseWav } from '../../../src-main/core/audio/wav.ts';
import { concatPcm16 } from '../../../src-main/core/audio/pcm.ts';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const rtvi = (type: string, data?: Record<string, unknown>) => ({ label: 'rtvi-ai', type, ...(data ? { data } : {}) });

describe('RTVI / legacy data-channel parser', () => {
  it.each([
    [rtvi('bot-ready', { version: '0.3.0' }), 'convai.bot-ready', 'bot ready (RTVI 0.3.0)'],
    [rtvi('user-started-speaking'), 'convai.user-started-speaking', 'user started speaking'],
    [rtvi('user-stopped-speaking'), 'convai.user-stopped-speaking', 'user stopped speaking'],
    [rtvi('user-transcription', { text: 'What is', final: false, timestamp: 't', user_id: 'u' }), 'convai.user-transcription', 'user partial: What is'],
    [rtvi('user-transcription', { text: 'What is this?', final: true }), 'convai.user-transcription', 'user final: What is this?'],
    [rtvi('bot-llm-started'), 'convai.bot-llm-started', 'bot LLM started (thinking)'],
    [rtvi('bot-llm-text', { text: 'Hello ' }), 'convai.bot-llm-text', 'bot LLM text: Hello '],
    [rtvi('bot-llm-stopped'), 'convai.bot-llm-stopped', 'bot LLM stopped'],
    [rtvi('bot-transcription', { text: 'Hi.' }), 'convai.bot-transcription', 'bot: Hi.'],
    [rtvi('bot-started-speaking'), 'convai.bot-started-speaking', 'bot started speaking'],
    [rtvi('bot-stopped-speaking'), 'convai.bot-stopped-speaking', 'bot stopped speaking'],
    [rtvi('bot-emotion', { emotion: 'joy', scale: 2 }), 'convai.bot-emotion', 'emotion: joy × 2'],
    [rtvi('action-response', { actions: ['Wave', 'Nod'] }), 'convai.action-response', 'actions: Wave, Nod'],
    [rtvi('behavior-tree-response', { narrative_section_id: 'sec-1' }), 'convai.behavior-tree-response', 'narrative section sec-1'],
    [rtvi('server-message', { type: 'bot-emotion', emotion: 'calm', scale: 1 }), 'convai.bot-emotion', 'emotion: calm × 1'],
    [rtvi('server-message', { type: 'chunked-neurosync-blendshapes', blendshapes: [[0.1], [0.2]] }), 'convai.blendshapes', 'blendshapes: 2 frames'],
    [rtvi('server-message', { type: 'blendshape-turn-stats', stats: { n: 1 } }), 'convai.blendshape-turn-stats', 'blendshape turn stats: {"n":1}'],
    [rtvi('server-message', { type: 'interaction-created', interaction_id: 'i1' }), 'convai.interaction-created', 'interaction created i1'],
    [rtvi('moderation-response', { result: 'flagged' }), 'convai.moderation-response', 'moderation: flagged'],
    [rtvi('trigger-message', {}), 'convai.trigger-message', 'echo of trigger-message'],
    [rtvi('error', { error: 'LLM down', fatal: true }), 'convai.error', 'server error (fatal): LLM down'],
    [
      { type: 'server-response', event_type: 'tts-toggle', status: 'success', message: 'TTS enabled', extras: { enabled: true } },
      'convai.server-response',
      'tts-toggle → success · TTS enabled',
    ],
    [{ type: 'bot-ready', data: {} }, 'convai.bot-ready', 'bot ready'],
    [rtvi('brand-new-type', { a: 1 }), 'convai.brand-new-type', 'brand-new-type: {"a":1}'],
  ])('%j', (msg, kind, summary) => {
    const p = parseDataMessage(enc(msg));
    expect(p.event).toMatchObject({ kind, dir: 'in', summary });
    expect(p.message).toEqual(msg);
  });

  it('legacy server-response exposes the acknowledgement', () => {
    const p = parseDataMessage('{"type":"server-response","event_type":"tts-toggle","status":"success","message":"TTS enabled","extras":{"enabled":true}}');
    expect(p.response).toEqual({ eventType: 'tts-toggle', status: 'success', message: 'TTS enabled', extras: { enabled: true } });
  });

  it('metrics: one key per message, numbers or numeric strings', () => {
    const p = parseDataMessage(
      enc(
        rtvi('metrics', {
          ttfb: [
            { processor: 'LLM#0', model: 'gpt', value: 0.25 },
            { processor: 'TTS#0', value: '0.1' },
          ],
        }),
      ),
    );
    expect(p.metrics).toEqual({
      kind: 'ttfb',
      entries: [
        { processor: 'LLM#0', model: 'gpt', value: 0.25 },
        { processor: 'TTS#0', value: 0.1 },
      ],
    });
    expect(p.event.summary).toBe('ttfb · LLM#0 (gpt) 0.25 s, TTS#0 0.1 s');
    const c = parseDataMessage(
      enc(rtvi('metrics', { custom: [{ processor: 'N#0', metric: 'neurosync.frames_dropped', value: 3, type: 'NeuroSyncMetricsData' }] })),
    );
    expect(c.event.summary).toBe('custom · neurosync.frames_dropped 3');
    expect(parseDataMessage(enc(rtvi('metrics', { other: 1 }))).event.kind).toBe('error');
  });

  it('bad frames become error events, never exceptions', () => {
    expect(parseDataMessage('{"type": ').event).toMatchObject({ kind: 'error', summary: expect.stringContaining('not JSON') });
    expect(parseDataMessage(new Uint8Array([0xff, 0xfe, 0x00])).event.summary).toContain('not UTF-8');
    expect(parseDataMessage('[1,2]').event.summary).toContain('expected a JSON object');
    expect(parseDataMessage('{"data":{}}').event.summary).toContain('without a "type"');
    expect(parseDataMessage('{"label":"other","type":"x"}').event.summary).toContain('unknown label');
    expect(parseDataMessage('{"type":"server-response","status":"ok"}').event.summary).toContain('event_type');
    expect(parseMessageObject(null).event.kind).toBe('error');
    const badAudio = parseDataMessage(enc(rtvi('server-message', { type: 'audio-data', sample_rate: 24000, channels: 3, audio: 'AAAA' })));
    expect(badAudio.event).toMatchObject({ kind: 'error', summary: expect.stringContaining('channels: expected 1 or 2') });
  });
});

describe('audio-data decoder', () => {
  const samples = Int16Array.from([0, 1000, -1000, 32767, -32768, 5, 6, 7]);
  it.each([
    [16000, 1, false],
    [24000, 1, true],
    [48000, 2, false],
    [44100, 2, true],
  ] as const)('%i Hz, %i ch, wav header %s', (rate, channels, header) => {
    const data = encodeAudioData({ sampleRate: rate, channels, samples }, header);
    const decoded = decodeAudioData(data);
    expect(Array.from(decoded.samples)).toEqual(Array.from(samples));
    expect(decoded).toMatchObject({ sampleRate: rate, channels });
    expect(decoded.durationMs).toBeCloseTo((samples.length / channels / rate) * 1000);
    const p = parseMessageObject({ label: 'rtvi-ai', type: 'server-message', data });
    expect(p.event.kind).toBe('convai.audio-data');
    expect(JSON.stringify(p.event.data)).not.toContain(data.audio as string);
    expect(p.audio!.samples.length).toBe(samples.length);
  });

  it('strips exactly the 44-byte header and rejects chunks that lie about it', () => {
    const withHeader = encodeAudioData({ sampleRate: 16000, channels: 1, samples }, true);
    expect(() => decodeAudioData({ ...withHeader, includes_wav_header: false })).not.toThrow(); // 44 more bytes decoded as audio
    expect(decodeAudioData({ ...withHeader, includes_wav_header: false }).samples.length).toBe(samples.length + 22);
    const raw = encodeAudioData({ sampleRate: 16000, channels: 1, samples }, false);
    expect(() => decodeAudioData({ ...raw, includes_wav_header: true })).toThrow(/RIFF header/);
    expect(() => decodeAudioData({ ...raw, audio: bytesToBase64(new Uint8Array(3)) })).toThrow(/whole number/);
    expect(() => decodeAudioData({ ...raw, sample_rate: undefined })).toThrow(/sample_rate/);
    expect(() => decodeAudioData({ ...raw, audio: '!!!' })).toThrow(/base64/);
  });
});

describe('client messages and server-response matching', () => {
  it('builds every documented message', () => {
    const b = (t: (typeof CLIENT_MESSAGE_TYPES)[number], i: object) => buildClientMessage(t, i, 'PA_sid1');
    expect(b('user_text_message', { text: 'Hello' })).toEqual({
      ok: true,
      message: { type: 'user_text_message', data: { text: 'Hello', participant_sid: 'PA_sid1' } },
    });
    expect(b('trigger-message', { trigger_name: 'wave' })).toEqual({
      ok: true,
      message: { type: 'trigger-message', data: { trigger_name: 'wave', participant_sid: 'PA_sid1' } },
    });
    expect(b('interrupt-bot', {})).toEqual({ ok: true, message: { type: 'interrupt-bot', data: { participant_sid: 'PA_sid1' } } });
    expect(b('update-dynamic-info', { text: 'It rains' })).toEqual({
      ok: true,
      message: { type: 'update-dynamic-info', data: { dynamic_info: { text: 'It rains' }, participant_sid: 'PA_sid1' } },
    });
    expect(b('update-template-keys', { template_keys: { user_name: 'Li' } })).toEqual({
      ok: true,
      message: { type: 'update-template-keys', data: { template_keys: { user_name: 'Li' }, participant_sid: 'PA_sid1' } },
    });
    expect(b('tts-toggle', { enabled: true })).toEqual({ ok: true, message: { type: 'tts-toggle', data: { enabled: true } } });
    expect(b('user_text_message', { text: '  ' })).toMatchObject({ ok: false, field: 'text' });
    expect(b('trigger-message', {})).toMatchObject({ ok: false, error: expect.stringContaining('at least one') });
    expect(b('update-template-keys', { template_keys: { '1x': 'a' } })).toMatchObject({ ok: false, field: 'template_keys' });
    expect(b('tts-toggle', {})).toMatchObject({ ok: false, field: 'enabled' });
    const m = buildClientMessage('interrupt-bot', {});
    expect(m.ok && JSON.parse(new TextDecoder().decode(encodeClientMessage(m.message)))).toEqual({ type: 'interrupt-bot', data: {} });
  });

  it('matches each response to the oldest pending message of its type', () => {
    const m = new ResponseMatcher();
    m.sent('user_text_message', 100);
    m.sent('tts-toggle', 150);
    m.sent('user_text_message', 200);
    expect(m.received({ eventType: 'tts-toggle', status: 'success', message: 'TTS enabled' }, 190)).toMatchObject({ id: 2, latencyMs: 40 });
    expect(m.received({ eventType: 'user_text_message', status: 'success', message: '' }, 300)).toMatchObject({ id: 1, latencyMs: 200 });
    expect(m.received({ eventType: 'interrupt-bot', status: 'success', message: '' }, 300)).toBeUndefined();
    expect(m.overdue(5000, 1000).map((p) => p.id)).toEqual([3]);
  });
});

describe('timeline metrics', () => {
  it('room join, bot ready, per-turn latency and reported server figures', () => {
    const tl = new ConvaiTimeline();
    const p = (m: object) => parseMessageObject(m);
    tl.roomJoinStarted(1000);
    expect(tl.roomJoined(1250)[0]!.data).toMatchObject({ name: 'convai.room_join_ms', value: 250, source: 'measured' });
    expect(tl.onMessage(p(rtvi('bot-ready')), 1400)[0]!.data).toMatchObject({ name: 'convai.bot_ready_ms', value: 150 });
    expect(tl.onMessage(p(rtvi('bot-ready')), 1500)).toEqual([]);
    expect(tl.onMessage(p(rtvi('bot-started-speaking')), 1600)).toEqual([]); // no user turn before it
    tl.onMessage(p(rtvi('user-stopped-speaking')), 2000);
    const server = tl.onMessage(p(rtvi('metrics', { ttfb: [{ processor: 'LLM', value: 0.2 }] })), 2100);
    expect(server[0]!.data).toMatchObject({ name: 'convai.server_ttfb_s', value: 0.2, unit: 's', source: 'reported', turn: 1, processor: 'LLM' });
    expect(tl.onMessage(p(rtvi('bot-started-speaking')), 2450)[0]!.data).toMatchObject({ name: 'turn_latency_ms', value: 450, turn: 1 });
    tl.onMessage(p(rtvi('user-stopped-speaking')), 5000);
    tl.onMessage(p(rtvi('bot-started-speaking')), 5300);
    expect(tl.turns).toEqual([450, 300]);
  });
});

describe('recorded sequences', () => {
  const dir = new URL('../../../resources/convai/', import.meta.url).pathname;
  it('the bundled data_only sequence carries the real PCM of ava-greeting.wav', () => {
    const r = parseRecording(readFileSync(`${dir}sequences/greeting-data-only.json`, 'utf8'), 'greeting');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const parsed = r.sequence.messages.map((m) => parseMessageObject(m.message));
    expect(parsed.filter((p) => p.event.kind === 'error')).toEqual([]);
    const types = new Set(parsed.map((p) => p.type));
    for (const t of ['bot-ready', 'user-transcription', 'bot-llm-text', 'metrics', 'bot-emotion', 'audio-data', 'bot-started-speaking', 'bot-stopped-speaking'])
      expect(types, t).toContain(t);
    const pcm = concatPcm16(parsed.filter((p) => p.audio).map((p) => p.audio!.samples));
    const wav = parseWav(readFileSync(`${dir}ava-greeting.wav`));
    expect(pcm.length).toBe(wav.samples.length);
    expect(Buffer.from(pcm.buffer).equals(Buffer.from(wav.samples.buffer))).toBe(true);
  });

  it('the both/WAV-header sequence decodes as 16 kHz stereo with headers stripped', () => {
    const r = parseRecording(readFileSync(`${dir}sequences/text-both-wav-header.json`, 'utf8'));
    if (!r.ok) throw new Error(r.error);
    const audio = r.sequence.messages.map((m) => parseMessageObject(m.message)).filter((p) => p.audio);
    expect(audio.length).toBeGreaterThan(10);
    for (const a of audio) expect(a.audio).toMatchObject({ sampleRate: 16000, channels: 2 });
    expect(audio[0]!.event.summary).toContain('WAV header stripped');
  });

  it('reads a Parley session record (NDJSON) and reports bad input clearly', () => {
    const ndjson =
      [
        { seq: 1, t: 5, kind: 'session.start', data: {} },
        { seq: 2, t: 100, kind: 'convai.bot-ready', data: rtvi('bot-ready') },
        { seq: 3, t: 350, kind: 'convai.bot-llm-text', data: rtvi('bot-llm-text', { text: 'hi' }) },
        { seq: 4, t: 360, kind: 'metric', data: { name: 'x' } },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n{"torn';
    const r = parseRecording(ndjson, 'customer.ndjson');
    expect(r).toMatchObject({ ok: true, skipped: 1, sequence: { messages: [{ t: 0 }, { t: 250 }] } });
    expect(parseRecording('', 'x')).toEqual({ ok: false, error: 'x: the file is empty' });
    expect(parseRecording('{"format":"nope"}', 'x')).toMatchObject({ ok: false, error: expect.stringContaining('parley.convai.sequence') });
    expect(parseRecording('{"a":1}\n{"b":2}', 'x')).toMatchObject({ ok: false, error: expect.stringContaining('no Convai data-channel messages') });
  });

  it('replays in time order with an injected scheduler and can be stopped', () => {
    const r = parseRecording(
      JSON.stringify({
        format: 'parley.convai.sequence',
        version: 1,
        messages: [
          { t: 200, message: rtvi('b') },
          { t: 0, message: rtvi('a') },
        ],
      }),
    );
    if (!r.ok) throw new Error(r.error);
    const timers: { fn: () => void; ms: number }[] = [];
    const seen: string[] = [];
    let done = false;
    replaySequence(r.sequence, (m) => seen.push(m.message.type as string), {
      speed: 2,
      schedule: (fn, ms) => timers.push({ fn, ms }),
      onDone: () => (done = true),
    });
    expect(timers.map((t) => t.ms)).toEqual([0, 100]);
    timers.forEach((t) => t.fn());
    expect(seen).toEqual(['a', 'b']);
    expect(done).toBe(true);
  });
});
