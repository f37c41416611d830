/**
 * The Tencent Cloud API 3.0 client: builds and signs a request from profile settings and a payload, and turns the
 * answer into a response or a VendorError with Tencent's own Code, Message and RequestId.
 */
import { fillUserSigTemplate } from './usersig-template.ts';
import { toWire } from '../../payload.ts';
import type { HttpExchange } from '../../http.ts';
import type { OperationOutcome, RequestInspection, SessionContext, VendorError, InspectContext } from '../types.ts';
import { API_VERSION, SCHEMAS, regionWarning, type TencentAction } from './common/schemas.ts';
import { MAX_CLOCK_SKEW_S, maskAuthorization, signTc3, type Tc3Signed } from './tc3.ts';

/** Live endpoints offered in the settings; anything else in `endpoint` is used as a custom URL. */
export const ENDPOINTS = ['https://trtc.tencentcloudapi.com', 'https://trtc.intl.tencentcloudapi.com'] as const;
/**
 * The credential-scope service. Always `trtc`: it is the first label of every TRTC host, and a custom endpoint
 * (a proxy, a regional host) still signs for the TRTC service.
 */
export const SERVICE = 'trtc';

export interface TencentSettings {
  endpoint?: string;
  customEndpoint?: string;
  region?: string;
  language?: string;
  signedHeaders?: string;
  /** Unix seconds used as X-TC-Timestamp instead of the clock (0: the clock). For testing SignatureExpire. */
  timestampOverride?: number;
}

export interface BuiltRequest {
  url: string;
  /** Host header value as sent. */
  host: string;
  body: string;
  timestamp: number;
  signed: Tc3Signed;
  secretId: string;
}

export function endpointUrl(settings: TencentSettings, sandboxUrl: string | undefined): string {
  if (sandboxUrl) return `${sandboxUrl.replace(/\/$/, '')}/`;
  const endpoint = settings.endpoint || ENDPOINTS[0];
  const base = endpoint === 'custom' ? settings.customEndpoint : endpoint;
  if (!base) throw Object.assign(new Error('settings.customEndpoint: expected a URL when the endpoint is "custom"'), { code: 'SETTINGS' });
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw Object.assign(new Error(`settings.endpoint: expected an http(s) URL, got "${base}"`), { code: 'SETTINGS' });
  }
  return `${url.origin}/`;
}

export function timestampFor(settings: TencentSettings, nowMs: number): number {
  return settings.timestampOverride && settings.timestampOverride > 0 ? Math.floor(settings.timestampOverride) : Math.floor(nowMs / 1000);
}

/** The exact body bytes: json-string fields (LLMConfig, TTSConfig, AvatarConfig) serialised, nothing else changed. */
export function wireBodyText(action: TencentAction, payload: Record<string, unknown>): string {
  return JSON.stringify(toWire(SCHEMAS[action], payload));
}

export async function buildRequest(opts: {
  action: TencentAction;
  settings: TencentSettings;
  sandboxUrl: string | undefined;
  payload: Record<string, unknown>;
  credential: (name: string) => Promise<string>;
  nowMs: number;
  /** A body to sign as given (CLI --body FILE); otherwise the payload's wire form. */
  rawBody?: string;
  /** Told about a UserSig minted from the {{usersig}} template, so it is redacted like any credential. */
  onSecret?: (value: string) => void;
}): Promise<BuiltRequest> {
  const url = endpointUrl(opts.settings, opts.sandboxUrl);
  const host = new URL(url).host;
  const secretId = await opts.credential('SECRET_ID');
  const secretKey = await opts.credential('SECRET_KEY');
  const body = opts.rawBody ?? wireBodyText(opts.action, await fillUserSigTemplate(opts.payload, opts.credential, opts.onSecret));
  const timestamp = timestampFor(opts.settings, opts.nowMs);
  const signed = signTc3({
    secretId,
    secretKey,
    host,
    service: SERVICE,
    action: opts.action,
    version: API_VERSION,
    region: opts.settings.region || 'ap-guangzhou',
    timestamp,
    body,
    signedHeaders: opts.settings.signedHeaders ? opts.settings.signedHeaders.split(';') : undefined,
    language: opts.settings.language || undefined,
  });
  return { url, host, body, timestamp, signed, secretId };
}

