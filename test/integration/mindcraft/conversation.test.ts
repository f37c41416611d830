import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, encodeWav } from '../../../src-main/core/audio/wav.ts';
import { pcm16ToBytes } from '../../../src-main/core/audio/pcm.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { TurnReport } from '../../../src-main/core/vendors/mindcraft/turn.ts';
import type { ConversationResult } from '../../../src-main/core/vendors/mindcraft/session.ts';
import { payload, rig, type Rig } from './support.ts';

let r: Rig;
beforeAll(async () => (r = await rig()));
afterAll(() => r.close());

const kinds = (events: SessionEvent[]) => events.map((e) => e.kind);
const ofKind = (events: SessionEvent[], kind: string) => events.filter((e) => e.kind === kind);

function sine(rate: number, seconds: number, channels: number): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate));
  return out;
}

describe('Mindcraft chat_bot_v3 against the sandbox', () => {
  it('API key: a sample WAV turn gets its transcript, emotion, llm and tts segments in z_index order, files and metrics', async () => {
    const { id, done } = await r.start(payload());
    const sent = (await r.manager.send(id, 'send_wav', { sample: 'hello-weather-en.wav', realtime: false })) as { frames: number; seconds: number };
    expect(sent.seconds).toBeCloseTo(2.49, 1);
    const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
    expect(turn).toMatchObject({ turn: 1, kind: 'voice', state: 'done', asrText: 'Hello, what is the weather like today?', emotion: 'happy', reference: 'upload_stop' });
    expect(turn.segments.map((s) => s.zIndex)).toEqual([0, 1, 2]);
    expect(turn.segments.every((s) => s.text && s.file && s.audioSeconds)).toBe(true);
    for (const k of ['firstAsrMs', 'firstLlmMs', 'firstTtsMs', 'firstAudioReadyMs'] as const) expect(turn.metrics[k]).toBeGreaterThan(0);
    expect(turn.metrics.firstAsrMs!).toBeLessThan(turn.metrics.firstLlmMs!);
    expect(turn.metrics.botAudioSeconds).toBe(9.8);
    await r.manager.stop(id);
    const outcome = await done;
    expect(outcome.ok).toBe(true);
    const result = outcome.result as ConversationResult;
    expect(result.auth).toEqual({ method: 'api_key', confirmedBy: '2002 auth_succeeded' });
    expect(result.placements).toEqual(['top-level (1003)']);

    const events = r.events(id);
    // The stop-upload message actually sent, and the sandbox's acknowledgement of that form.
    expect(events.find((e) => e.kind === 'ws.frame' && (e.data as { event_name?: string }).event_name === 'stream_asr')).toBeTruthy();
    expect(ofKind(events, 'mindcraft.status').map((e) => e.summary)).toContain('1005 asr_stopped · stopped realtime recognition');
    // Every segment reached the player with its text and file; the files are real mp3s kept in the session.
    const segs = ofKind(events, 'audio.segment').map((e) => e.data as { z_index: number; file: string; text: string; audio_seconds: number });
    expect(segs.map((s) => s.z_index).sort()).toEqual([0, 1, 2]);
    const artifacts = r.manager.directory.artifactsDir(id);
    for (const s of segs) {
      const bytes = readFileSync(join(artifacts, s.file));
      expect(bytes.length).toBeGreaterThan(1000);
      expect(bytes[0] === 0xff || bytes.subarray(0, 3).toString() === 'ID3').toBe(true);
    }
    // The user's upload is kept as a WAV identical to the sample's PCM.
    const user = parseWav(readFileSync(join(artifacts, 'turn-1-user.wav')));
    expect(user).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(Buffer.from(user.data).equals(Buffer.from(parseWav(readFileSync('resources/utterances/hello-weather-en.wav')).data))).toBe(true);
    // Metrics are events in the record, one figure each.
    const metrics = ofKind(events, 'metric').map((e) => e.data as { name: string; value: number; turn?: number });
    expect(metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining(['setup_ms', 'first_server_event_ms', 'first_audio_ms', 'mindcraft.first_asr_ms', 'mindcraft.first_llm_ms', 'mindcraft.first_tts_ms', 'mindcraft.first_audio_ready_ms', 'bot_audio_s']),
    );
    expect(metrics.find((m) => m.name === 'bot_audio_s')).toMatchObject({ value: 9.8, turn: 1 });
    // The API key went over the wire but never into the record.
    const record = r.record(id);
    expect(record).not.toContain(r.credentials.API_KEY);
    expect(events.find((e) => e.kind === 'ws.frame' && e.summary.startsWith('auth_token'))!.data).toMatchObject({ event_params: { token: '«redacted»' } });
  });

  it('device token on the URL, socket_data placement (response_detail=1), text turn from the payload', async () => {
    const { id, done } = await r.start(payload({ asr_text: '你好,今天天气怎么样?' }), { authMethod: 'device_token', query: 'type=mcu&response_detail=1' });
    await r.waitFor(id, (e) => e.kind === 'mindcraft.turn');
    await r.manager.stop(id);
    const outcome = await done;
    const result = outcome.result as ConversationResult;
    expect(result.auth).toEqual({ method: 'device_token', confirmedBy: '1008 connected_with_token' });
    expect(result.placements).toEqual(['socket_data (1007)']);
    expect(result.turns[0]).toMatchObject({ kind: 'text', state: 'done', reference: 'text_sent' });
    expect(result.turns[0]!.segments[0]!.text).toBe('你好!我是 Parley 沙盒。');
    const events = r.events(id);
    expect(events.find((e) => e.kind === 'ws.connecting')!.summary).toMatch(/response_detail=1&token=%C2%ABredacted%C2%BB|token=«redacted»/);
    expect(r.record(id)).not.toContain(r.credentials.DEVICE_TOKEN);
    expect(ofKind(events, 'mindcraft.llm').every((e) => (e.data as { placement: string; status: { code: number } }).placement === 'socket_data')).toBe(true);
  });

  it('the V2 stop-upload form (agent_action) is sent when chosen, and a 48 kHz stereo WAV is resampled to 16 kHz mono', async () => {
    const { id, done } = await r.start(payload({ language: 'en' }), { stopUploadMessage: 'agent_action' });
    const wav = encodeWav(sine(48000, 1, 2), 48000, 2);
    await r.manager.send(id, 'send_wav', { base64: Buffer.from(wav).toString('base64'), realtime: false });
    const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
    expect(turn.asrText).toBe('(speech 1.0 s)');
    expect(turn.uploadSeconds).toBeCloseTo(1, 2);
    const user = parseWav(readFileSync(join(r.manager.directory.artifactsDir(id), turn.userAudioFile!)));
    expect(user).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(user.samples.length).toBe(16000);
    const events = r.events(id);
    expect(events.find((e) => e.kind === 'ws.frame' && (e.data as { socket_type?: string; event_name?: string }).socket_type === 'intervent_event')!.data).toEqual({ socket_type: 'intervent_event', event_name: 'agent_action' });
    expect(ofKind(events, 'mindcraft.status').find((e) => (e.data as { raw: { socket_data?: { variant?: string } } }).raw.socket_data?.variant)!.data).toMatchObject({ raw: { socket_data: { variant: 'agent_action (V2)' } } });
    await r.manager.stop(id);
    expect((await done).ok).toBe(true);
  });

  it('microphone frames (base64 PCM16 at 48 kHz) are resampled, then stop_upload ends the question', async () => {
    const { id, done } = await r.start(payload());
    const pcm = sine(48000, 1.2, 1);
    for (let o = 0; o < pcm.length; o += 480 * 4) await r.manager.send(id, 'audio', { pcm: Buffer.from(pcm16ToBytes(pcm.subarray(o, o + 480 * 4))).toString('base64'), sampleRate: 48000 });
    const stop = (await r.manager.send(id, 'stop_upload', {})) as { seconds: number; variant: string };
    expect(stop.variant).toBe('stream_asr');
    expect(stop.seconds).toBeCloseTo(1.2, 2);
    const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
    expect(turn).toMatchObject({ state: 'done', asrText: '(speech 1.2 s)' });
    await expect(r.manager.send(id, 'stop_upload', {})).rejects.toThrow(/no speech is being uploaded/);
    await expect(r.manager.send(id, 'dance', {})).rejects.toThrow(/expected audio, send_wav, text/);
    await r.manager.stop(id);
    await done;
  });

  it('real-time pacing takes as long as the audio', async () => {
    const { id, done } = await r.start(payload());
    const t0 = performance.now();
    await r.manager.send(id, 'send_wav', { sample: 'tell-joke-en.wav', realtime: true, frameMs: 40 });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThan(1900);
    expect(elapsed).toBeLessThan(3500);
    expect(((await r.manager.send(id, 'wait_turn', {})) as TurnReport).asrText).toBe('Tell me a short joke, please.');
    await r.manager.stop(id);
    await done;
  });

  it('stop_output interrupts the answer: agent_stop_force, the turn is interrupted, the rest is not fetched', async () => {
    const { id, done } = await r.start(payload());
    await r.manager.send(id, 'text', { text: 'Tell me a long story' });
    await r.waitFor(id, (e) => e.kind === 'mindcraft.llm');
    await r.manager.send(id, 'stop_output', {});
    const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
    expect(turn.state).toBe('interrupted');
    expect(turn.segments.filter((s) => s.file).length).toBeLessThan(3);
    const events = r.events(id);
    expect(kinds(events)).toContain('audio.interrupt');
    expect(ofKind(events, 'mindcraft.agent_stop')[0]!.data).toMatchObject({ forced: true });
    // A next turn works on the same socket.
    await r.manager.send(id, 'text', { text: 'hello again' });
    expect(((await r.manager.send(id, 'wait_turn', {})) as TurnReport)).toMatchObject({ turn: 2, state: 'done' });
    await r.manager.stop(id);
    expect((await done).ok).toBe(true);
  });
});

