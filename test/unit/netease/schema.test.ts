import { describe, expect, it } from 'vitest';
import { validatePayload } from '../../../src-main/core/payload.ts';
import { netease } from '../../../src-main/core/vendors/netease/index.ts';
import { CLOSE_EXAMPLE, MODE_EXAMPLES, createMode, vendorNumberLabels } from '../../../src-main/core/vendors/netease/common/schema.ts';
import { INTERRUPT_WORDS_MESSAGE } from '../../../src-main/core/vendors/netease/common/rules.ts';
import { validateSchema } from '../../../src-main/core/payload.ts';

const create = netease.operations.find((o) => o.id === 'create')!;
const close = netease.operations.find((o) => o.id === 'close')!;
const clone = <T>(v: T): T => structuredClone(v);
type Body = { data: Record<string, Record<string, unknown>> } & Record<string, unknown>;

describe('NetEase create schema', () => {
  it('accepts the three doc examples, each recognised as its mode', () => {
    for (const [mode, example] of Object.entries(MODE_EXAMPLES)) {
      expect(validatePayload(create, example), mode).toEqual([]);
      expect(createMode(example.data)).toBe(mode);
    }
    expect(validatePayload(close, CLOSE_EXAMPLE)).toEqual([]);
  });

  it('close: its page was not captured, so every rule is a warning', () => {
    expect(validatePayload(close, { cname: 'r' }).map((f) => [f.path, f.severity])).toEqual([
      ['/taskId', 'warning'],
      ['/taskType', 'warning'],
    ]);
  });

  it('has the create example from the doc as the operation example', () => {
    expect(create.example).toEqual(MODE_EXAMPLES.parameters);
  });

  it('interruptMode 4 without interruptWords: one clear error from the rule (schema if/then says the same)', () => {
    const body = clone(MODE_EXAMPLES.parameters) as Body;
    delete body.data.pipeline!.interruptWords;
    const documented = { severity: 'error', source: { kind: 'documented', ref: 'docs/vendors/netease.md#request-body' } };
    expect(validatePayload(create, body)).toEqual([{ path: '/data/pipeline/interruptWords', message: INTERRUPT_WORDS_MESSAGE, ...documented }]);
    expect(INTERRUPT_WORDS_MESSAGE).toBe('pipeline.interruptWords: required when interruptMode is 4 (custom interrupt words)');
    // The schema alone also rejects it (the sandbox and any JSON Schema tool see the rule too).
    expect(validateSchema(create.schema, body)).toEqual([{ path: '/data/pipeline/interruptWords', message: INTERRUPT_WORDS_MESSAGE, ...documented }]);
    body.data.pipeline!.interruptWords = [];
    expect(validatePayload(create, body).map((e) => e.message)).toEqual([INTERRUPT_WORDS_MESSAGE]);
    expect(validateSchema(create.schema, body).map((e) => e.message)).toEqual([INTERRUPT_WORDS_MESSAGE]);
    body.data.pipeline!.interruptMode = 2;
    expect(validatePayload(create, body)).toEqual([]);
  });

  it('enforces the documented ranges, naming only the field of the chosen mode', () => {
    const cases: [string, string, unknown, string][] = [
      ['llm', 'temperature', 1.5, '/data/llm/temperature: expected a number <= 1'],
      ['llm', 'contextSize', 0, '/data/llm/contextSize: expected a number > 0'],
      ['llm', 'contextSize', 21, '/data/llm/contextSize: expected a number <= 20'],
      ['tts', 'speed', 0.5, '/data/tts/speed: expected a number >= 0.8'],
      ['tts', 'volume', 2.5, '/data/tts/volume: expected a number <= 2'],
      ['tts', 'language', 'French', '/data/tts/language: expected one of "Chinese", "English"'],
      ['llm', 'role', 15, '/data/llm/role: expected one of null, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14'],
      ['llm', 'llmVendor', 'one', '/data/llm/llmVendor: expected number'],
    ];
    for (const [section, field, value, message] of cases) {
      const body = clone(MODE_EXAMPLES.parameters) as Body;
      body.data[section]![field] = value;
      const findings = validatePayload(create, body);
      expect(
        findings.map((e) => [e.message, e.severity]),
        `${section}.${field}`,
      ).toEqual([[message, 'error']]);
    }
    const rt = clone(MODE_EXAMPLES.parameters) as Body;
    rt.data.llm!.realTimeParam = { vadThreshold: 1 };
    expect(validatePayload(create, rt).map((e) => e.message)).toEqual(['/data/llm/realTimeParam/vadThreshold: expected a number < 1']);
  });

  it('vendor numbers are free integers with the known values labelled', () => {
    const body = clone(MODE_EXAMPLES.parameters) as Body;
    body.data.asr!.asrVendor = 42;
    expect(validatePayload(create, body)).toEqual([]);
    const asrVendor = create.schema.properties!.data!.oneOf![0]!.properties!.asr!.properties!.asrVendor!;
    expect(asrVendor.enum).toBeUndefined();
    expect(Object.keys(asrVendor['x-enum-labels']!)).toEqual(['5', '6']);
    const labels = vendorNumberLabels({ vendorLabels: { ttsVendor: { '6': 'Volcengine' }, asrVendor: { '42': 'Our ASR' } } });
    expect(labels.ttsVendor['6']).toBe('6 · Volcengine (team label)');
    expect(labels.asrVendor['42']).toBe('42 · Our ASR (team label)');
    expect(labels.ttsVendor['3']).toMatch(/CosyVoice/);
  });

  it('role presets carry their names in both languages', () => {
    const role = create.schema.properties!.data!.oneOf![0]!.properties!.llm!.properties!.role!;
    expect(role['x-enum-labels']!['13']).toEqual({ en: '13 · Zhuge Liang', zh: '13 · 诸葛亮' });
    expect(role.default).toBe(1);
  });

  it('role may be 0, empty (null) or left out, as the role section says; 0/empty without a prompt is only a warning', () => {
    for (const role of [0, null, undefined]) {
      const body = clone(MODE_EXAMPLES.parameters) as Body;
      if (role === undefined) delete body.data.llm!.role;
      else body.data.llm!.role = role;
      const findings = validatePayload(create, body);
      expect(
        findings.filter((f) => f.severity === 'error'),
        String(role),
      ).toEqual([]);
      expect(
        findings.map((f) => f.path),
        String(role),
      ).toEqual(role === undefined ? [] : ['/data/llm/customPrompt']);
      body.data.llm!.customPrompt = '你是一位耐心的数学老师';
      expect(validatePayload(create, body), String(role)).toEqual([]);
    }
  });

  it('a template placeholder without a value is a warning (inferred)', () => {
    const body = clone(MODE_EXAMPLES.parameters) as Body;
    body.data.llm!.role = 0;
    body.data.llm!.customPromptKeyWord = { name: '小乐' };
    body.data.llm!.customPromptFormat = '角色: {{name}}, 年龄: {{age}}';
    expect(validatePayload(create, body)).toEqual([
      {
        path: '/data/llm/customPromptKeyWord',
        message: 'llm.customPromptKeyWord: no value for {{age}} used in customPromptFormat',
        severity: 'warning',
        source: { kind: 'inferred', ref: 'docs/vendors/netease.md#role' },
      },
    ]);
    (body.data.llm!.customPromptKeyWord as Record<string, string>).age = '24';
    expect(validatePayload(create, body)).toEqual([]);
  });

  it('inferred constraints are warnings: a fractional vendor number, an over-long cname', () => {
    const body = clone(MODE_EXAMPLES.parameters) as Body;
    body.data.asr!.asrVendor = 5.5;
    body.cname = 'r'.repeat(300);
    expect(validatePayload(create, body).map((f) => [f.path, f.severity, f.source?.kind])).toEqual([
      ['/cname', 'warning', 'inferred'],
      ['/data/asr/asrVendor', 'warning', 'inferred'],
    ]);
  });

  it("mode switch: shapes that mix modes or miss the agent fields are rejected with that mode's errors", () => {
    const agent = clone(MODE_EXAMPLES.agent) as Body;
    delete agent.data.agent!.userId;
    expect(validatePayload(create, agent).map((e) => e.message)).toEqual(['/data/agent/userId: required']);
    const mixed = clone(MODE_EXAMPLES.agentParameters) as Body;
    delete mixed.data.llm!.agentParam;
    expect(validatePayload(create, mixed).map((e) => e.message)).toEqual(['/data/llm/agentParam: required']);
    // A field the agent mode does not document is a warning, not a reason to pick another mode.
    const agentPlusAsr = clone(MODE_EXAMPLES.agent) as Body;
    agentPlusAsr.data.asr = { asrVendor: 5 };
    expect(validatePayload(create, agentPlusAsr)).toEqual([
      { path: '/data/asr', message: "/data/asr: not in the vendor's documentation (sent as is)", severity: 'warning' },
    ]);
    // Agent + parameters mode: asr/tts/pipeline optional (the agent supplies them); llmVendor stays required (the table).
    expect(validatePayload(create, { cname: 'r', taskType: 7, data: { llm: { llmVendor: 1, enableAgent: true, agentParam: { agentId: 'a' } } } })).toEqual([]);
    expect(validatePayload(create, { cname: 'r', taskType: 7, data: { llm: { enableAgent: true, agentParam: { agentId: 'a' } } } })).toEqual([
      {
        path: '/data/llm/llmVendor',
        message: '/data/llm/llmVendor: required',
        severity: 'error',
        source: { kind: 'documented', ref: 'docs/vendors/netease.md#request-body' },
      },
    ]);
  });

  it('taskType is fixed to 7 and the per-call variant is server or client', () => {
    expect(validatePayload(create, { ...MODE_EXAMPLES.agent, taskType: 8 }).map((e) => e.path)).toEqual(['/taskType']);
    expect(validatePayload(create, { ...MODE_EXAMPLES.agent, variant: 'client' })).toEqual([]);
    expect(validatePayload(create, { ...MODE_EXAMPLES.agent, variant: 'web' }).map((e) => e.path)).toEqual(['/variant']);
  });

  it('settings: defaults validate, variant is server or client', () => {
    expect(validateSchema(netease.settingsSchema, netease.defaultSettings('live'))).toEqual([]);
    expect(validateSchema(netease.settingsSchema, { ...netease.defaultSettings('sandbox'), variant: 'x' }).map((e) => e.path)).toEqual(['/variant']);
  });
});

describe('NetEase errors point at their field', () => {
  it("a message that starts with a JSON pointer or the doc's dotted name marks that field", async () => {
    const { errorField, parseTaskResponse } = await import('../../../src-main/core/vendors/netease/client.ts');
    expect(errorField('/data/tts/speed: expected a number <= 2')).toBe('/data/tts/speed');
    expect(errorField('pipeline.interruptWords: required when interruptMode is 4 (custom interrupt words)')).toBe('/data/pipeline/interruptWords');
    expect(errorField('CheckSum mismatch: expected sha1(…)')).toBeUndefined();
    const parsed = parseTaskResponse(
      { status: 200, bodyText: '', json: { code: 601, errmsg: '/data/tts/volume: expected a number <= 2', requestId: 'r' } },
      'server',
      'room',
    );
    expect(parsed).toMatchObject({ ok: false, error: { code: '601', field: '/data/tts/volume', requestId: 'r' } });
  });
});
