import { describe, expect, it } from 'vitest';
import { validatePayload } from '../../../src-main/core/payload.ts';
import { convai } from '../../../src-main/core/vendors/convai/index.ts';
import { connectExample, roundChunkDuration, settingsSchema, defaultSettings } from '../../../src-main/core/vendors/convai/common/schema.ts';
import { validateSchema } from '../../../src-main/core/payload.ts';
import { buildConnectRequest, locToPointer, mapValidationDetails, parseConnectResponse, baseUrlFor } from '../../../src-main/core/vendors/convai/client.ts';
import { toPydanticErrors } from '../../../src-main/core/vendors/convai/pydantic.ts';
import { forgetSession, rememberSession, rememberedSession, withConversation } from '../../../src-main/core/vendors/convai/common/conversations.ts';

const connect = convai.operations.find((o) => o.id === 'connect')!;
const withOutput = (output: Record<string, unknown>) => ({ character_id: 'c1', audio_config: { output } });

describe('convai connect schema', () => {
  const errorsOf = (p: Record<string, unknown>) => validatePayload(connect, p).filter((f) => f.severity === 'error');
  const warningsOf = (p: Record<string, unknown>) => validatePayload(connect, p).filter((f) => f.severity === 'warning');

  it('accepts the doc example and documents every field in English and Chinese', () => {
    expect(validatePayload(connect, connectExample)).toEqual([]);
    const props = connect.schema.properties!;
    for (const f of [
      'character_id',
      'connection_type',
      'character_session_id',
      'dynamic_info',
      'scene_description',
      'end_user_id',
      'speaker_id',
      'debug',
      'audio_config',
    ])
      expect(props[f]?.description, f).toEqual({ en: expect.stringMatching(/\S/), zh: expect.stringMatching(/\S/) });
    const out = props.audio_config!.properties!.output!.properties!;
    expect(out.max_chunk_duration_ms).toMatchObject({ minimum: 10, maximum: 1000, default: 100, 'x-hint': 'round-nearest-10', 'x-unit': 'ms' });
    expect(out.audio_routing!.enum).toEqual(['audio_only', 'data_only', 'both']);
    expect(connect.schema.examples).toEqual([connectExample]);
  });

  it('documented constraints are errors: character_id required, ranges and enums, with the field named and its source', () => {
    expect(errorsOf({}).map((e) => e.path)).toEqual(['/character_id']);
    expect(errorsOf({})[0]!.source).toEqual({ kind: 'documented', ref: 'docs/vendors/convai.md#request-body' });
    const errs = errorsOf(withOutput({ max_chunk_duration_ms: 5, audio_routing: 'media' }));
    expect(errs.map((e) => e.path).sort()).toEqual(['/audio_config/output/audio_routing', '/audio_config/output/max_chunk_duration_ms']);
    expect(errorsOf(withOutput({ max_chunk_duration_ms: 1001 }))[0]!.message).toContain('<= 1000');
    expect(errorsOf({ character_id: 'c', connection_type: 'hologram' }).map((e) => e.path)).toEqual(['/connection_type']);
  });

  it('keys the doc only shows in example objects are warnings: missing, extra or of another type', () => {
    const missing = validatePayload(connect, { character_id: 'c', scene_description: [{ name: 'x' }], dynamic_info: {} });
    expect(missing).toEqual([
      expect.objectContaining({ path: '/dynamic_info/text', severity: 'warning', source: { kind: 'inferred', ref: 'docs/vendors/convai.md#example-objects' } }),
      expect.objectContaining({ path: '/scene_description/0/description', severity: 'warning' }),
    ]);
    const extra = validatePayload(connect, {
      character_id: 'c',
      dynamic_info: { text: 't', mood: 'calm' },
      scene_description: [{ name: 'x', description: 'y', lighting: 'dim' }],
      audio_config: { output: { sample_rate: 48000 } },
    });
    expect(extra.map((f) => [f.path, f.severity, f.message])).toEqual([
      ['/dynamic_info/mood', 'warning', "/dynamic_info/mood: not in the vendor's documentation (sent as is)"],
      ['/scene_description/0/lighting', 'warning', "/scene_description/0/lighting: not in the vendor's documentation (sent as is)"],
      ['/audio_config/output/sample_rate', 'warning', "/audio_config/output/sample_rate: not in the vendor's documentation (sent as is)"],
    ]);
    expect(warningsOf({ character_id: 'c', dynamic_info: { text: 42 } })).toEqual([
      expect.objectContaining({ path: '/dynamic_info/text', message: '/dynamic_info/text: expected string' }),
    ]);
    // The container types are documented (JSON object / array).
    expect(errorsOf({ character_id: 'c', dynamic_info: 'text' }).map((e) => e.path)).toEqual(['/dynamic_info']);
  });

  it('add_wav_header with audio_only routing: a warning that it has no effect, never an error', () => {
    for (const output of [{ add_wav_header: true }, { add_wav_header: true, audio_routing: 'audio_only' }])
      expect(validatePayload(connect, withOutput(output))).toEqual([
        {
          path: '/audio_config/output/add_wav_header',
          severity: 'warning',
          message: expect.stringMatching(/has no effect .*data_only.*both/),
          source: { kind: 'documented', ref: 'docs/vendors/convai.md#add-wav-header' },
        },
      ]);
    expect(validatePayload(connect, withOutput({ add_wav_header: true, audio_routing: 'data_only' }))).toEqual([]);
    expect(validatePayload(connect, withOutput({ add_wav_header: true, audio_routing: 'both' }))).toEqual([]);
    expect(validatePayload(connect, withOutput({ add_wav_header: false }))).toEqual([]);
    const out = connect.schema.properties!.audio_config!.properties!.output!;
    expect(out.if).toEqual({ properties: { audio_routing: { const: 'audio_only' } } });
    // The form keeps the field editable: the if/then only carries an informational note.
    expect(out.then!.properties!.add_wav_header).toEqual({ 'x-note': expect.objectContaining({ en: expect.stringMatching(/no effect/) }) });
  });

  it('rounds chunk durations to the nearest 10 ms, halves up, as the doc says (95 → 100, 45 → 50, 91 → 90)', () => {
    expect([95, 45, 91, 94, 96, 10, 100, 999, 1000, 15, 14].map(roundChunkDuration)).toEqual([100, 50, 90, 90, 100, 10, 100, 1000, 1000, 20, 10]);
  });

  it('settings: base URL choices plus custom; defaults valid', () => {
    expect(validateSchema(settingsSchema, defaultSettings('live'))).toEqual([]);
    expect(validateSchema(settingsSchema, { endpoint: 'https://proxy.example.com:8443/convai' })).toEqual([]);
    expect(validateSchema(settingsSchema, { endpoint: 'not a url' })[0]!.path).toBe('/endpoint');
    expect(settingsSchema.properties!.endpoint!.examples).toEqual(['https://live.convai.com', 'https://realtime-api.convai.com']);
    expect(baseUrlFor(undefined, { endpoint: 'https://realtime-api.convai.com' })).toBe('https://realtime-api.convai.com');
    expect(baseUrlFor('http://127.0.0.1:9/convai', { endpoint: 'https://x' })).toBe('http://127.0.0.1:9/convai');
  });
});