describe('Mindcraft errors carry the vendor code and message', () => {
  it('bad API key: 2001 auth_failed, the session ends failed, the key is not in the record', async () => {
    const bad = await rig({ API_KEY: 'sk-mindcraft-WRONG-key-9911', DEVICE_TOKEN: 'x' });
    try {
      const { id, done } = await bad.start(payload());
      const outcome = await done;
      expect(outcome).toMatchObject({ ok: false, error: { code: '2001', message: 'authentication failed: unknown API key' } });
      const errors = ofKind(bad.events(id), 'error');
      expect(errors[0]!.summary).toBe('2001 · authentication failed: unknown API key');
      expect(bad.record(id)).not.toContain('sk-mindcraft-WRONG-key-9911');
    } finally {
      await bad.close();
    }
  });

  it('bad device token: 2004', async () => {
    const bad = await rig({ API_KEY: 'x', DEVICE_TOKEN: 'dt-expired-0042' });
    try {
      const { id, done } = await bad.start(payload(), { authMethod: 'device_token' });
      expect(await done).toMatchObject({ ok: false, error: { code: '2004' } });
      expect(bad.record(id)).not.toContain('dt-expired-0042');
    } finally {
      await bad.close();
    }
  });

  it('start parameters are validated by the sandbox with the same schema (3001), with socket_id as request id', async () => {
    const { id, done } = await r.start(payload({ max_tokens: 5, asr_text: 'hi' }), { socketId: true });
    const turnEvent = await r.waitFor(id, (e) => e.kind === 'mindcraft.turn');
    expect(turnEvent.data).toMatchObject({ state: 'failed', error: { code: '3001', message: 'parameter error: /max_tokens: expected a number >= 20' } });
    const error = ofKind(r.events(id), 'error')[0]!;
    expect(error.data).toMatchObject({ code: '3001', requestId: 'parley-2' });
    await r.manager.stop(id);
    await done;
  });

  it('silence is "no recognisable speech" (3001)', async () => {
    const { id, done } = await r.start(payload());
    const silence = encodeWav(new Int16Array(16000), 16000);
    await r.manager.send(id, 'send_wav', { base64: Buffer.from(silence).toString('base64'), realtime: false });
    const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
    expect(turn.state).toBe('failed');
    expect(turn.error).toEqual({ code: '3001', message: 'no recognisable speech (1 s at -Infinity dBFS)' });
    await r.manager.stop(id);
    await done;
  });

  it('bad input to actions gets a specific error', async () => {
    const { id, done } = await r.start(payload());
    await expect(r.manager.send(id, 'send_wav', { path: '/etc/passwd' })).rejects.toThrow('send_wav.path: expected a .wav file, got "/etc/passwd"');
    await expect(r.manager.send(id, 'send_wav', { sample: '../../secret.wav' })).rejects.toThrow(/send_wav.sample: expected a file name/);
    await expect(r.manager.send(id, 'send_wav', { base64: Buffer.from('not a wav').toString('base64') })).rejects.toThrow(/send_wav: .*RIFF\/WAVE/);
    await r.manager.stop(id);
    await done;
    const { id: id2, done: done2 } = await r.start(payload({ upload_format: 'opus' }));
    await expect(r.manager.send(id2, 'send_wav', { sample: 'tell-joke-en.wav' })).rejects.toThrow(/upload_format "opus": Parley uploads pcm or wav/);
    await r.manager.stop(id2);
    await done2;
  });

  it('upload_format wav sends a WAV header first, which the sandbox checks', async () => {
    const { id, done } = await r.start(payload({ upload_format: 'wav', language: 'en' }));
    await r.manager.send(id, 'send_wav', { sample: 'tell-joke-en.wav', realtime: false });
    expect(((await r.manager.send(id, 'wait_turn', {})) as TurnReport)).toMatchObject({ state: 'done', asrText: 'Tell me a short joke, please.' });
    await r.manager.stop(id);
    await done;
  });
});

