/** One HTTP exchange with timeouts and transport errors turned into named codes. Plain fetch, no events here. */
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

export async function sendHttp(spec: HttpRequestSpec, signal?: AbortSignal): Promise<HttpExchange> {
  const timeoutMs = spec.timeoutMs ?? 15_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const started = performance.now();
  const body = spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : Buffer.from(spec.body);
  try {
    const res = await fetch(spec.url, { method: spec.method, headers: spec.headers, body, signal: combined, redirect: 'manual' });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return {
      request: { method: spec.method, url: spec.url, headers: spec.headers ?? {}, body: typeof body === 'string' ? body : body ? `<${body.length} bytes>` : '' },
      status: res.status,
      headers,
      bodyText: text,
      bodyBytes: bytes,
      json: parseJson(text),
      durationMs: performance.now() - started,
    };
  } catch (err) {
    const elapsed = performance.now() - started;
    if (timeout.aborted) throw new TransportError('timeout', `no answer from ${new URL(spec.url).host} within ${timeoutMs} ms`, elapsed);
    if (signal?.aborted) throw new TransportError('aborted', 'request cancelled', elapsed);
    throw classify(err, spec.url, elapsed);
  }
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
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const host = new URL(url).host;
  if (code === 'ECONNREFUSED') return new TransportError('connection_refused', `connection refused by ${host}`, elapsed);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || /other side closed|terminated/i.test(cause?.message ?? (err as Error).message))
    return new TransportError('connection_reset', `connection to ${host} was reset before a complete answer`, elapsed);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('dns', `cannot resolve ${host}`, elapsed);
  return new TransportError('network', `${(err as Error).message}${cause?.message ? `: ${cause.message}` : ''}`, elapsed);
}
