import { describe, expect, it } from 'vitest';
import { fillUserSigTemplate, USERSIG_TEMPLATE } from '../../../src-main/core/vendors/tencent/usersig-template.ts';
import { verifyUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';
import { Redactor } from '../../../src-main/core/secrets/redact.ts';

const KEY = 'sdk-secret-key-for-template-test';
const credential = async (name: string) => {
  if (name !== 'SDK_SECRET_KEY') throw new Error(`unexpected ${name}`);
  return KEY;
};

describe('{{usersig}} template', () => {
  it('mints a verifiable UserSig for AgentConfig.UserId at send time and reports it as a secret', async () => {
    const minted: string[] = [];
    const out = await fillUserSigTemplate({ SdkAppId: 1400000001, AgentConfig: { UserId: 'bot_1', UserSig: USERSIG_TEMPLATE } }, credential, (v) =>
      minted.push(v),
    );
    const sig = (out.AgentConfig as { UserSig: string }).UserSig;
    expect(minted).toEqual([sig]);
    expect(verifyUserSig({ userSig: sig, sdkAppId: 1400000001, userId: 'bot_1', secretKey: KEY, now: Math.floor(Date.now() / 1000) })).toMatchObject({
      ok: true,
    });
  });

  it('leaves a literal UserSig alone and names the missing field otherwise', async () => {
    const literal = { SdkAppId: 1, AgentConfig: { UserId: 'bot', UserSig: 'eJyliteral' } };
    expect(await fillUserSigTemplate(literal, credential)).toBe(literal);
    await expect(fillUserSigTemplate({ AgentConfig: { UserId: 'bot', UserSig: '{{ usersig }}' } }, credential)).rejects.toThrow(
      '/SdkAppId: a positive integer is needed',
    );
  });

  it('survives redaction as a template, unlike a literal', () => {
    const r = new Redactor();
    expect(r.value({ UserSig: USERSIG_TEMPLATE })).toEqual({ UserSig: USERSIG_TEMPLATE });
    expect(r.value({ UserSig: 'eJyliteral' })).toEqual({ UserSig: '«redacted»' });
  });
});
