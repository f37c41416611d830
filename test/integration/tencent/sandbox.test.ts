import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { OperationOutcome } from '../../../src-main/core/vendors/types.ts';
import { tencent } from '../../../src-main/core/vendors/tencent/index.ts';
import { SANDBOX_CREDENTIALS, TencentSandbox } from '../../../src-main/core/vendors/tencent/sandbox.ts';
import { genUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';
import { signTc3 } from '../../../src-main/core/vendors/tencent/tc3.ts';

const APP = Number(SANDBOX_CREDENTIALS.SDK_APP_ID);
const botSig = () => genUserSig({ sdkAppId: APP, userId: 'bot_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY });

function startPayload(sessionId: string) {
  return {
    SdkAppId: APP,
    RoomId: 'room_e2e',
    RoomIdType: 1,
    SessionId: sessionId,
    AgentConfig: { UserId: 'bot_1', UserSig: botSig(), TargetUserId: 'user_1', SubtitleMode: 1 },
    LLMConfig: {
      LLMType: 'openai',
      Model: 'gpt-4o-mini',
      APIKey: '{{secret:LLM_API_KEY}}',
      APIUrl: 'https://llm.example/v1/chat/completions',
      Streaming: true,
    },
    TTSConfig: { TTSType: 'tencent', AppId: 1300000000, SecretId: '{{secret:TTS_SECRET_ID}}', SecretKey: '{{secret:TTS_SECRET_KEY}}', VoiceType: 1008 },
  };
}

describe('tencent client against the sandbox, through the session engine', () => {
  const host = new SandboxHost();
  let clock = Date.now();
  const sandbox = new TencentSandbox({ now: () => clock });
  let dir: string;
  let creds: Record<string, string> = { ...SANDBOX_CREDENTIALS };
  let manager: SessionManager;
  const profile = (settings: Record<string, unknown> = {}): Profile => ({
    id: 'tc',
    name: 'tc',
    vendor: 'tencent',
    target: 'sandbox',
    settings: { ...tencent.defaultSettings(), ...settings },
    createdAt: '',
    updatedAt: '',
  });

  async function call(
    action: string,
    payload: Record<string, unknown>,
    settings?: Record<string, unknown>,
  ): Promise<{ outcome: OperationOutcome; file: string; id: string }> {
    const operation = tencent.operations.find((o) => o.id === action)!;
    const { sessionId, done } = await manager.start({ vendor: tencent, operation, profile: profile(settings), payload, sandboxUrl: host.vendorUrl('tencent') });
    if (operation.transport === 'room') {
      // A room session waits for the renderer; stop it once the control plane answered (its task left to the test).
      for (let i = 0; i < 200 && manager.isLive(sessionId); i++) {
        if (manager.events(sessionId).events.some((e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end')) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await manager.stop(sessionId, { closeTask: false });
    }
    return { outcome: await done, file: manager.directory.eventsFile(sessionId), id: sessionId };
  }

  beforeAll(async () => {
    sandbox.mount(host);
    await host.start();
    dir = mkdtempSync(join(tmpdir(), 'parley-tencent-'));
    manager = new SessionManager(new SessionDirectory(dir), async (_p, name) => creds[name]);
  });
  afterAll(() => host.close());

  it('Start → Describe walks Idle, Preparing, InProgress → Stop → Describe Stopped', async () => {
    clock = Date.now();
    const start = await call('StartAIConversation', startPayload('s-walk'));
    expect(start.outcome.ok).toBe(true);
    const taskId = (start.outcome.result as { TaskId: string }).TaskId;
    expect(taskId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const statuses: string[] = [];
    for (const advance of [0, 500, 2000]) {
      clock += advance;
      const d = await call('DescribeAIConversation', { TaskId: taskId });
      statuses.push((d.outcome.result as { Status: string }).Status);
    }
    expect(statuses).toEqual(['Idle', 'Preparing', 'InProgress']);
    expect((await call('DescribeAIConversation', { SessionId: 's-walk' })).outcome.result).toMatchObject({ TaskId: taskId, Status: 'InProgress' });
    expect((await call('StopAIConversation', { TaskId: taskId })).outcome.ok).toBe(true);
    const after = await call('DescribeAIConversation', { TaskId: taskId });
    expect(after.outcome.result).toMatchObject({ Status: 'Stopped', SessionId: 's-walk' });
    expect(after.outcome.summary).toContain('Status Stopped');

    // Stopping again, and updating/controlling a stopped task: TaskNotExist.
    for (const [action, p] of [
      ['StopAIConversation', { TaskId: taskId }],
      ['ControlAIConversation', { TaskId: taskId, Command: 'ServerPushText', ServerPushText: { Text: 'hi' } }],
    ] as const) {
      const r = await call(action, p);
      expect(r.outcome.error).toMatchObject({ code: 'FailedOperation.TaskNotExist', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
  });

  it('the wire body carries LLMConfig/TTSConfig as JSON strings with the keys resolved, and the record redacts them', async () => {
    const start = await call('StartAIConversation', startPayload('s-redact'));
    expect(start.outcome.ok).toBe(true);
    const record = readFileSync(start.file, 'utf8');
    for (const secret of [
      SANDBOX_CREDENTIALS.LLM_API_KEY,
      SANDBOX_CREDENTIALS.TTS_SECRET_KEY,
      SANDBOX_CREDENTIALS.TTS_SECRET_ID,
      SANDBOX_CREDENTIALS.SECRET_KEY,
      SANDBOX_CREDENTIALS.SECRET_ID,
    ])
      expect(record).not.toContain(secret);
    const events = record
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const request = events.find((e) => e.kind === 'http.request');
    expect(typeof request.data.body.LLMConfig).toBe('string');
    expect(JSON.parse(request.data.body.LLMConfig)).toMatchObject({ LLMType: 'openai', APIKey: '«redacted»' });
    expect(request.data.headers.Authorization).toBe('«redacted»');
    expect(events.find((e) => e.kind === 'tencent.signature').data.canonicalRequest).toContain('x-tc-action:startaiconversation');
  });

  it('a repeated SessionId is FailedOperation.TaskExist', async () => {
    expect((await call('StartAIConversation', startPayload('s-dup'))).outcome.ok).toBe(true);
    const again = await call('StartAIConversation', startPayload('s-dup'));
    expect(again.outcome.error).toMatchObject({ code: 'FailedOperation.TaskExist' });
  });

  it('a UserSig that does not verify is InvalidParameter.UserSig', async () => {
    const p = startPayload('s-sig');
    p.AgentConfig.UserSig = 'user_signature_example';
    const r = await call('StartAIConversation', p);
    expect(r.outcome.error).toMatchObject({ code: 'InvalidParameter.UserSig', message: expect.stringContaining('UserSig is expired or wrong') });
  });

  it('a wrong SecretKey is AuthFailure.SignatureFailure with message and RequestId; the wrong key never reaches the record', async () => {
    creds = { ...SANDBOX_CREDENTIALS, SECRET_KEY: 'wrong-key-123456' };
    try {
      const r = await call('DescribeAIConversation', { TaskId: 'x' });
      expect(r.outcome.error).toMatchObject({
        code: 'AuthFailure.SignatureFailure',
        message: expect.stringContaining('signature'),
        requestId: expect.any(String),
        httpStatus: 200,
      });
      const record = readFileSync(r.file, 'utf8');
      expect(record).not.toContain('wrong-key-123456');
      const err = record
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((e) => e.kind === 'error');
      expect(err.summary).toMatch(/^AuthFailure\.SignatureFailure · .+ · request [0-9a-f-]{36}$/);
      creds = { ...SANDBOX_CREDENTIALS, SECRET_ID: 'AKIDunknown0000' };
      expect((await call('DescribeAIConversation', { TaskId: 'x' })).outcome.error?.code).toBe('AuthFailure.SecretIdNotFound');
    } finally {
      creds = { ...SANDBOX_CREDENTIALS };
    }
  });

  it('a timestamp more than 5 minutes old is AuthFailure.SignatureExpire (settings override)', async () => {
    // Behind the sandbox's clock (frozen in this file), not the wall clock: on a busy machine the earlier tests take
    // seconds, and a wall-clock timestamp would then be less than 300 s behind the sandbox. 305, not 301: the client
    // learns the server clock from a Date header, which has whole seconds.
    const r = await call('DescribeAIConversation', { TaskId: 'x' }, { timestampOverride: Math.floor(clock / 1000) - 305 });
    expect(r.outcome.error?.code).toBe('AuthFailure.SignatureExpire');
    const events = readFileSync(r.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.some((e) => e.kind === 'tencent.clock-skew')).toBe(true);
  });

  it('the older SDK signature (content-type;host) is accepted too', async () => {
    const r = await call('DescribeAIConversation', { TaskId: 'missing' }, { signedHeaders: 'content-type;host' });
    expect(r.outcome.error?.code).toBe('FailedOperation.TaskNotExist');
  });

  it('parameter errors come from the same schemas, documented constraints only: MissingParameter, InvalidParameter…', async () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['StopAIConversation', {}, 'MissingParameter', /TaskId/],
      ['DescribeAIConversation', {}, 'MissingParameter', /TaskId or SessionId/],
      ['StartAIConversation', { ...startPayload('s-bad'), SdkAppId: 'abc' }, 'InvalidParameter.SdkAppId', /SdkAppId/],
      [
        'StartAIConversation',
        { ...startPayload('s-bad2'), LLMConfig: { LLMType: 'openai', APIKey: 'k', APIUrl: 'u' } },
        'MissingParameter',
        /LLMConfig\.Model/,
      ],
      ['UpdateAIConversation', { TaskId: 't', InterruptSpeechDuration: 100 }, 'InvalidParameterValue', /InterruptSpeechDuration/],
    ];
    for (const [action, payload, code, message] of cases) {
      const operation = tencent.operations.find((o) => o.id === action)!;
      const { done } = await manager.start({ vendor: tencent, operation, profile: profile(), payload, sandboxUrl: host.vendorUrl('tencent') });
      const outcome = await done;
      expect(outcome.error, `${action} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });

  it('undocumented parameters, an unknown TTSType and an inferred rule pass, with the warnings in a response header', async () => {
    const payload = { ...startPayload('s-open-1'), BotMood: 'cheerful', TTSConfig: { TTSType: 'elevenlabs', APIKey: 'k', VoiceId: 'v' } };
    const { outcome, id } = await call('StartAIConversation', payload);
    expect(outcome.ok, JSON.stringify(outcome.error)).toBe(true);
    const events = manager.events(id).events;
    const response = events.find((e) => e.kind === 'http.response')!.data as { headers: Record<string, string> };
    expect(JSON.parse(response.headers['x-parley-sandbox-warnings']!)).toEqual([
      "/BotMood: not in the vendor's documentation (sent as is)",
      '/TTSConfig/TTSType: "elevenlabs" has no sub-form in Parley (known: flow, tencent); its settings are sent as typed [docs/vendors/tencent.md#open-types]',
    ]);
    expect(host.recentNotes('tencent').map((n) => n.message)).toContain("StartAIConversation: /BotMood: not in the vendor's documentation (sent as is)");
  });

  it('a TTSConfig that is not a JSON string on the wire is InvalidParameter.TTSConfig (the documented type)', async () => {
    const p = startPayload('s-wire');
    const body = JSON.stringify({ ...p, LLMConfig: JSON.stringify(p.LLMConfig), TTSConfig: { TTSType: 'tencent' } });
    const now = Math.floor(clock / 1000);
    const signed = signTc3({
      secretId: SANDBOX_CREDENTIALS.SECRET_ID,
      secretKey: SANDBOX_CREDENTIALS.SECRET_KEY,
      host: new URL(host.baseUrl).host,
      service: 'trtc',
      action: 'StartAIConversation',
      version: '2019-07-22',
      region: 'ap-guangzhou',
      timestamp: now,
      body,
    });
    const res = await fetch(`${host.vendorUrl('tencent')}/`, { method: 'POST', headers: signed.headers, body });
    expect(((await res.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toBe('InvalidParameter.TTSConfig');
  });

  it("regions: the document's four pass; another is sent with a warning and answered UnsupportedRegion", async () => {
    for (const region of ['ap-singapore', 'ap-tokyo', 'na-siliconvalley'])
      expect((await call('DescribeAIConversation', { TaskId: 'x' }, { region })).outcome.error?.code, region).toBe('FailedOperation.TaskNotExist');
    const r = await call('DescribeAIConversation', { TaskId: 'x' }, { region: 'na-ashburn' });
    expect(r.outcome.error).toMatchObject({ code: 'UnsupportedRegion', message: expect.stringContaining('na-ashburn') });
    const events = manager.events(r.id).events;
    expect(events.find((e) => e.kind === 'tencent.region')!.summary).toMatch(/region na-ashburn: the StartAIConversation document lists only/);
  });

  it("every documented code can be injected in Tencent's envelope, and the official SDK reads it as that error", async () => {
    const { CommonClient } = await import('tencentcloud-sdk-nodejs-common');
    const client = new CommonClient(`${new URL(host.baseUrl).host}/tencent`, '2019-07-22', {
      credential: { secretId: SANDBOX_CREDENTIALS.SECRET_ID, secretKey: SANDBOX_CREDENTIALS.SECRET_KEY },
      region: 'ap-guangzhou',
      profile: { httpProfile: { protocol: 'http://' } },
    });
    const codes = host
      .catalogue()
      .find((c) => c.vendor === 'tencent')!
      .errors.map((e) => e.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'FailedOperation.NotAbility',
        'FailedOperation.NotAllowed',
        'ResourceInsufficient.RequestRejection',
        'FailedOperation.TaskExist',
        'InvalidParameter.UserSig',
        'FailedOperation.TaskNotExist',
        'InvalidParameter.TaskId',
        'UnsupportedRegion',
      ]),
    );
    try {
      for (const code of codes) {
        host.setFault('tencent', { kind: 'vendor-error', code });
        const err = (await client.request('StartAIConversation', startPayload(`s-fault-${code}`)).then(
          () => null,
          (e: unknown) => e,
        )) as { code?: string; requestId?: string; message?: string; getRequestId?: () => string } | null;
        expect(err, code).not.toBeNull();
        // The SDK's TencentCloudSDKHttpException (not a JSON parse failure): it found Response.Error.
        expect(err!.constructor.name, code).toBe('TencentCloudSDKHttpException');
        expect(err!.getRequestId!(), code).toBe(err!.requestId);
        expect(err!.code, code).toBe(code);
        expect(err!.requestId, code).toMatch(/^[0-9a-f-]{36}$/);
        expect(err!.message, code).toContain('(injected fault)');
      }
      // And Parley reads it with the code, message and request id.
      host.setFault('tencent', { kind: 'vendor-error', code: 'FailedOperation.NotAbility' });
      const r = await call('StartAIConversation', startPayload('s-fault-parley'));
      expect(r.outcome.error).toMatchObject({
        code: 'FailedOperation.NotAbility',
        message: 'Need to unlock the required ability (injected fault)',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    } finally {
      host.setFault('tencent', null);
    }
  });

  it('RequestLimitExceeded at 21 requests within one second', async () => {
    clock += 1001; // the sandbox clock is frozen in this file: leave the window of earlier calls
    const now = Math.floor(clock / 1000);
    const send = async () => {
      const body = JSON.stringify({ TaskId: 'rate' });
      const s = signTc3({
        secretId: SANDBOX_CREDENTIALS.SECRET_ID,
        secretKey: SANDBOX_CREDENTIALS.SECRET_KEY,
        host: new URL(host.baseUrl).host,
        service: 'trtc',
        action: 'ControlAIConversation',
        version: '2019-07-22',
        region: 'ap-guangzhou',
        timestamp: now,
        body,
      });
      const res = await fetch(`${host.vendorUrl('tencent')}/`, { method: 'POST', headers: s.headers, body });
      return ((await res.json()) as { Response: { Error?: { Code: string } } }).Response.Error?.Code;
    };
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 21; i++) codes.push(await send());
    expect(codes.slice(0, 20), JSON.stringify(codes)).toSatisfy((c: unknown[]) => c.every((c) => c === 'MissingParameter')); // passes the limiter, then fails validation
    expect(codes[20]).toBe('RequestLimitExceeded');
    clock += 1001;
    expect(await send()).toBe('MissingParameter');
  });

  it('host faults become specific error events and end the session', async () => {
    const expectations: [object, string][] = [
      [{ kind: 'malformed' }, 'MalformedResponse'],
      [{ kind: 'status', status: 503 }, 'HTTP 503'],
      [{ kind: 'reset' }, 'connection_reset'],
    ];
    try {
      for (const [fault, code] of expectations) {
        host.setFault('tencent', fault as never);
        const r = await call('DescribeAIConversation', { TaskId: 'x' });
        expect(r.outcome).toMatchObject({ ok: false, error: { code } });
        const kinds = readFileSync(r.file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).kind);
        expect(kinds).toContain('error');
        expect(kinds.at(-1)).toBe('session.end');
      }
    } finally {
      host.setFault('tencent', null);
    }
  });

  it('inspect() shows the signing steps with the SecretId masked and warns about a stale timestamp', async () => {
    const op = tencent.operations.find((o) => o.id === 'DescribeAIConversation')!;
    const inspection = await op.inspect!({
      profile: profile({ timestampOverride: 1551113065 }),
      sandboxUrl: host.vendorUrl('tencent'),
      payload: { TaskId: 'abc' },
      credential: async (n) => creds[n]!,
      mask: (v) => `••••${v.slice(-4)}`,
      now: () => Date.now(),
    });
    expect(inspection.steps.map((s) => s.label)).toEqual([
      'Canonical request',
      'String to sign',
      'Signed headers',
      'Signature',
      'Authorization (SecretId masked)',
    ]);
    expect(inspection.steps[1]!.value).toContain('2019-02-25/trtc/tc3_request');
    expect(inspection.headers.Authorization).toContain('Credential=••••0001/2019-02-25/trtc/tc3_request');
    expect(JSON.stringify(inspection)).not.toContain(SANDBOX_CREDENTIALS.SECRET_ID);
    expect(JSON.stringify(inspection)).not.toContain(SANDBOX_CREDENTIALS.SECRET_KEY);
    expect(inspection.warnings[0]).toMatch(/SignatureExpire/);
    expect(inspection.body).toBe('{"TaskId":"abc"}');
  });

  it('roomJoin mints a UserSig for TargetUserId and uses strRoomId for RoomIdType 1', async () => {
    const info = await tencent.roomJoin!({ profile: profile(), payload: startPayload('s-join'), result: { TaskId: 't1' }, credential: async (n) => creds[n]! });
    expect(info.params).toMatchObject({ sdkAppId: APP, userId: 'user_1', strRoomId: 'room_e2e', botUserId: 'bot_1', subtitleMode: 1, taskId: 't1' });
    expect(info.params.roomId).toBeUndefined();
    expect(info.sensitive).toEqual(['userSig']);
    const { verifyUserSig } = await import('../../../src-main/core/vendors/tencent/usersig.ts');
    expect(verifyUserSig({ userSig: info.params.userSig as string, sdkAppId: APP, userId: 'user_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY }).ok).toBe(
      true,
    );
    const numeric = await tencent.roomJoin!({
      profile: profile(),
      payload: { ...startPayload('s'), RoomId: '1234', RoomIdType: 0 },
      result: {},
      credential: async (n) => creds[n]!,
    });
    expect(numeric.params).toMatchObject({ roomId: 1234 });
  });
});
