import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
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
    expect(turn).toMatchObject({
      turn: 1,
      kind: 'voice',
      state: 'done',
      asrText: 'Hello, what is the weather like today?',
      emotion: 'happy',
      reference: 'upload_stop',
    });
    expect(turn.segments.map((s) => s.zIndex)).toEqual([0, 1, 2]);
    expect(turn.segments.every((s) => s.text && s.file && s.audioSeconds)).toBe(true);
    for (const k of ['firstAsrMs', 'firstLlmMs', 'firstTtsMs', 'firstAudioReadyMs'] as const) expect(turn.metrics[k]).toBeGreaterThan(0);
    // The document's stream has no separate ASR message: the text and its moment come from the first llm output.
    expect(turn.metrics.firstAsrMs!).toBe(turn.metrics.firstLlmMs!);
    expect(turn.metrics.botAudioSeconds).toBe(9.8);
    await r.manager.stop(id);
    const outcome = await done;
    expect(outcome.ok).toBe(true);
    const result = outcome.result as ConversationResult;
    // No acknowledgement is expected or waited for (the document shows none).
    expect(result.auth).toEqual({ method: 'api_key', confirmedBy: null });
    expect(result.placements).toEqual(['top-level (1003)']);

    const events = r.events(id);
    // The stop-upload message actually sent; the sandbox answers with the document's stream, in its order, only.
    expect(events.find((e) => e.kind === 'ws.frame' && (e.data as { event_name?: string }).event_name === 'stream_asr')).toBeTruthy();
    const inbound = events
      .filter((e) => e.dir === 'in' && e.kind.startsWith('mindcraft.'))
      .map((e) => `${e.kind.slice(10)}${typeof (e.data as { z_index?: number }).z_index === 'number' ? (e.data as { z_index: number }).z_index : ''}`);
    expect(inbound).toEqual(['emotion', 'llm0', 'llm1', 'llm2', 'tts0', 'tts1', 'tts2', 'agent_stop']);
    // Every segment reached the player with its text and file; the files are real mp3s kept in the session.
    const segs = ofKind(events, 'audio.segment').map((e) => e.data as { z_index: number; file: string; text: string; audio_seconds: number });
    expect(segs.map((s) => s.z_index).sort()).toEqual([0, 1, 2]);
    const artifacts = r.manager.directory.artifactsDir(id);
    for (const s of segs) {
      const bytes = readFileSync(join(artifacts, s.file));
      expect(bytes.length).toBeGreaterThan(1000);
      expect(bytes[0] === 0xff || bytes.subarray(0, 3).toString() === 'ID3').toBe(true);
    }
    // Each mp3 came through the session's HTTP (recorded like every call), its body kept as its size, not as text.
    const fetched = ofKind(events, 'http.request').map((e) => e.data as { method: string; url: string });
    expect(fetched.map((f) => f.method)).toEqual(['GET', 'GET', 'GET']);
    const bodies = ofKind(events, 'http.response').map((e) => (e.data as { body: unknown }).body);
    expect(bodies).toHaveLength(3);
    for (const b of bodies) expect(b).toMatch(/^<\d+ B audio\/mpeg>$/);
    // The user's upload is kept as a WAV identical to the sample's PCM.
    const user = parseWav(readFileSync(join(artifacts, 'turn-1-user.wav')));
    expect(user).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(Buffer.from(user.data).equals(Buffer.from(parseWav(readFileSync('resources/utterances/hello-weather-en.wav')).data))).toBe(true);
    // Metrics are events in the record, one figure each.
    const metrics = ofKind(events, 'metric').map((e) => e.data as { name: string; value: number; turn?: number });
    expect(metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'setup_ms',
        'first_server_event_ms',
        'first_audio_ms',
        'mindcraft.first_asr_ms',
        'mindcraft.first_llm_ms',
        'mindcraft.first_tts_ms',
        'mindcraft.first_audio_ready_ms',
        'bot_audio_s',
      ]),
    );
    expect(metrics.find((m) => m.name === 'bot_audio_s')).toMatchObject({ value: 9.8, turn: 1 });
    // The API key went over the wire (the documented Authorization header on the upgrade) but never into the record.
    const record = r.record(id);
    expect(record).not.toContain(r.credentials.API_KEY);
    expect(events.find((e) => e.kind === 'ws.connecting')!.data).toMatchObject({ authMethod: 'api_key', headers: { Authorization: '«redacted»' } });
    expect(events.some((e) => e.kind === 'ws.frame' && e.summary.startsWith('auth_token'))).toBe(false);
    // Ready as soon as the socket is open: the auth event and the setup figure follow ws.open with no frame between.
    const open = events.findIndex((e) => e.kind === 'ws.open');
    expect(events.slice(open, open + 3).map((e) => e.kind)).toEqual(['ws.open', 'mindcraft.auth', 'metric']);
    expect((events[open + 2]!.data as { name: string }).name).toBe('setup_ms');
  });

  it('device token on the URL, socket_data placement (response_detail=1), text turn from the payload', async () => {
    const { id, done } = await r.start(payload({ asr_text: '你好,今天天气怎么样?' }), { authMethod: 'device_token', query: 'type=mcu&response_detail=1' });
    await r.waitFor(id, (e) => e.kind === 'mindcraft.turn');
    await r.manager.stop(id);
    const outcome = await done;
    const result = outcome.result as ConversationResult;
    expect(result.auth).toEqual({ method: 'device_token', confirmedBy: null });
    expect(result.placements).toEqual(['socket_data (1007)']);
    expect(result.turns[0]).toMatchObject({ kind: 'text', state: 'done', reference: 'text_sent' });
    expect(result.turns[0]!.segments[0]!.text).toBe('你好!我是 Parley 沙盒。');
    const events = r.events(id);
    expect(events.find((e) => e.kind === 'ws.connecting')!.summary).toMatch(/response_detail=1&token=%C2%ABredacted%C2%BB|token=«redacted»/);
    expect(r.record(id)).not.toContain(r.credentials.DEVICE_TOKEN);
    expect(ofKind(events, 'mindcraft.llm').every((e) => (e.data as { placement: string; status: { code: number } }).placement === 'socket_data')).toBe(true);
    // The 1007 placement is the V3 demo's, not the document's: each such frame says so.
    expect(ofKind(events, 'mindcraft.llm').every((e) => /^inferred/.test(String((e.data as { raw: { parley_sandbox?: string } }).raw.parley_sandbox)))).toBe(
      true,
    );
  });

  it('the V2 stop-upload form (agent_action) is sent when chosen, and a 48 kHz stereo WAV is resampled to 16 kHz mono', async () => {
    // The 1005 acknowledgement naming the form is inferred: it comes with the named scenario only.
    r.host.setScenario('mindcraft', 'inferred-status-messages');
    onTestFinished(() => r.host.setScenario('mindcraft', null));
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
    expect(
      events.find((e) => e.kind === 'ws.frame' && (e.data as { socket_type?: string; event_name?: string }).socket_type === 'intervent_event')!.data,
    ).toEqual({ socket_type: 'intervent_event', event_name: 'agent_action' });
    expect(
      ofKind(events, 'mindcraft.status').find((e) => (e.data as { raw: { socket_data?: { variant?: string } } }).raw.socket_data?.variant)!.data,
    ).toMatchObject({ raw: { socket_data: { variant: 'agent_action (V2)' } } });
    await r.manager.stop(id);
    expect((await done).ok).toBe(true);
  });

  it('microphone frames (base64 PCM16 at 48 kHz) are resampled, then stop_upload ends the question', async () => {
    const { id, done } = await r.start(payload());
    const pcm = sine(48000, 1.2, 1);
    for (let o = 0; o < pcm.length; o += 480 * 4)
      await r.manager.send(id, 'audio', { pcm: Buffer.from(pcm16ToBytes(pcm.subarray(o, o + 480 * 4))).toString('base64'), sampleRate: 48000 });
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

  it('stop_output interrupts the answer: agent_stop, the turn is interrupted, the rest is not fetched', async () => {
    const { id, done } = await r.start(payload());
    await r.manager.send(id, 'text', { text: 'Tell me a long story' });
    await r.waitFor(id, (e) => e.kind === 'mindcraft.llm');
    await r.manager.send(id, 'stop_output', {});
    const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
    expect(turn.state).toBe('interrupted');
    expect(turn.segments.filter((s) => s.file).length).toBeLessThan(3);
    const events = r.events(id);
    expect(kinds(events)).toContain('audio.interrupt');
    expect(ofKind(events, 'mindcraft.agent_stop')[0]!.data).toMatchObject({ forced: false });
    // A next turn works on the same socket.
    await r.manager.send(id, 'text', { text: 'hello again' });
    expect((await r.manager.send(id, 'wait_turn', {})) as TurnReport).toMatchObject({ turn: 2, state: 'done' });
    await r.manager.stop(id);
    expect((await done).ok).toBe(true);
  });
});

