/**
 * TLS UserSig v2 (docs/vendors/tencent.md#usersig): HMAC-SHA256 over the identifier/sdkappid/time/expire lines, keyed with the
 * SDK secret key as UTF-8, inside a zlib-deflated JSON document, base64 with `+/=` replaced by `*-_`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/** Same default as the official Python SDK: 180 days. */
export const DEFAULT_USERSIG_EXPIRE_S = 180 * 24 * 3600;
const USER_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface UserSigDoc {
  'TLS.ver': string;
  'TLS.identifier': string;
  'TLS.sdkappid': number;
  'TLS.expire': number;
  'TLS.time': number;
  'TLS.sig': string;
  'TLS.userbuf'?: string;
}

function contentToSign(userId: string, sdkAppId: number, time: number, expire: number, userbuf?: string): string {
  return `TLS.identifier:${userId}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n${userbuf === undefined ? '' : `TLS.userbuf:${userbuf}\n`}`;
}

const hmacB64 = (key: string, content: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(content, 'utf8').digest('base64');

export function checkUserId(userId: string): void {
  if (!USER_ID.test(userId)) throw new Error(`userId: expected 1-32 characters of [A-Za-z0-9_-], got "${userId}"`);
}

export function genUserSig(opts: { sdkAppId: number; userId: string; secretKey: string; expireSeconds?: number; now?: number }): string {
  if (!Number.isSafeInteger(opts.sdkAppId) || opts.sdkAppId <= 0) throw new Error(`sdkAppId: expected a positive integer, got ${opts.sdkAppId}`);
  checkUserId(opts.userId);
  if (!opts.secretKey) throw new Error('SDK secret key is empty');
  const expire = opts.expireSeconds ?? DEFAULT_USERSIG_EXPIRE_S;
  if (!Number.isSafeInteger(expire) || expire <= 0) throw new Error(`expire: expected a positive number of seconds, got ${expire}`);
  const time = Math.floor((opts.now ?? Date.now()) / 1000);
  const doc: UserSigDoc = {
    'TLS.ver': '2.0',
    'TLS.identifier': opts.userId,
    'TLS.sdkappid': opts.sdkAppId,
    'TLS.expire': expire,
    'TLS.time': time,
    'TLS.sig': hmacB64(opts.secretKey, contentToSign(opts.userId, opts.sdkAppId, time, expire)),
  };
  return deflateSync(Buffer.from(JSON.stringify(doc)))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
}

/** Decode without checking the signature; throws with a reason when it is not a UserSig. */
export function decodeUserSig(userSig: string): UserSigDoc {
  if (!/^[A-Za-z0-9*_-]+$/.test(userSig)) throw new Error('UserSig: not in the TLS base64 alphabet (A-Z a-z 0-9 * - _)');
  let json: string;
  try {
    json = inflateSync(Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString('utf8');
  } catch {
    throw new Error('UserSig: not a zlib stream');
  }
  let doc: UserSigDoc;
  try {
    doc = JSON.parse(json) as UserSigDoc;
  } catch {
    throw new Error('UserSig: the inflated content is not JSON');
  }
  if (typeof doc['TLS.identifier'] !== 'string' || typeof doc['TLS.sig'] !== 'string') throw new Error('UserSig: TLS.identifier or TLS.sig missing');
  return doc;
}

export type UserSigCheck = { ok: true; doc: UserSigDoc; expiresAt: number } | { ok: false; reason: string; doc?: UserSigDoc };

/** Verify as the server would: sdkappid, identifier, expiry and HMAC. */
export function verifyUserSig(opts: { userSig: string; sdkAppId: number; userId: string; secretKey: string; now?: number }): UserSigCheck {
  let doc: UserSigDoc;
  try {
    doc = decodeUserSig(opts.userSig);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (Number(doc['TLS.sdkappid']) !== opts.sdkAppId)
    return { ok: false, doc, reason: `UserSig was issued for SdkAppId ${doc['TLS.sdkappid']}, not ${opts.sdkAppId}` };
  if (doc['TLS.identifier'] !== opts.userId)
    return { ok: false, doc, reason: `UserSig was issued for UserId "${doc['TLS.identifier']}", not "${opts.userId}"` };
  const userbuf = doc['TLS.userbuf'];
  const expected = hmacB64(
    opts.secretKey,
    contentToSign(doc['TLS.identifier'], Number(doc['TLS.sdkappid']), Number(doc['TLS.time']), Number(doc['TLS.expire']), userbuf),
  );
  const a = Buffer.from(expected);
  const b = Buffer.from(doc['TLS.sig']);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, doc, reason: 'UserSig signature does not match the SDK secret key' };
  const expiresAt = Number(doc['TLS.time']) + Number(doc['TLS.expire']);
  if (expiresAt < Math.floor((opts.now ?? Date.now()) / 1000))
    return { ok: false, doc, reason: `UserSig expired at ${new Date(expiresAt * 1000).toISOString()}` };
  return { ok: true, doc, expiresAt };
}
