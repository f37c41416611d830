/** NetEase RTC-AI wire client: request building for both API variants, and response parsing. */
import { toWire } from '../../payload.ts';
import type { HttpExchange, HttpRequestSpec } from '../../http.ts';
import type { JsonSchema } from '../../schema.ts';
import type { VendorError } from '../types.ts';
import { curTimeSeconds, randomNonce, serverAuthHeaders } from './checksum.ts';

export type Variant = 'server' | 'client';
export type TaskCall = 'create' | 'close';

export const LIVE_ENDPOINT = 'https://rtc-ai.yunxinapi.com';

export const PATHS: Record<Variant, Record<TaskCall, string>> = {
  server: { create: '/v1/api/task/create', close: '/v1/api/task/close' },
  client: { create: '/ai/task/create', close: '/ai/task/close' },
};

/** The payload's per-call `variant` wins over the profile setting; the default is the server API. */
export function variantOf(payload: Record<string, unknown>, settings: Record<string, unknown>): Variant {
  const v = payload.variant ?? settings.variant;
  return v === 'client' ? 'client' : 'server';
}

export function baseUrlFor(sandboxUrl: string | undefined, settings: Record<string, unknown>): string {
  const base = sandboxUrl ?? (typeof settings.endpoint === 'string' && settings.endpoint ? settings.endpoint : LIVE_ENDPOINT);
  return base.replace(/\/+$/, '');
}

/** The body as sent (payload.ts toWire: fields the schema marks `x-local`, the per-call variant, are not part of the API). */
export function wireBody(schema: JsonSchema, payload: Record<string, unknown>): Record<string, unknown> {
  return toWire(schema, payload) as Record<string, unknown>;
}

export interface AuthInput {
  appKey: string;
  /** Server variant. */
  appSecret?: string;
  /** Client variant: the NERTC room token, with the uid and channel it was issued for. */
  token?: string;
  uid?: string;
  nonce?: string;
  nowMs?: number;
}

export interface BuiltRequest {
  spec: HttpRequestSpec & { headers: Record<string, string>; body: string };
  /** Server variant: the header values that went into the CheckSum. */
  signing?: { nonce: string; curTime: string; checkSum: string };
}

export function buildTaskRequest(call: TaskCall, variant: Variant, baseUrl: string, body: Record<string, unknown>, auth: AuthInput): BuiltRequest {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  let signing: BuiltRequest['signing'];
  if (variant === 'server') {
    if (!auth.appSecret) throw vendorError('CREDENTIAL_MISSING', 'server API: APP_SECRET is needed to compute the CheckSum');
    const nonce = auth.nonce ?? randomNonce();
    const curTime = curTimeSeconds(auth.nowMs ?? Date.now());
    const h = serverAuthHeaders(auth.appKey, auth.appSecret, nonce, curTime);
    Object.assign(headers, h);
    signing = { nonce, curTime, checkSum: h.CheckSum };
  } else {
    if (!auth.token) throw vendorError('CREDENTIAL_MISSING', 'client API: TOKEN (the NERTC room token) is needed for the Token header');
    const cname = typeof body.cname === 'string' ? body.cname : '';
    Object.assign(headers, { AppKey: auth.appKey, Token: auth.token, Cname: cname, Uid: auth.uid ?? '' });
  }
  return { spec: { method: 'POST', url: `${baseUrl}${PATHS[variant][call]}`, headers, body: JSON.stringify(body) }, signing };
}

/** What the console shows of a task call: the vendor's own fields. */
export interface TaskResult {
  variant: Variant;
  cname: string;
  code: number;
  requestId?: string;
  cid?: number | string;
  taskId?: string;
  /** The response body exactly as the vendor sent it (for the CLI and the result view). */
  response: unknown;
}

export type ParsedTaskResponse = { ok: true; result: TaskResult } | { ok: false; error: VendorError; response: unknown };

