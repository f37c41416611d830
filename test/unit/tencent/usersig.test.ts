import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { inflateSync, deflateSync } from 'node:zlib';
import { genUserSig, verifyUserSig, decodeUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';

const require = createRequire(import.meta.url);
const { Api } = require('tls-sig-api-v2') as { Api: new (appId: number, key: string) => { genUserSig(userId: string, expire: number): string } };

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const APP = 1400000001;

describe('TLS UserSig v2', () => {
  it('decodes to the documented JSON document and verifies', () => {
    const now = 1_700_000_000_000;
    const sig = genUserSig({ sdkAppId: APP, userId: 'bot_1', secretKey: KEY, expireSeconds: 86400, now });
    expect(sig).toMatch(/^[A-Za-z0-9*_-]+$/);
    const raw = JSON.parse(inflateSync(Buffer.from(sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString());
    expect(raw).toMatchObject({ 'TLS.ver': '2.0', 'TLS.identifier': 'bot_1', 'TLS.sdkappid': APP, 'TLS.expire': 86400, 'TLS.time': 1_700_000_000 });
    expect(verifyUserSig({ userSig: sig, sdkAppId: APP, userId: 'bot_1', secretKey: KEY, now: now + 1000 })).toMatchObject({
      ok: true,
      expiresAt: 1_700_086_400,
    });
  });

  it('rejects the wrong key, user, app, an expired sig and garbage, with a reason', () => {
    const now = 1_700_000_000_000;
    const sig = genUserSig({ sdkAppId: APP, userId: 'bot_1', secretKey: KEY, expireSeconds: 60, now });
    expect(verifyUserSig({ userSig: sig, sdkAppId: APP, userId: 'bot_1', secretKey: 'other', now })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/signature/),
    });
    expect(verifyUserSig({ userSig: sig, sdkAppId: APP, userId: 'bot_2', secretKey: KEY, now })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/UserId "bot_1"/),
    });
    expect(verifyUserSig({ userSig: sig, sdkAppId: 1400000002, userId: 'bot_1', secretKey: KEY, now })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/SdkAppId/),
    });
    expect(verifyUserSig({ userSig: sig, sdkAppId: APP, userId: 'bot_1', secretKey: KEY, now: now + 61_000 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    expect(verifyUserSig({ userSig: 'user_signature_example', sdkAppId: APP, userId: 'bot_1', secretKey: KEY, now })).toMatchObject({ ok: false });
    expect(() => decodeUserSig('not a sig!')).toThrow(/alphabet/);
  });

  it('rejects a bad user id and app id before signing', () => {
    expect(() => genUserSig({ sdkAppId: APP, userId: 'has space', secretKey: KEY })).toThrow(/userId/);
    expect(() => genUserSig({ sdkAppId: 0, userId: 'u', secretKey: KEY })).toThrow(/sdkAppId/);
  });

  it('cross-check: sigs from tls-sig-api-v2 verify here, and ours carry the same HMAC as theirs', () => {
    const theirs = new Api(APP, KEY).genUserSig('user_a', 3600);
    const check = verifyUserSig({ userSig: theirs, sdkAppId: APP, userId: 'user_a', secretKey: KEY });
    expect(check.ok).toBe(true);
    const doc = decodeUserSig(theirs);
    const ours = decodeUserSig(genUserSig({ sdkAppId: APP, userId: 'user_a', secretKey: KEY, expireSeconds: 3600, now: doc['TLS.time'] * 1000 }));
    expect(ours['TLS.sig']).toBe(doc['TLS.sig']);
    // A tampered document (expire extended) no longer verifies.
    const forged = deflateSync(Buffer.from(JSON.stringify({ ...doc, 'TLS.expire': 999999 })))
      .toString('base64')
      .replace(/\+/g, '*')
      .replace(/\//g, '-')
      .replace(/=/g, '_');
    expect(verifyUserSig({ userSig: forged, sdkAppId: APP, userId: 'user_a', secretKey: KEY }).ok).toBe(false);
  });
});
