import { describe, expect, it } from 'vitest';
import { validatePayload } from '../../../src-main/core/payload.ts';
import { tencent } from '../../../src-main/core/vendors/tencent/index.ts';
import { EXAMPLES, REGIONS, regionWarning } from '../../../src-main/core/vendors/tencent/common/schemas.ts';
import { errorField, parseResponse } from '../../../src-main/core/vendors/tencent/client.ts';

const start = tencent.operations.find((o) => o.id === 'StartAIConversation')!;
const example = () => structuredClone(EXAMPLES.StartAIConversation) as Record<string, Record<string, unknown>>;
const kinds = (p: unknown) => validatePayload(start, p).map((f) => [f.path, f.severity]);

describe('StartAIConversation: documented errors, inferred warnings', () => {
  it('the document example is clean', () => {
    expect(validatePayload(start, EXAMPLES.StartAIConversation)).toEqual([]);
  });

  it('documented constraints are errors with their source', () => {
    const p = example();
    delete p.AgentConfig!.TargetUserId;
    p.AgentConfig!.InterruptSpeechDuration = 100;
    p.RoomIdType = 7 as never;
    const findings = validatePayload(start, p);
    expect(findings.map((f) => [f.path, f.severity])).toEqual([
      ['/RoomIdType', 'error'],
      ['/AgentConfig/TargetUserId', 'error'],
      ['/AgentConfig/InterruptSpeechDuration', 'error'],
    ]);
    expect(findings[1]!.source).toEqual({ kind: 'documented', ref: 'docs/vendors/tencent.md#agentconfig' });
  });

  it("inferred constraints (the UserSig SDKs' user id rule) and undocumented parameters are warnings", () => {
    const p = example();
    p.AgentConfig!.UserId = 'bot with spaces';
    (p as Record<string, unknown>).BotMood = 'cheerful';
    expect(kinds(p)).toEqual([
      ['/AgentConfig/UserId', 'warning'],
      ['/BotMood', 'warning'],
    ]);
    expect(validatePayload(start, p)[0]!.source).toEqual({ kind: 'inferred', ref: 'docs/vendors/tencent.md#user-ids' });
  });

  it('TTSConfig is open: any TTSType passes, known types keep their sub-form rules, unknown ones get one warning', () => {
    const azure = example();
    azure.TTSConfig = { TTSType: 'azure', SubscriptionKey: 'k', Region: 'eastasia', VoiceName: 'zh-CN-XiaoxiaoNeural' };
    expect(validatePayload(start, azure)).toEqual([
      {
        path: '/TTSConfig/TTSType',
        severity: 'warning',
        message: expect.stringMatching(/"azure" has no sub-form .*sent as typed/),
        source: { kind: 'documented', ref: 'docs/vendors/tencent.md#open-types' },
      },
    ]);
    // As a wire string too (the CLI's --body, a pasted payload).
    expect(kinds({ ...azure, TTSConfig: JSON.stringify(azure.TTSConfig) })).toEqual([['/TTSConfig/TTSType', 'warning']]);
    // Tencent TTS, documented on the page: its required fields are errors.
    const tencentTts = example();
    delete tencentTts.TTSConfig!.VoiceType;
    tencentTts.TTSConfig!.Speed = 9;
    expect(kinds(tencentTts)).toEqual([
      ['/TTSConfig/VoiceType', 'error'],
      ['/TTSConfig/Speed', 'error'],
    ]);
    // flow: rules from the SDK models only, so warnings.
    const flow = example();
    flow.TTSConfig = { TTSType: 'flow', Speed: 3 };
    expect(kinds(flow)).toEqual([
      ['/TTSConfig/VoiceId', 'warning'],
      ['/TTSConfig/Speed', 'warning'],
    ]);
    // The type itself is documented as required.
    const none = example();
    none.TTSConfig = { VoiceType: 1 };
    expect(kinds(none)).toEqual([['/TTSConfig/TTSType', 'error']]);
  });

  it('LLMConfig is open the same way ("LLMType such as openai")', () => {
    const p = example();
    p.LLMConfig = { LLMType: 'minimax', APIKey: 'k', GroupId: 'g' };
    expect(kinds(p)).toEqual([['/LLMConfig/LLMType', 'warning']]);
    const openai = example();
    delete openai.LLMConfig!.APIUrl;
    expect(kinds(openai)).toEqual([['/LLMConfig/APIUrl', 'error']]);
  });
});

describe('regions', () => {
  it('offers the four the document lists; another region is a warning, never refused', () => {
    expect([...REGIONS]).toEqual(['ap-guangzhou', 'ap-singapore', 'ap-tokyo', 'na-siliconvalley']);
    for (const r of REGIONS) expect(regionWarning(r)).toBeNull();
    expect(regionWarning('na-ashburn')).toMatch(/lists only ap-guangzhou.*other Tencent pages list it.*sent as is/);
    expect(regionWarning('eu-frankfurt')).toMatch(/lists only .* sent as is, Tencent may answer UnsupportedRegion/);
    const region = tencent.settingsSchema.properties!.region!;
    expect(region.enum).toBeUndefined();
    expect(region.examples).toEqual([...REGIONS]);
    expect(region['x-allow-custom']).toBe(true);
  });
});

describe('vendor errors point at their field', () => {
  it('InvalidParameter.<Field> and backquoted parameters become JSON pointers', () => {
    expect(errorField('InvalidParameter.RoomId', 'x')).toBe('/RoomId');
    expect(errorField('InvalidParameter.UserSig', 'x')).toBe('/AgentConfig/UserSig');
    expect(errorField('InvalidParameterValue', 'The value of the parameter `AgentConfig.InterruptSpeechDuration` is invalid')).toBe(
      '/AgentConfig/InterruptSpeechDuration',
    );
    expect(errorField('MissingParameter', 'The request is missing a required parameter `RoomId`.')).toBe('/RoomId');
    expect(errorField('MissingParameter', 'missing `Action`')).toBeUndefined();
    expect(errorField('FailedOperation.NotAbility', '`RoomId`')).toBeUndefined();
    const parsed = parseResponse({
      status: 200,
      bodyText: '',
      json: { Response: { Error: { Code: 'InvalidParameter.RoomId', Message: 'bad room' }, RequestId: 'r-1' } },
    });
    expect(parsed).toMatchObject({ ok: false, error: { code: 'InvalidParameter.RoomId', requestId: 'r-1', field: '/RoomId' } });
  });
});