/** Server clock offset (ms) per host, learnt from the Date header of the last answer: feeds the skew warning. */
const serverOffset = new Map<string, number>();

export function rememberServerClock(host: string, dateHeader: string | undefined, localMs: number): number | undefined {
  const server = dateHeader ? Date.parse(dateHeader) : NaN;
  if (Number.isNaN(server)) return undefined;
  const offset = server - localMs;
  serverOffset.set(host, offset);
  return offset;
}

/** Warnings for a timestamp more than 5 minutes from the (server-corrected) clock. */
export function clockWarnings(host: string, timestamp: number, nowMs: number): string[] {
  const offset = serverOffset.get(host) ?? 0;
  const reference = Math.floor((nowMs + offset) / 1000);
  const skew = timestamp - reference;
  if (Math.abs(skew) <= MAX_CLOCK_SKEW_S) return [];
  const basis = offset ? `the server clock of ${host} (learnt from its last Date header)` : 'the local clock';
  return [
    `X-TC-Timestamp ${timestamp} is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} ${basis}; Tencent rejects requests more than ${MAX_CLOCK_SKEW_S / 60} minutes off with AuthFailure.SignatureExpire.`,
  ];
}

export type ParsedResponse = { ok: true; response: Record<string, unknown>; requestId: string } | { ok: false; error: VendorError };

/** Parse an API 3.0 answer. Never throws: anything unexpected becomes a VendorError that says what was wrong. */
export function parseResponse(ex: Pick<HttpExchange, 'status' | 'json' | 'bodyText'>): ParsedResponse {
  const env = ex.json as { Response?: Record<string, unknown> } | undefined;
  const response = env && typeof env === 'object' ? env.Response : undefined;
  if (!response || typeof response !== 'object') {
    const snippet = ex.bodyText.length > 200 ? `${ex.bodyText.slice(0, 200)}…` : ex.bodyText;
    if (ex.status !== 200) return { ok: false, error: { code: `HTTP ${ex.status}`, message: snippet || 'empty body', httpStatus: ex.status } };
    return {
      ok: false,
      error: { code: 'MalformedResponse', message: `expected {"Response":{…}} JSON, got: ${snippet || 'an empty body'}`, httpStatus: ex.status },
    };
  }
  const requestId = typeof response.RequestId === 'string' ? response.RequestId : '';
  const err = response.Error as { Code?: unknown; Message?: unknown } | undefined;
  if (err && typeof err === 'object') {
    const code = String(err.Code ?? 'UnknownError');
    const message = String(err.Message ?? '');
    const field = errorField(code, message);
    return {
      ok: false,
      error: { code, message, requestId: requestId || undefined, httpStatus: ex.status, details: response, ...(field ? { field } : {}) },
    };
  }
  return { ok: true, response, requestId };
}

/** Sub-codes that name their parameter (InvalidParameter.RoomId …), as a JSON pointer into the payload. */
const CODE_FIELDS: Record<string, string> = {
  SdkAppId: '/SdkAppId',
  RoomId: '/RoomId',
  TaskId: '/TaskId',
  UserSig: '/AgentConfig/UserSig',
  LLMConfig: '/LLMConfig',
  TTSConfig: '/TTSConfig',
  STTConfig: '/STTConfig',
  AgentConfig: '/AgentConfig',
  SessionId: '/SessionId',
};

/**
 * The field a Tencent error points at, so the form can mark it: the sub-code's parameter
 * (`InvalidParameter.RoomId`), else a parameter the message names in backquotes (`AgentConfig.UserId`).
 */
export function errorField(code: string, message: string): string | undefined {
  const sub = /^(?:InvalidParameter|InvalidParameterValue|MissingParameter)\.(\w+)$/.exec(code)?.[1];
  if (sub && CODE_FIELDS[sub]) return CODE_FIELDS[sub];
  if (!/^(InvalidParameter|InvalidParameterValue|MissingParameter|UnknownParameter)/.test(code)) return undefined;
  const named = /`([A-Za-z][\w.]*)`/.exec(message)?.[1];
  return named && named !== 'Action' && named !== 'Version' && named !== 'Region' && named !== 'Timestamp' ? `/${named.replace(/\./g, '/')}` : undefined;
}