describe('convai /connect client', () => {
  it('builds the request with X-API-Key and the body as given', () => {
    const r = buildConnectRequest('https://live.convai.com/', 'k-123', { character_id: 'c' });
    expect(r).toEqual({
      method: 'POST',
      url: 'https://live.convai.com/connect',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': 'k-123' },
      body: '{"character_id":"c"}',
    });
  });

  it('maps FastAPI loc to JSON pointers', () => {
    expect(locToPointer(['body', 'audio_config', 'output', 'max_chunk_duration_ms'])).toBe('/audio_config/output/max_chunk_duration_ms');
    expect(locToPointer(['body', 'scene_description', 0, 'name'])).toBe('/scene_description/0/name');
    expect(locToPointer(['body', 'a/b~c'])).toBe('/a~1b~0c');
    expect(locToPointer(['header', 'x-api-key'])).toBe('');
    expect(locToPointer([])).toBe('');
  });

  it('parses 200, 404, 422 and odd bodies into results or vendor errors', () => {
    const ok = parseConnectResponse({
      status: 200,
      headers: {},
      bodyText: '',
      json: { session_id: 's', character_session_id: 'cs', room_url: 'wss://r', room_name: 'n', token: 't', end_user_id: null },
    });
    expect(ok).toEqual({
      ok: true,
      requestId: undefined,
      result: { session_id: 's', character_session_id: 'cs', room_url: 'wss://r', room_name: 'n', token: 't', end_user_id: null },
    });

    const nf = parseConnectResponse({
      status: 404,
      headers: { 'x-request-id': 'req_1' },
      bodyText: '',
      json: { detail: "Character not found or doesn't belong to user" },
    });
    expect(nf).toEqual({
      ok: false,
      error: {
        code: '404',
        message: "Character not found or doesn't belong to user",
        httpStatus: 404,
        requestId: 'req_1',
        details: { detail: "Character not found or doesn't belong to user" },
      },
    });

    const detail = [
      {
        type: 'greater_than_equal',
        loc: ['body', 'audio_config', 'output', 'max_chunk_duration_ms'],
        msg: 'Input should be greater than or equal to 10',
        input: 5,
        ctx: { ge: 10 },
      },
    ];
    const v = parseConnectResponse({ status: 422, headers: {}, bodyText: '', json: { detail } });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error).toMatchObject({ code: '422', httpStatus: 422, field: '/audio_config/output/max_chunk_duration_ms' });
      expect(v.error.details).toEqual([
        {
          ...detail[0],
          path: '/audio_config/output/max_chunk_duration_ms',
          message: '/audio_config/output/max_chunk_duration_ms: Input should be greater than or equal to 10',
        },
      ]);
    }
    const bad = parseConnectResponse({ status: 200, headers: {}, bodyText: '<html>', json: undefined });
    expect(bad.ok || bad.error.code).toBe('BAD_RESPONSE');
    const partial = parseConnectResponse({ status: 200, headers: {}, bodyText: '{}', json: { session_id: 's' } });
    expect(partial.ok || partial.error.message).toContain('missing character_session_id, room_url, room_name, token');
    const plain = parseConnectResponse({ status: 502, headers: {}, bodyText: 'Bad gateway', json: undefined });
    expect(plain.ok || plain.error).toMatchObject({ code: '502', message: 'Bad gateway' });
    const sdkStyle = parseConnectResponse({ status: 401, headers: {}, bodyText: '', json: { message: 'Invalid key', detail: 'x' } });
    expect(sdkStyle.ok || sdkStyle.error.message).toBe('Invalid key');
  });

  it('keeps ctx.error in the mapped message', () => {
    const [m] = mapValidationDetails([{ type: 'value_error', loc: ['body'], msg: 'Value error', input: {}, ctx: { error: 'bad combo' } }]);
    expect(m).toMatchObject({ path: '', message: 'body: Value error (bad combo)' });
  });
});

