import { describe, expect, it } from 'vitest';
import { checkSum, clockSkewSeconds, curTimeSeconds, randomNonce, serverAuthHeaders, skewWarning } from '../../../src-main/core/vendors/netease/checksum.ts';

describe('NetEase CheckSum', () => {
  // Vectors computed independently with Python hashlib.sha1(secret + nonce + curtime).hexdigest().
  it('is sha1(AppSecret + Nonce + CurTime) in lowercase hex', () => {
    expect(checkSum('sandbox-netease-secret-0001', 'abc123', '1700000000')).toBe('f5a4079a6dc8e8221070b6d5aafef17017efc6c0');
    expect(checkSum('密钥', 'n', '1')).toBe('5a6466244840801ced5451845ef438519a7a8aa4');
  });

  it('builds the four headers with CurTime in seconds', () => {
    const h = serverAuthHeaders('key', 'sandbox-netease-secret-0001', 'abc123', curTimeSeconds(1_700_000_000_999));
    expect(h).toEqual({ AppKey: 'key', Nonce: 'abc123', CurTime: '1700000000', CheckSum: 'f5a4079a6dc8e8221070b6d5aafef17017efc6c0' });
  });

  it('rejects a Nonce over 128 characters and a CurTime that is not seconds', () => {
    expect(() => serverAuthHeaders('k', 's', 'x'.repeat(129), '1')).toThrow(/Nonce: expected 1-128/);
    expect(() => serverAuthHeaders('k', 's', 'n', '2024-01-01')).toThrow(/CurTime: expected Unix time in seconds/);
  });

  it('makes random hex nonces', () => {
    const a = randomNonce();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(randomNonce()).not.toBe(a);
  });

  it('measures clock skew from a Date header and warns past 30 s, with failed authentication (402) past 5 minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(clockSkewSeconds('Thu, 01 Jan 2026 00:07:00 GMT', now)).toBe(420);
    expect(clockSkewSeconds(undefined, now)).toBeNull();
    expect(clockSkewSeconds('not a date', now)).toBeNull();
    expect(skewWarning(5, 'h')).toBeNull();
    expect(skewWarning(-60, 'h')).toMatch(/60 s behind.*within the 5-minute/);
    expect(skewWarning(420, 'h')).toMatch(/420 s ahead of.*rejected as failed authentication \(402\)/);
  });
});