/**
 * Success is `code == 200` in the body. Errors carry `errmsg` (the doc, both variants) or `message` (what the
 * guide's client sample reads); both are accepted. A body that is not JSON is reported with the HTTP status and a snippet.
 */
export function parseTaskResponse(ex: Pick<HttpExchange, 'status' | 'json' | 'bodyText'>, variant: Variant, cname: string): ParsedTaskResponse {
  const body = ex.json;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    const snippet = ex.bodyText.slice(0, 200);
    const code = ex.status >= 200 && ex.status < 300 ? 'MALFORMED_RESPONSE' : `HTTP_${ex.status}`;
    return {
      ok: false,
      response: ex.bodyText,
      error: { code, httpStatus: ex.status, message: snippet ? `response is not a JSON object: ${snippet}` : 'empty response body' },
    };
  }
  const b = body as Record<string, unknown>;
  const requestId = typeof b.requestId === 'string' ? b.requestId : undefined;
  const code = typeof b.code === 'number' ? b.code : Number(b.code);
  if (!Number.isFinite(code)) {
    return {
      ok: false,
      response: body,
      error: { code: `HTTP_${ex.status}`, httpStatus: ex.status, requestId, message: `response has no numeric "code": ${ex.bodyText.slice(0, 200)}` },
    };
  }
  if (code !== 200) {
    const message = [b.errmsg, b.message, b.desc, b.msg].find((m) => typeof m === 'string' && m !== '') as string | undefined;
    const field = message ? errorField(message) : undefined;
    return {
      ok: false,
      response: body,
      error: { code: String(code), httpStatus: ex.status, requestId, message: message ?? describeCode(code), details: body, ...(field ? { field } : {}) },
    };
  }
  const result = b.result && typeof b.result === 'object' ? (b.result as Record<string, unknown>) : {};
  return {
    ok: true,
    result: {
      variant,
      cname,
      code,
      requestId,
      cid: typeof b.cid === 'number' || typeof b.cid === 'string' ? b.cid : undefined,
      taskId: typeof result.taskId === 'string' ? result.taskId : undefined,
      response: body,
    },
  };
}

/**
 * The field an error message starts with, so the form can mark it: a JSON pointer (`/data/tts/speed: …`) or the
 * doc's dotted names (`pipeline.interruptWords: …`). The doc does not define a field in its errors; messages that
 * name none point nowhere.
 */
export function errorField(message: string): string | undefined {
  const pointer = /^(\/[\w~./-]+):\s/.exec(message)?.[1];
  if (pointer) return pointer;
  const dotted = /^((?:asr|llm|tts|pipeline|agent)(?:\.\w+)+):\s/.exec(message)?.[1];
  return dotted ? `/data/${dotted.replace(/\./g, '/')}` : undefined;
}

/** The doc's code table (docs/vendors/netease.md#error-codes), used when a body carries a code but no message. 414 is from Yunxin's IM server-API overview. */
export const CODE_MEANINGS: Record<number, string> = {
  200: 'ok',
  400: 'invalid signalling / parameters',
  402: 'user not logged in (check the authentication)',
  414: 'CheckSum verification failed (Yunxin IM server API)',
  601: 'illegal message content',
  611: 'this app has no subtitle permission',
  612: 'the service does not support subtitles',
};

export function describeCode(code: number): string {
  return CODE_MEANINGS[code] ?? `code ${code}`;
}

export function vendorError(code: string, message: string): Error & VendorError {
  return Object.assign(new Error(message), { code, message });
}

export function taskSummary(call: TaskCall, r: TaskResult): string {
  const what = call === 'create' ? `task ${r.taskId ?? '(no taskId)'} created` : `task closed`;
  return `${what} in ${r.cname}${r.cid !== undefined ? ` · cid ${r.cid}` : ''}${r.requestId ? ` · request ${r.requestId}` : ''} (${r.variant} API)`;
}
