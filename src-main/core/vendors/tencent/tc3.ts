/**
 * TC3-HMAC-SHA256 request signing for Tencent Cloud API 3.0 (docs/vendors/tencent.md#signing). Pure: no clock, no I/O.
 * Every intermediate value is returned so the inspector can show it and tests can compare it step by step.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
export const DEFAULT_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Requests whose timestamp is further than this from the server clock are rejected (AuthFailure.SignatureExpire). */
export const MAX_CLOCK_SKEW_S = 300;

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** Value of the Host header as sent (host[:port]). */
  host: string;
  /** Credential-scope service, the first label of the API host (`trtc`, `cvm`). */
  service: string;
  action: string;
  version: string;
  region?: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact bytes sent: a string is signed as its UTF-8 encoding. */
  body: string | Uint8Array;
  contentType?: string;
  /**
   * Headers to sign, lower-case. Default `content-type`, `host`, `x-tc-action` as the current official demos do;
   * `['content-type', 'host']` reproduces the older SDK signer.
   */
  signedHeaders?: string[];
  token?: string;
  language?: string;
}

export interface Tc3Signed {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
  /** Every header to send except Host (set by the HTTP stack from the URL). */
  headers: Record<string, string>;
  hashedPayload: string;
  credentialScope: string;
  signedHeaders: string;
  date: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** UTC date (YYYY-MM-DD) of a Unix timestamp: the credential scope uses UTC, never local time. */
export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** The derived signing key (SecretDate → SecretService → SecretSigning). */
export function signingKey(secretKey: string, date: string, service: string): { secretDate: Buffer; secretService: Buffer; secretSigning: Buffer } {
  const secretDate = hmac(`TC3${secretKey}`, date);
  const secretService = hmac(secretDate, service);
  const secretSigning = hmac(secretService, 'tc3_request');
  return { secretDate, secretService, secretSigning };
}

export function canonicalHeaders(values: Record<string, string>, names: string[]): string {
  return [...names]
    .map((n) => n.toLowerCase())
    .sort()
    .map((n) => {
      const v = values[n];
      if (v === undefined) throw new Error(`TC3: header "${n}" is to be signed but has no value`);
      return `${n}:${v.trim().toLowerCase()}\n`;
    })
    .join('');
}

export function signTc3(input: Tc3Input): Tc3Signed {
  const contentType = input.contentType ?? DEFAULT_CONTENT_TYPE;
  const names = (input.signedHeaders ?? ['content-type', 'host', 'x-tc-action']).map((n) => n.toLowerCase()).sort();
  const headerValues: Record<string, string> = {
    'content-type': contentType,
    host: input.host,
    'x-tc-action': input.action,
    'x-tc-timestamp': String(input.timestamp),
    'x-tc-version': input.version,
    ...(input.region ? { 'x-tc-region': input.region } : {}),
    ...(input.token ? { 'x-tc-token': input.token } : {}),
    ...(input.language ? { 'x-tc-language': input.language } : {}),
  };
  const signedHeaders = names.join(';');
  const hashedPayload = sha256Hex(typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body);
  const canonicalRequest = ['POST', '/', '', canonicalHeaders(headerValues, names), signedHeaders, hashedPayload].join('\n');
  const date = utcDate(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(input.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(input.secretKey, date, input.service).secretSigning)
    .update(stringToSign, 'utf8')
    .digest('hex');
  const authorization = `${TC3_ALGORITHM} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const headers: Record<string, string> = {
    Authorization: authorization,
    'Content-Type': contentType,
    'X-TC-Action': input.action,
    'X-TC-Timestamp': String(input.timestamp),
    'X-TC-Version': input.version,
  };
  if (input.region) headers['X-TC-Region'] = input.region;
  if (input.token) headers['X-TC-Token'] = input.token;
  if (input.language) headers['X-TC-Language'] = input.language;
  return { canonicalRequest, stringToSign, signature, authorization, headers, hashedPayload, credentialScope, signedHeaders, date };
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parse an Authorization header; null when it is not a well-formed TC3 header. */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | null {
  if (!value) return null;
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!m) return null;
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!.split(';'), signature: m[5]! };
}

/** Recompute the signature of a received request from its headers, for the server side (sandbox). */
export function expectedSignature(opts: {
  secretKey: string;
  auth: ParsedAuthorization;
  headers: Record<string, string>;
  body: Uint8Array;
  timestamp: number;
}): string {
  const names = [...opts.auth.signedHeaders].sort();
  const canonicalRequest = ['POST', '/', '', canonicalHeaders(opts.headers, names), names.join(';'), sha256Hex(opts.body)].join('\n');
  const scope = `${opts.auth.date}/${opts.auth.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(opts.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  return createHmac('sha256', signingKey(opts.secretKey, opts.auth.date, opts.auth.service).secretSigning)
    .update(stringToSign, 'utf8')
    .digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Authorization header with the SecretId masked (the signature is kept: it is what the inspector explains). */
export function maskAuthorization(authorization: string, secretId: string, mask: (v: string) => string): string {
  return authorization.replace(`Credential=${secretId}/`, `Credential=${mask(secretId)}/`);
}