describe('Mindcraft: the scenario with the inferred status messages', () => {
  it('adds 2002, 1004 (partial, final), 1005, tts out of z_index order and agent_stop_force, each frame labelled inferred', async () => {
    r.host.setScenario('mindcraft', 'inferred-status-messages');
    try {
      const { id, done } = await r.start(payload({ language: 'en' }), { authMethod: 'api_key_message' });
      await r.manager.send(id, 'send_wav', { sample: 'hello-weather-en.wav', realtime: false });
      const turn = (await r.manager.send(id, 'wait_turn', {})) as TurnReport;
      expect(turn).toMatchObject({ state: 'done', asrText: 'Hello, what is the weather like today?' });
      expect(turn.metrics.firstAsrMs!).toBeLessThan(turn.metrics.firstLlmMs!); // the 1004 ASR text came first
      await r.manager.send(id, 'text', { text: 'and tomorrow?' });
      await r.waitFor(id, (e) => e.kind === 'mindcraft.llm' && (e.data as { asr_content?: string }).asr_content === 'and tomorrow?');
      await r.manager.send(id, 'stop_output', {});
      await r.manager.send(id, 'wait_turn', {});
      await r.manager.stop(id);
      const result = (await done).result as ConversationResult;
      expect(result.auth).toEqual({ method: 'api_key_message', confirmedBy: '2002 auth_succeeded' });
      const events = r.events(id);
      const raw = (e: SessionEvent) => (e.data as { raw: Record<string, unknown> }).raw;
      const labelled = (kind: string) => ofKind(events, kind).filter((e) => /^inferred/.test(String(raw(e).parley_sandbox)));
      expect(labelled('mindcraft.connected')).toHaveLength(1);
      expect(labelled('mindcraft.asr').map((e) => (e.data as { final?: boolean }).final)).toEqual([false, true]);
      expect(labelled('mindcraft.status').map((e) => (e.data as { status: { code: number } }).status.code)).toEqual([1005]);
      expect(labelled('mindcraft.agent_stop').map((e) => (e.data as { forced: boolean }).forced)).toEqual([true]);
      const ttsOrder = ofKind(events, 'mindcraft.tts')
        .slice(0, 3)
        .map((e) => (e.data as { z_index: number }).z_index);
      expect(ttsOrder).toEqual([0, 2, 1]);
      // The API key went as the first message, redacted in the record.
      expect(events.find((e) => e.kind === 'ws.frame' && e.summary.startsWith('auth_token'))!.data).toMatchObject({ event_params: { token: '«redacted»' } });
    } finally {
      r.host.setScenario('mindcraft', null);
    }
  });

  it('the scenario is named, labelled inferred, and refused under another name', () => {
    expect(r.host.catalogue().find((c) => c.vendor === 'mindcraft')!.scenarios).toEqual([
      expect.objectContaining({ name: 'inferred-status-messages', inferred: true }),
    ]);
    expect(() => r.host.setScenario('mindcraft', 'chatty')).toThrow(/no scenario "chatty" \(expected one of inferred-status-messages\)/);
  });
});