describe('pydantic-style 422 details from the same schema', () => {
  const details = (payload: Record<string, unknown>) => toPydanticErrors(connect.schema, payload, validatePayload(connect, payload));
  it('missing, range, enum, type and model-rule entries', () => {
    expect(details({})).toEqual([{ type: 'missing', loc: ['body', 'character_id'], msg: 'Field required', input: {} }]);
    expect(details(withOutput({ max_chunk_duration_ms: 5 }))).toEqual([
      {
        type: 'greater_than_equal',
        loc: ['body', 'audio_config', 'output', 'max_chunk_duration_ms'],
        msg: 'Input should be greater than or equal to 10',
        input: 5,
        ctx: { ge: 10 },
      },
    ]);
    expect(details(withOutput({ max_chunk_duration_ms: 2000 }))[0]).toMatchObject({ type: 'less_than_equal', ctx: { le: 1000 } });
    expect(details(withOutput({ audio_routing: 'media' }))[0]).toMatchObject({
      type: 'literal_error',
      msg: "Input should be 'audio_only', 'data_only' or 'both'",
    });
    expect(details({ character_id: 7 })[0]).toMatchObject({ type: 'string_type', loc: ['body', 'character_id'], input: 7 });
    expect(details({ character_id: 'c', scene_description: [{ name: 'a' }] })[0]).toMatchObject({
      type: 'missing',
      loc: ['body', 'scene_description', 0, 'description'],
    });
    expect(details(withOutput({ add_wav_header: true }))[0]).toMatchObject({
      type: 'value_error',
      loc: ['body', 'audio_config', 'output', 'add_wav_header'],
      input: true,
      ctx: { error: expect.stringContaining('data_only') },
    });
    expect(details(withOutput({ max_chunk_duration_ms: 5.5 }))[0]).toMatchObject({ type: 'int_from_float' });
  });
});

describe('continue / new conversation memory', () => {
  it('remembers per character inside the profile settings, forgets on request', () => {
    const s0 = { endpoint: 'https://live.convai.com' };
    const s1 = rememberSession(s0, 'char-a', 'sess-1', new Date('2026-01-01T00:00:00Z'));
    const s2 = rememberSession(s1, 'char-b', 'sess-2');
    expect(s0).toEqual({ endpoint: 'https://live.convai.com' });
    expect(rememberedSession(s2, 'char-a')).toEqual({ character_session_id: 'sess-1', updated_at: '2026-01-01T00:00:00.000Z' });
    expect(rememberedSession(s2, 'char-b')!.character_session_id).toBe('sess-2');
    expect(rememberedSession(forgetSession(s2, 'char-a'), 'char-a')).toBeUndefined();
    expect(validateSchema(settingsSchema, s2)).toEqual([]);
    expect(withConversation({ character_id: 'a' }, 'sess-1')).toEqual({ character_id: 'a', character_session_id: 'sess-1' });
    expect(withConversation({ character_id: 'a', character_session_id: 'x' }, undefined)).toEqual({ character_id: 'a' });
  });
});
