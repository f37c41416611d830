import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { SANDBOX_CREDENTIALS } from '../../../src-main/core/vendors/tencent/sandbox.ts';
import { verifyUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';

describe('tencent through createCore', () => {
  const core = createCore({ dataDir: mkdtempSync(join(tmpdir(), 'parley-tc-core-')), secrets: new MemorySecretStore(), seedSandboxProfiles: true });
  afterAll(() => core.close());

  it('room.credential mints a bot UserSig for the profile app; Start with it succeeds; room.join mints the console user', async () => {
    const profile = (await core.handlers['profiles.list']({})).find((p) => p.vendor === 'tencent')!;
    const minted = await core.handlers['room.credential']({ profileId: profile.id, userId: 'bot_7' });
    expect(minted.params).toEqual({ sdkAppId: Number(SANDBOX_CREDENTIALS.SDK_APP_ID), userId: 'bot_7' });
    expect(
      verifyUserSig({
        userSig: minted.credential,
        sdkAppId: Number(SANDBOX_CREDENTIALS.SDK_APP_ID),
        userId: 'bot_7',
        secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY,
      }).ok,
    ).toBe(true);

    const payload = {
      SdkAppId: minted.params.sdkAppId,
      RoomId: '8001',
      AgentConfig: { UserId: 'bot_7', UserSig: minted.credential, TargetUserId: 'console_1' },
      LLMConfig: { LLMType: 'openai', Model: 'm', APIKey: '{{secret:LLM_API_KEY}}', APIUrl: 'https://x' },
    };
    expect(await core.handlers['payload.validate']({ vendor: 'tencent', operation: 'StartAIConversation', payload })).toEqual([]);
    const inspection = await core.handlers['payload.inspect']({ profileId: profile.id, operation: 'StartAIConversation', payload });
    expect(JSON.stringify(inspection)).not.toContain(SANDBOX_CREDENTIALS.LLM_API_KEY);
    expect(inspection.steps.find((s) => s.label === 'Canonical request')!.value).toMatch(/^POST\n\/\n\n/);

    const { sessionId } = await core.handlers['session.start']({ profileId: profile.id, operation: 'StartAIConversation', payload });
    for (let i = 0; i < 200; i++) {
      const { events } = await core.handlers['session.events']({ sessionId: sessionId! });
      if (events.some((e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const join = await core.handlers['room.join']({ sessionId: sessionId! });
    if (join.vendor !== 'tencent') throw new Error(`room.join answered for ${join.vendor}`);
    expect(join.params).toMatchObject({ sdkAppId: 1400000001, userId: 'console_1', roomId: 8001, botUserId: 'bot_7', taskId: expect.any(String) });
    expect(join.params.taskId).not.toBe('');
    await core.handlers['session.stop']({ sessionId: sessionId! });
  });

  it('payload.validate names LLMConfig sub-form fields of the chosen LLMType', async () => {
    const errors = await core.handlers['payload.validate']({
      vendor: 'tencent',
      operation: 'StartAIConversation',
      payload: {
        SdkAppId: 1,
        RoomId: 'r',
        AgentConfig: { UserId: 'b', UserSig: 's', TargetUserId: 'u' },
        LLMConfig: { LLMType: 'coze', APIKey: 'k', APIUrl: 'u' },
      },
    });
    // Coze's fields come from no captured page: inferred, so a warning.
    expect(errors).toEqual([
      {
        path: '/LLMConfig/BotId',
        message: '/LLMConfig/BotId: required',
        severity: 'warning',
        source: { kind: 'inferred', ref: 'docs/vendors/tencent.md#llmconfig-other-types' },
      },
    ]);
  });
});