describe('Mindcraft errors carry the vendor code and message', () => {
  for (const authMethod of ['api_key', 'api_key_message'] as const)
    it(`bad API key (${authMethod}): 2004 token invalid, the session ends failed, the key is not in the record`, async () => {
      const bad = await rig({ API_KEY: 'sk-mindcraft-WRONG-key-9911', DEVICE_TOKEN: 'x' });
      try {
        const { id, done } = await bad.start(payload(), { authMethod });
        const outcome = await done;
        expect(outcome).toMatchObject({ ok: false, error: { code: '2004', message: 'token invalid or expired: check the API key' } });
        const errors = ofKind(bad.events(id), 'error');
        expect(errors[0]!.summary).toBe('2004 · token invalid or expired: check the API key');
        expect(bad.record(id)).not.toContain('sk-mindcraft-WRONG-key-9911');
      } finally {
        await bad.close();
      }
    });

  it('every status in the catalogue can be injected: auth codes at authentication, the others at the start', async () => {
    for (const [code, fatal] of [
      ['2001', true],
      ['3002', true],
      ['4002', false],
    ] as const) {
      r.host.setFault('mindcraft', { kind: 'vendor-error', code });
      try {
        const { id, done } = await r.start(payload({ asr_text: 'hello' }));
        if (!fatal) {
          const turn = await r.waitFor(id, (e) => e.kind === 'mindcraft.turn');
          expect(turn.data, code).toMatchObject({ state: 'failed', error: { code } });
          await r.manager.stop(id);
        }
        const outcome = await done;
        if (fatal) expect(outcome, code).toMatchObject({ ok: false, error: { code, message: expect.stringContaining('(injected fault)') } });
        expect(ofKind(r.events(id), 'error')[0]!.data, code).toMatchObject({ code });
      } finally {
        r.host.setFault('mindcraft', null);
      }
    }
    expect(() => r.host.setFault('mindcraft', { kind: 'vendor-error', code: '9999' })).toThrow(
      /mindcraft has no error code "9999" \(expected one of 0, 2001, 2003, 2004, 3001/,
    );
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

  it('the sandbox refuses only documented constraints (3001), with socket_id as request id', async () => {
    const { id, done } = await r.start(payload({ max_tokens: 5, asr_text: 'hi' }), { socketId: true });
    const turnEvent = await r.waitFor(id, (e) => e.kind === 'mindcraft.turn');
    expect(turnEvent.data).toMatchObject({ state: 'failed', error: { code: '3001', message: 'parameter error: /max_tokens: expected a number >= 20' } });
    const error = ofKind(r.events(id), 'error')[0]!;
    expect(error.data).toMatchObject({ code: '3001', requestId: 'parley-1' });
    await r.manager.stop(id);
    await done;
  });

  it('an undocumented parameter, a user_age of 200 and no agent_name pass; the sandbox notes the undocumented one', async () => {
    const { agent_name: _a, ...noAgentName } = payload({ asr_text: 'hi', user_age: 200, temperature: 0.4 });
    const { id, done } = await r.start(noAgentName);
    const turn = await r.waitFor(id, (e) => e.kind === 'mindcraft.turn');
    expect(turn.data).toMatchObject({ state: 'done' });
    expect(r.host.recentNotes('mindcraft').map((n) => n.message)).toContain("agent_action: /temperature: not in the vendor's documentation (sent as is)");
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
    expect((await r.manager.send(id, 'wait_turn', {})) as TurnReport).toMatchObject({ state: 'done', asrText: 'Tell me a short joke, please.' });
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
        const { id, done } = await r.start(payload({ asr_text: 'hello' }), {}, { responseMs: 1500 });
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
