import { describe, expect, it } from 'vitest';
import { validatePayload, validateSchema } from '../../../src-main/core/payload.ts';
import { mindcraft } from '../../../src-main/core/vendors/mindcraft/index.ts';
import { credentialEnvName } from '../../../src-main/core/vendors/registry.ts';
import { CHAT_BOT_V3_EXAMPLE, chatBotV3Schema, settingsSchema, TTS_MODELS } from '../../../src-main/core/vendors/mindcraft/common/schema.ts';
import { Turn } from '../../../src-main/core/vendors/mindcraft/turn.ts';

const op = mindcraft.operations[0]!;

describe('chat_bot_v3 schema', () => {
  it('accepts the doc example and offers it as the starting payload', () => {
    expect(validatePayload(op, CHAT_BOT_V3_EXAMPLE)).toEqual([]);
    expect(op.example).toEqual(CHAT_BOT_V3_EXAMPLE);
  });

  it('documents every parameter in English and Chinese, with the doc defaults and enums', () => {
    const props = chatBotV3Schema.properties!;
    const names = [
      'agent_name',
      'mode',
      'character_uuid',
      'profile_uuid',
      'emotion_output',
      'upload_format',
      'upload_sample_rate',
      'voice_id',
      'speed',
      'user_name',
      'user_age',
      'bot_name',
      'bot_character_description',
      'bot_personality',
      'bot_tone',
      'llm_model',
      'max_tokens',
      'tts_model',
      'session_token',
      'language',
      'asr_text',
    ];
    expect(Object.keys(props).sort()).toEqual([...names].sort());
    for (const n of names) {
      expect(props[n]!.description, n).toEqual({ en: expect.stringMatching(/\S/), zh: expect.stringMatching(/\S/) });
    }
    expect(props.mode!.enum).toEqual(['pro', 'standard', 'customize']);
    expect(props.mode!.default).toBe('pro');
    expect(props.upload_sample_rate!.enum).toEqual([8000, 16000]);
    expect(props.tts_model!.enum).toEqual([...TTS_MODELS]);
    expect(props.tts_model!.default).toBe('TX_TTSP_realtime');
    expect(props.llm_model!.default).toBe('abab6.5s-chat');
    expect(props.language!.enum).toEqual(['auto', 'zh', 'en', 'ja', 'yue', 'ko']);
    expect(props.voice_id!.default).toBe('female-tianmei');
    expect(props.bot_name!.default).toBe('智酱');
    for (const n of ['mode', 'tts_model', 'llm_model', 'language', 'upload_format'])
      for (const v of props[n]!.enum!) expect(props[n]!['x-enum-labels']?.[String(v)], `${n}=${v}`).toBeTruthy();
  });

  it('documented constraints are errors naming the field and their source', () => {
    const errors = (p: Record<string, unknown>) => validatePayload(op, { ...CHAT_BOT_V3_EXAMPLE, ...p }).filter((e) => e.severity === 'error');
    expect(errors({ max_tokens: 19 }).map((e) => e.message)).toEqual(['/max_tokens: expected a number >= 20']);
    expect(errors({ max_tokens: 8001 }).map((e) => e.message)).toEqual(['/max_tokens: expected a number <= 8000']);
    expect(errors({ upload_sample_rate: 44100 }).map((e) => e.message)).toEqual(['/upload_sample_rate: expected one of 8000, 16000']);
    expect(errors({ mode: 'turbo' })[0]!.message).toMatch(/^\/mode: expected one of "pro"/);
    expect(errors({ mode: 'turbo' })[0]!.source).toEqual({ kind: 'documented', ref: 'docs/vendors/mindcraft.md#chat-bot-v3-parameters' });
    expect(validatePayload(op, { agent_name: 'chat_bot_v3', voice_id: 'cute_boy' }).map((e) => e.message)).toEqual(['/mode: required']);
  });

  it('what the doc does not constrain passes: agent_name may be left out, user_age has no range, emotion_output no default', () => {
    const { agent_name: _a, ...noAgent } = CHAT_BOT_V3_EXAMPLE;
    expect(validatePayload(op, noAgent)).toEqual([]);
    for (const age of [0, 5, 151, 999]) expect(validatePayload(op, { ...CHAT_BOT_V3_EXAMPLE, user_age: age }), String(age)).toEqual([]);
    expect(chatBotV3Schema.properties!.user_age).not.toHaveProperty('maximum');
    expect(chatBotV3Schema.properties!.emotion_output).not.toHaveProperty('default');
    expect(chatBotV3Schema.properties!.agent_name!.default).toBe('chat_bot_v3');
  });

  it('inferred constraints and undocumented fields are warnings, and the request may go out', () => {
    const findings = validatePayload(op, { ...CHAT_BOT_V3_EXAMPLE, temperature: 1, asr_text: '' });
    expect(findings).toEqual([
      {
        path: '/asr_text',
        message: '/asr_text: must NOT have fewer than 1 characters',
        severity: 'warning',
        source: { kind: 'inferred', ref: 'docs/vendors/mindcraft.md#text-turn' },
      },
      { path: '/temperature', message: "/temperature: not in the vendor's documentation (sent as is)", severity: 'warning' },
    ]);
  });

  it('requires voice_id unless character_uuid is set (documented)', () => {
    const { character_uuid: _c, ...noCharacter } = CHAT_BOT_V3_EXAMPLE;
    expect(validatePayload(op, noCharacter)).toEqual([
      {
        path: '/voice_id',
        message: '/voice_id: required unless character_uuid is set',
        severity: 'error',
        source: { kind: 'documented', ref: 'docs/vendors/mindcraft.md#voice-id' },
      },
    ]);
    expect(validatePayload(op, { ...noCharacter, voice_id: 'cute_boy' })).toEqual([]);
  });

  it('settings: auth method, stop-upload form, endpoints; defaults are valid', () => {
    for (const target of ['sandbox', 'live'] as const) expect(validateSchema(settingsSchema, mindcraft.defaultSettings(target))).toEqual([]);
    expect(mindcraft.defaultSettings('live')).toMatchObject({
      endpoint: 'wss://api.mindcraft.com.cn/socket-v1/',
      authMethod: 'api_key',
      stopUploadMessage: 'stream_asr',
    });
    expect(settingsSchema.properties!.authMethod!.enum).toEqual(['api_key', 'api_key_message', 'device_token']);
    // A profile saved when Parley still waited for an auth acknowledgement stays valid.
    expect(validateSchema(settingsSchema, { ...mindcraft.defaultSettings('live'), authAckMs: 3000 })).toEqual([]);
    expect(settingsSchema.properties!.endpoint!.examples).toContain('wss://grayapi.mindcraft.com.cn/socket-v1/');
    expect(validateSchema(settingsSchema, { ...mindcraft.defaultSettings('live'), authMethod: 'password' })[0]!.message).toMatch(/authMethod: expected one of/);
    expect(validateSchema(settingsSchema, { ...mindcraft.defaultSettings('live'), endpoint: 'https://api.mindcraft.com.cn' })[0]!.path).toBe('/endpoint');
    expect(mindcraft.credentials.map((c) => [c.name, credentialEnvName('mindcraft', c.name), c.secret])).toEqual([
      ['API_KEY', 'PARLEY_MINDCRAFT_API_KEY', true],
      ['DEVICE_TOKEN', 'PARLEY_MINDCRAFT_DEVICE_TOKEN', true],
    ]);
  });
});