/** One line for the event log: the fields that matter per action. */
export function responseSummary(action: TencentAction, r: Record<string, unknown>): string {
  const parts: string[] = [action];
  if (typeof r.TaskId === 'string') parts.push(`TaskId ${r.TaskId}`);
  if (typeof r.Status === 'string') parts.push(`Status ${r.Status}`);
  if (typeof r.SessionId === 'string' && r.SessionId) parts.push(`SessionId ${r.SessionId}`);
  if (typeof r.RequestId === 'string') parts.push(`request ${r.RequestId}`);
  return parts.join(' · ');
}

/** Run one signed call inside a session: signature event, HTTP exchange, parsed response or vendor error. */
export async function runAction(action: TencentAction, ctx: SessionContext): Promise<OperationOutcome> {
  const settings = ctx.profile.settings as TencentSettings;
  const now = Date.now();
  const req = await buildRequest({
    action,
    settings,
    sandboxUrl: ctx.sandboxUrl,
    payload: ctx.resolvedPayloadWithSecrets,
    credential: ctx.credential,
    nowMs: now,
    onSecret: (v) => ctx.addSecret(v),
  });
  const warnings = [...clockWarnings(req.host, req.timestamp, now), ...regionWarnings(settings)];
  ctx.emit({
    kind: 'tencent.signature',
    dir: 'local',
    summary: `TC3-HMAC-SHA256 ${action} · ${req.signed.credentialScope} · signed ${req.signed.signedHeaders}`,
    data: {
      canonicalRequest: req.signed.canonicalRequest,
      stringToSign: req.signed.stringToSign,
      signedHeaders: req.signed.signedHeaders,
      signature: req.signed.signature,
      timestamp: req.timestamp,
      warnings,
    },
  });
  for (const w of warnings)
    ctx.emit({ kind: w.startsWith('region ') ? 'tencent.region' : 'tencent.clock-skew', dir: 'local', summary: w, data: { severity: 'warning' } });
  const ex = await ctx.http({ method: 'POST', url: req.url, headers: req.signed.headers, body: req.body });
  const offset = rememberServerClock(req.host, ex.headers.date, now);
  if (offset !== undefined && Math.abs(offset) > MAX_CLOCK_SKEW_S * 1000)
    ctx.emit({
      kind: 'tencent.clock-skew',
      dir: 'local',
      summary: `the server clock is ${Math.round(offset / 1000)} s off the local clock: later requests will be rejected as expired unless the clock is fixed`,
    });
  const parsed = parseResponse(ex);
  if (!parsed.ok) {
    ctx.fail(parsed.error);
    return { ok: false, summary: [parsed.error.code, parsed.error.message].join(': '), error: parsed.error };
  }
  const summary = responseSummary(action, parsed.response);
  ctx.emit({ kind: `tencent.${action}`, dir: 'in', summary, data: parsed.response });
  return { ok: true, summary, result: parsed.response };
}

/** The inspector: the same request, signed but not sent, with the SecretId masked. */
export async function inspectAction(action: TencentAction, ctx: InspectContext): Promise<RequestInspection> {
  const settings = ctx.profile.settings as TencentSettings;
  const now = ctx.now();
  const req = await buildRequest({ action, settings, sandboxUrl: ctx.sandboxUrl, payload: ctx.payload, credential: ctx.credential, nowMs: now });
  const authorization = maskAuthorization(req.signed.authorization, req.secretId, ctx.mask);
  return {
    method: 'POST',
    url: req.url,
    headers: { Host: req.host, ...req.signed.headers, Authorization: authorization },
    body: req.body,
    steps: [
      // Tencent's own names for the steps (signature doc), readable in the inspector.
      { label: 'Canonical request', value: req.signed.canonicalRequest },
      { label: 'String to sign', value: req.signed.stringToSign },
      { label: 'Signed headers', value: req.signed.signedHeaders },
      { label: 'Signature', value: req.signed.signature },
      { label: 'Authorization (SecretId masked)', value: authorization },
    ],
    warnings: [...clockWarnings(req.host, req.timestamp, now), ...regionWarnings(settings)],
  };
}

function regionWarnings(settings: TencentSettings): string[] {
  const w = regionWarning(settings.region || 'ap-guangzhou');
  return w ? [w] : [];
}
