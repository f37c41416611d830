import { createHash, randomBytes } from 'node:crypto';

/** A CheckSum is accepted for this long after its CurTime (docs/vendors/netease.md#endpoints-and-auth). */
export const CHECKSUM_VALIDITY_S = 300;

/** CheckSum = sha1(AppSecret + Nonce + CurTime): plain concatenation, lowercase hex. */
export function checkSum(appSecret: string, nonce: string, curTime: string): string {
  return createHash('sha1')
    .update(appSecret + nonce + curTime, 'utf8')
    .digest('hex');
}

/** 32 hex characters: well under the 128-character limit on Nonce. */
export function randomNonce(): string {
  return randomBytes(16).toString('hex');
}

export function curTimeSeconds(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}

export interface ServerAuthHeaders {
  AppKey: string;
  Nonce: string;
  CurTime: string;
  CheckSum: string;
}

export function serverAuthHeaders(appKey: string, appSecret: string, nonce: string, curTime: string): ServerAuthHeaders {
  if (nonce.length === 0 || nonce.length > 128) throw Object.assign(new Error(`Nonce: expected 1-128 characters, got ${nonce.length}`), { code: 'BAD_NONCE' });
  if (!/^\d+$/.test(curTime)) throw Object.assign(new Error(`CurTime: expected Unix time in seconds (digits), got "${curTime}"`), { code: 'BAD_CURTIME' });
  return { AppKey: appKey, Nonce: nonce, CurTime: curTime, CheckSum: checkSum(appSecret, nonce, curTime) };
}

/**
 * Server clock minus local clock in seconds, from an HTTP `Date` header (1 s resolution), or null when absent.
 * A skew beyond the CheckSum validity makes every signed call fail authentication (402, docs/vendors/netease.md#error-codes).
 */
export function clockSkewSeconds(dateHeader: string | undefined, localNowMs: number): number | null {
  if (!dateHeader) return null;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return null;
  return Math.round((server - localNowMs) / 1000);
}

/** Last skew seen per endpoint origin, so the inspector can warn before the next call. */
const observedSkew = new Map<string, number>();

export function rememberSkew(origin: string, skew: number | null): void {
  if (skew !== null) observedSkew.set(origin, skew);
}

export function lastSkew(origin: string): number | undefined {
  return observedSkew.get(origin);
}

export function skewWarning(skew: number | undefined, host: string): string | null {
  if (skew === undefined || Math.abs(skew) < 30) return null;
  const dir = skew > 0 ? 'ahead of' : 'behind';
  const verdict =
    Math.abs(skew) >= CHECKSUM_VALIDITY_S
      ? 'a CheckSum made here is outside its 5-minute validity there and will be rejected as failed authentication (402)'
      : 'within the 5-minute CheckSum validity, but sync this machine with NTP';
  return `clock skew: ${host} is ${Math.abs(skew)} s ${dir} this machine (from its Date header); ${verdict}.`;
}