describe('turn metrics', () => {
  it('measures each milestone once, from upload stop', () => {
    const t = new Turn(1, 'voice', 0);
    expect(t.observe('asr', 50)).toBeNull(); // streaming ASR during upload: no reference yet
    t.reference = 100;
    expect(t.observe('asr', 180)).toEqual({ name: 'mindcraft.first_asr_ms', value: 80, unit: 'ms', turn: 1, source: 'measured' });
    expect(t.observe('asr', 400)).toBeNull();
    expect(t.observe('llm', 350)!.value).toBe(250);
    t.segment(1).audioSeconds = 2.13;
    t.segment(0).audioSeconds = 1.26;
    expect(t.botAudioSeconds()).toBe(3.39);
    expect(t.report()).toMatchObject({ metrics: { firstAsrMs: 80, firstLlmMs: 250, firstTtsMs: null, botAudioSeconds: 3.39 }, reference: 'upload_stop' });
    expect(t.report().segments.map((s) => s.zIndex)).toEqual([0, 1]);
  });

  it('text turns measure from the start message', () => {
    const t = new Turn(2, 'text', 1000);
    expect(t.state).toBe('waiting');
    expect(t.observe('llm', 1200)!.value).toBe(200);
    expect(t.report().reference).toBe('text_sent');
  });
});

describe('inspect', () => {
  const ctx = (settings: Record<string, unknown>, payload: Record<string, unknown>) => ({
    profile: {
      id: 'p',
      name: 'p',
      vendor: 'mindcraft' as const,
      target: 'live' as const,
      settings: { ...mindcraft.defaultSettings('live'), ...settings },
      createdAt: '',
      updatedAt: '',
    },
    sandboxUrl: undefined,
    payload,
    credential: async () => 'sk-live-secret-abcd',
    mask: (v: string) => `••••${v.slice(-4)}`,
    now: () => 0,
  });

  it('API key (default): the documented Authorization header on the upgrade, masked; no auth message', async () => {
    const r = await op.inspect!(ctx({}, CHAT_BOT_V3_EXAMPLE));
    expect(r.url).toBe('wss://api.mindcraft.com.cn/socket-v1/');
    expect(r.headers).toEqual({ Authorization: 'Bearer ••••abcd' });
    expect(r.steps.map((s) => s.label)).toEqual(['1. open WebSocket', '2. start chat_bot_v3', 'speech', 'stop upload', 'interrupt']);
    expect(JSON.stringify(r)).not.toContain('sk-live-secret');
    expect(r.warnings).toEqual([]);
  });

  it('API key as a first message: the inferred form, shown with a warning saying so', async () => {
    const r = await op.inspect!(ctx({ authMethod: 'api_key_message' }, CHAT_BOT_V3_EXAMPLE));
    expect(r.headers).toEqual({});
    expect(r.steps.map((s) => s.label)).toEqual(['1. open WebSocket', '2. auth (first message)', '3. start chat_bot_v3', 'speech', 'stop upload', 'interrupt']);
    expect(r.steps[1]!.value).toBe('{"socket_type":"agent_event","event_name":"auth_token","event_params":{"token":"••••abcd"}}');
    expect(r.warnings).toEqual([expect.stringMatching(/first message auth_token.*not in the document \(inferred\)/)]);
  });

  it('device token goes on the URL; warnings for settings that cannot work', async () => {
    const r = await op.inspect!(
      ctx(
        { authMethod: 'device_token', endpoint: 'wss://grayapi.mindcraft.com.cn/socket-v1/' },
        { ...CHAT_BOT_V3_EXAMPLE, voice_id: 'cute_boy', upload_format: 'opus' },
      ),
    );
    expect(r.url).toBe('wss://grayapi.mindcraft.com.cn/socket-v1/?token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2abcd');
    expect(r.warnings).toEqual([
      expect.stringMatching(/\?token= on the URL.*inferred/),
      "voice_id is ignored: character_uuid picks the character's voice",
      'upload_format opus: Parley uploads pcm or wav only, so only text turns will work',
    ]);
  });
});
