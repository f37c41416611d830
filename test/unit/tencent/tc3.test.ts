import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { signTc3, signingKey, parseAuthorization, expectedSignature, utcDate, maskAuthorization } from '../../../src-main/core/vendors/tencent/tc3.ts';

const require = createRequire(import.meta.url);
// Tencent's own signer from tencentcloud-sdk-nodejs-common (the SDK signs content-type;host).
const Sign = (require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js') as { default: { sign3(o: Record<string, unknown>): string } }).default;

// docs/vendors/tencent.md#signing: the signature page's CVM DescribeInstances vector (body with literal \u escapes, 86 bytes).
const BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const vector = () =>
  signTc3({
    secretId: 'AKID********************************',
    secretKey: '********************************',
    host: 'cvm.tencentcloudapi.com',
    service: 'cvm',
    action: 'DescribeInstances',
    version: '2017-03-12',
    region: 'ap-guangzhou',
    timestamp: 1551113065,
    body: BODY,
  });

describe('TC3-HMAC-SHA256: official vector', () => {
  it('body and payload hash', () => {
    expect(Buffer.byteLength(BODY)).toBe(86);
    expect(vector().hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
  });

  it('canonical request', () => {
    expect(vector().canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
  });

  it('string to sign uses the UTC date', () => {
    expect(utcDate(1551113065)).toBe('2019-02-25');
    expect(vector().stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84',
    );
  });

  it('intermediate keys, signature and authorization', () => {
    const k = signingKey('********************************', '2019-02-25', 'cvm');
    expect(k.secretDate.toString('hex')).toBe('da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0');
    expect(k.secretService.toString('hex')).toBe('8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f');
    expect(k.secretSigning.toString('hex')).toBe('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af');
    const s = vector();
    expect(s.signature).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
    expect(s.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f',
    );
    expect(s.headers).toMatchObject({
      'X-TC-Action': 'DescribeInstances',
      'X-TC-Timestamp': '1551113065',
      'X-TC-Version': '2017-03-12',
      'X-TC-Region': 'ap-guangzhou',
      'Content-Type': 'application/json; charset=utf-8',
    });
  });

  it('a different byte of body changes the signature (literal UTF-8 vs \\u escapes)', () => {
    const utf8 = signTc3({ ...vectorInput(), body: BODY.replace('\\u672a\\u547d\\u540d', '未命名') });
    expect(utf8.signature).not.toBe(vector().signature);
  });

  it('the server side recomputes the same signature from the parsed header', () => {
    const s = vector();
    const auth = parseAuthorization(s.authorization)!;
    expect(auth).toMatchObject({
      secretId: 'AKID********************************',
      date: '2019-02-25',
      service: 'cvm',
      signedHeaders: ['content-type', 'host', 'x-tc-action'],
    });
    const headers = { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com', 'x-tc-action': 'DescribeInstances' };
    expect(expectedSignature({ secretKey: '********************************', auth, headers, body: Buffer.from(BODY), timestamp: 1551113065 })).toBe(
      s.signature,
    );
    expect(expectedSignature({ secretKey: 'wrong', auth, headers, body: Buffer.from(BODY), timestamp: 1551113065 })).not.toBe(s.signature);
  });

  it('masks the SecretId in the Authorization header, keeps the signature', () => {
    const s = vector();
    const masked = maskAuthorization(s.authorization, 'AKID********************************', () => '••••wxyz');
    expect(masked).toContain('Credential=••••wxyz/2019-02-25/cvm/tc3_request');
    expect(masked).toContain(s.signature);
  });

  it('rejects a malformed Authorization header', () => {
    expect(parseAuthorization('Bearer x')).toBeNull();
    expect(parseAuthorization(undefined)).toBeNull();
  });
});

function vectorInput() {
  return {
    secretId: 'AKID********************************',
    secretKey: '********************************',
    host: 'cvm.tencentcloudapi.com',
    service: 'cvm',
    action: 'DescribeInstances',
    version: '2017-03-12',
    region: 'ap-guangzhou',
    timestamp: 1551113065,
    body: BODY,
  };
}

describe('TC3: differential test against tencentcloud-sdk-nodejs-common', () => {
  it('matches Sign.sign3 on 250 random requests', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,40}$/);
    fc.assert(
      fc.property(
        fc.record({
          secretId: word,
          secretKey: fc.string({ minLength: 1, maxLength: 48, unit: 'grapheme-ascii' }),
          service: fc.constantFrom('trtc', 'cvm', 'cam', 'sts'),
          action: fc.stringMatching(/^[A-Z][A-Za-z]{2,30}$/),
          timestamp: fc.integer({ min: 946684800, max: 4102444800 }),
          body: fc.jsonValue().map((v) => JSON.stringify({ value: v })),
        }),
        (r) => {
          const host = `${r.service}.tencentcloudapi.com`;
          const ours = signTc3({ ...r, host, version: '2019-07-22', region: 'ap-guangzhou', signedHeaders: ['content-type', 'host'] });
          const theirs = Sign.sign3({
            method: 'POST',
            url: `https://${host}/`,
            payload: Buffer.from(r.body),
            timestamp: r.timestamp,
            service: r.service,
            secretId: r.secretId,
            secretKey: r.secretKey,
            multipart: false,
            boundary: '',
            headers: { 'Content-Type': 'application/json; charset=utf-8' },
          });
          expect(ours.authorization).toBe(theirs);
        },
      ),
      { numRuns: 250 },
    );
  });
});
