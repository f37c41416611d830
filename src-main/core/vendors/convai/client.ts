import type { HttpExchange, HttpRequestSpec } from '../../http.ts';
import type { VendorError } from '../types.ts';
import { DEFAULT_BASE_URL } from './common/schema.ts';

/** The documented 200 body of POST /connect (older revisions return speaker_id instead of end_user_id). */
export interface ConnectResult {
  session_id: string;
  character_session_id: string;
  room_url: string;
  room_name: string;
  token: string;
  end_user_id: string | null;
  speaker_id?: string | null;
}

/** One pydantic validation entry as FastAPI returns it in a 422. */
export interface PydanticError {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** A 422 entry mapped onto the form: `path`/`message` like a PayloadError, plus the vendor's own fields. */
export interface FieldError extends PydanticError {
  path: string;
  message: string;
}

export function connectUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/connect`;
}

/** The base URL: the sandbox when the profile targets it, else the profile's endpoint setting. */
export function baseUrlFor(sandboxUrl: string | undefined, settings: Record<string, unknown>): string {
  if (sandboxUrl) return sandboxUrl;
  const endpoint = settings.endpoint;
  return typeof endpoint === 'string' && endpoint ? endpoint : DEFAULT_BASE_URL;
}

export function buildConnectRequest(baseUrl: string, apiKey: string, payload: Record<string, unknown>): HttpRequestSpec {
  return {
    method: 'POST',
    url: connectUrl(baseUrl),
    headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
    body: JSON.stringify(payload),
  };
}

/**
 * FastAPI `loc` → JSON pointer into the payload. Body locations start with "body"; header/query locations
 * do not point into the payload and give ''.
 */
export function locToPointer(loc: readonly (string | number)[]): string {
  if (!Array.isArray(loc) || loc.length === 0) return '';
  const [where, ...rest] = loc;
  if (where !== 'body') return '';
  return rest.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function isPydanticError(v: unknown): v is PydanticError {
  return !!v && typeof v === 'object' && Array.isArray((v as PydanticError).loc) && typeof (v as PydanticError).msg === 'string';
}

export function mapValidationDetails(detail: unknown[]): FieldError[] {
  return detail.filter(isPydanticError).map((d) => {
    const path = locToPointer(d.loc);
    const where = path || d.loc.join('.') || '/';
    const extra = typeof d.ctx?.error === 'string' && !d.msg.includes(d.ctx.error) ? ` (${d.ctx.error})` : '';
    return { ...d, path, message: `${where}: ${d.msg}${extra}` };
  });
}

const REQUEST_ID_HEADERS = ['x-request-id', 'x-correlation-id', 'cf-ray'];

export function requestIdOf(headers: Record<string, string>): string | undefined {
  for (const h of REQUEST_ID_HEADERS) if (headers[h]) return headers[h];
  return undefined;
}

export type ConnectParse = { ok: true; result: ConnectResult; requestId?: string } | { ok: false; error: VendorError };

/**
 * Turn the /connect answer into a result or a VendorError. Convai error bodies carry `detail` (a string, or the
 * 422 list); like the SDK we also read `message` and `error`. There are no vendor error codes, so the code is
 * the HTTP status (for a 422 the first entry's pydantic type is in `details`).
 */
export function parseConnectResponse(ex: Pick<HttpExchange, 'status' | 'headers' | 'json' | 'bodyText'>): ConnectParse {
  const requestId = requestIdOf(ex.headers);
  const body = ex.json as Record<string, unknown> | undefined;
  if (ex.status === 200) {
    const missing = ['session_id', 'character_session_id', 'room_url', 'room_name', 'token'].filter((k) => typeof body?.[k] !== 'string' || !body[k]);
    if (!body || typeof body !== 'object' || missing.length) {
      const what = body && typeof body === 'object' ? `missing ${missing.join(', ')}` : `not JSON: ${ex.bodyText.slice(0, 120)}`;
      return { ok: false, error: { code: 'BAD_RESPONSE', message: `/connect answered 200 but the body is ${what}`, httpStatus: 200, requestId } };
    }
    const result: ConnectResult = {
      session_id: body.session_id as string,
      character_session_id: body.character_session_id as string,
      room_url: body.room_url as string,
      room_name: body.room_name as string,
      token: body.token as string,
      end_user_id: (body.end_user_id as string | null | undefined) ?? null,
    };
    if ('speaker_id' in body) result.speaker_id = body.speaker_id as string | null;
    return { ok: true, result, requestId };
  }
  const code = String(ex.status);
  const detail = body?.detail;
  if (ex.status === 422 && Array.isArray(detail)) {
    const details = mapValidationDetails(detail);
    const n = details.length;
    return {
      ok: false,
      error: {
        code,
        message: `${n} validation error${n === 1 ? '' : 's'}: ${details.map((d) => d.message).join('; ')}`,
        httpStatus: 422,
        requestId,
        field: details[0]?.path || undefined,
        details,
      },
    };
  }
  const text = [body?.message, body?.error, detail].find((v) => typeof v === 'string') as string | undefined;
  const message = text ?? (ex.bodyText ? ex.bodyText.slice(0, 300) : `HTTP ${ex.status} with an empty body`);
  return { ok: false, error: { code, message, httpStatus: ex.status, requestId, details: body ?? ex.bodyText } };
}

export function connectSummary(r: ConnectResult): string {
  return `room ${r.room_name} · session ${r.session_id} · character session ${r.character_session_id}`;
}