describe('Mindcraft sandbox faults end the session with a specific error', () => {
  const cases: [string, object, RegExp][] = [
    ['drop', { kind: 'drop', afterFrames: 3 }, /^WS_CLOSED_1011$/],
    ['malformed', { kind: 'malformed', afterFrames: 2 }, /^BAD_FRAME$/],
    ['status', { kind: 'status', status: 503 }, /^HTTP_503$/],
    ['reset', { kind: 'reset' }, /^(connection_reset|ws_error)$/],
    ['hang', { kind: 'hang' }, /^TIMEOUT$/],
  ];
  for (const [name, fault, code] of cases)
    it(name, async () => {
      r.host.setFault('mindcraft', fault as never);
      try {
        const { id, done } = await r.start(payload({ asr_text: 'hello' }), { authAckMs: 300 }, { responseMs: 1500 });
        const outcome = await done;
        expect(outcome.ok).toBe(false);
        expect(outcome.error!.code).toMatch(code);
        const events = r.events(id);
        expect(ofKind(events, 'error').length).toBeGreaterThan(0);
        expect(events[events.length - 1]!.kind).toBe('session.end');
      } finally {
        r.host.setFault('mindcraft', null);
      }
    });
});

it('the sandbox serves the tts mp3s it announced, and 404s others', async () => {
  const res = await fetch(`${r.host.vendorUrl('mindcraft')}/static/agent/nope/2.mp3`);
  expect(res.status).toBe(404);
  expect(existsSync('resources/mindcraft/answer-en-0.mp3')).toBe(true);
});
