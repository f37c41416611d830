import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One HTTP exchange with timeouts and transport errors turned into named codes. No events here. */
export interface HttpRequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent exactly as given: the bytes that were signed. */
  body?: string | Uint8Array;
  timeoutMs?: number;
}

export interface HttpExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  bodyBytes: Uint8Array;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  durationMs: number;
}

export type TransportErrorCode = 'timeout' | 'connection_refused' | 'connection_reset' | 'dns' | 'aborted' | 'network';

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  readonly durationMs: number;
  constructor(code: TransportErrorCode, message: string, durationMs: number) {
    super(message);
    this.code = code;
    this.durationMs = durationMs;
  }
}

/**
 * node:http(s) rather than fetch: fetch turns some real answers into an opaque "fetch failed" (a 407 from a
 * corporate proxy, by the Fetch spec), adds headers of its own and hides the exact status of a half-sent answer.
 * A test console must show what the server actually said.
 */
export async function sendHttp(spec: HttpRequestSpec, signal?: AbortSignal): Promise<HttpExchange> {
  const timeoutMs = spec.timeoutMs ?? 15_000;
  const started = performance.now();
  const body = spec.body === undefined ? undefined : typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : Buffer.from(spec.body);
  const url = new URL(spec.url);
  const headers: Record<string, string> = { ...spec.headers };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;

  const answer = await new Promise<{ status: number; headers: Record<string, string>; bytes: Uint8Array }>((resolve, reject) => {
    let settled = false;
    const fail = (err: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const elapsed = () => performance.now() - started;
    const timer = setTimeout(() => fail(new TransportError('timeout', `no answer from ${url.host} within ${timeoutMs} ms`, elapsed())), timeoutMs);
    const onAbort = () => fail(new TransportError('aborted', 'request cancelled', elapsed()));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const req = request(url, { method: spec.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => fail(classify(err, spec.url, elapsed())));
      res.on('aborted', () => fail(new TransportError('connection_reset', `connection to ${url.host} was reset before a complete answer`, elapsed())));
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) return fail(new TransportError('connection_reset', `connection to ${url.host} was reset before a complete answer`, elapsed()));
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: h, bytes: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    req.on('error', (err) => fail(classify(err, spec.url, elapsed())));
    req.end(body);
  });

  const text = new TextDecoder('utf-8', { fatal: false }).decode(answer.bytes);
  return {
    request: {
      method: spec.method,
      url: spec.url,
      headers: spec.headers ?? {},
      body: typeof spec.body === 'string' ? spec.body : body ? `<${body.length} bytes>` : '',
    },
    status: answer.status,
    headers: answer.headers,
    bodyText: text,
    bodyBytes: answer.bytes,
    json: parseJson(text),
    durationMs: performance.now() - started,
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function classify(err: unknown, url: string, elapsed: number): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const host = new URL(url).host;
  if (code === 'ECONNREFUSED') return new TransportError('connection_refused', `connection refused by ${host}`, elapsed);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|other side closed/i.test(e.message))
    return new TransportError('connection_reset', `connection to ${host} was reset before a complete answer`, elapsed);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('dns', `cannot resolve ${host}`, elapsed);
  if (code.startsWith('HPE_')) return new TransportError('network', `${host} sent an answer that is not valid HTTP (${e.message})`, elapsed);
  return new TransportError('network', `${e.message}${code ? ` (${code})` : ''}`, elapsed);
}
