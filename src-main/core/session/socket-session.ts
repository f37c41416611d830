/**
 * One WebSocket session of a socket vendor, the parts every such protocol shares: connect (with the handshake
 * timeout), an auth step, close codes mapped to vendor errors, a watchdog while the vendor owes an answer, actions
 * from `session.send` (serialised where order matters), the setup and first-server-event figures, and the outcome.
 * A vendor configures it with a SocketProtocol: what its frames mean, its actions and its result (Mindcraft's
 * chat_bot_v3 is one; the test-only vendor under test/vendors/ is another).
 */
import WebSocket from 'ws';
import { STANDARD_METRICS, type MetricData } from '../events.ts';
import type { OperationOutcome, SessionContext, VendorError } from '../vendors/types.ts';

/** An action's refusal, with a code the caller can tell apart (SESSION_ENDED, NOT_CONNECTED, BAD_ACTION …). */
export class ActionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface SocketConnect {
  url: string;
  /** Headers of the upgrade request (an Authorization header: redacted from the record like every credential). */
  headers?: Record<string, string>;
  /** How the session authenticates, in words for the ws.connecting event ("API key header"). */
  authLabel?: string;
  /** More the ws.connecting event records about this connection (Mindcraft: its auth method). */
  details?: Record<string, unknown>;
  /** A first message sent right after the socket opens (an auth message), before the session counts as ready. */
  firstMessage?: { data: unknown; summary: string };
}

/** Why the session ended: `error` set when it failed (its vendor code and message), `why` in words otherwise. */
export interface SocketEnd {
  error: VendorError | null;
  why: string;
}

export type SocketAction = (data: Record<string, unknown>) => Promise<unknown> | unknown;

/** What a socket vendor brings to a SocketSession. */
export interface SocketProtocol {
  /** The socket is open and the first message (if any) sent; the session is not yet counted as ready (auth bookkeeping). */
  opened?(): void;
  /** The session takes input now (the setup figure is recorded): a turn the payload itself asks for may start. */
  ready?(): void;
  /** What every JSON message gets just before it goes out, the first message included (Mindcraft's socket_id). */
  stamp?(message: unknown): unknown;
  text(text: string): void;
  /** A binary frame; without a handler it is recorded as unexpected. */
  binary?(bytes: Buffer): void;
  /**
   * A close the session did not ask for: the error it ends with, or null for a normal end. Without a handler, 1000
   * is normal and any other code fails with WS_CLOSED_<code>.
   */
  closed?(code: number, reason: string): VendorError | null;
  /** `session.send` actions by name. */
  actions: Record<string, SocketAction>;
  /** Actions that must keep their order even when the caller does not await each (audio frames, uploads, stop upload). */
  serialActions?: readonly string[];
  /** Actions that may run before the socket is ready (they wait for nothing): a wait for the current turn. */
  immediateActions?: readonly string[];
  /** Work still in flight when the session ends (downloads): awaited before the outcome. */
  settle?(end: SocketEnd): Promise<void>;
  outcome(end: SocketEnd): OperationOutcome;
}

/** "a, b or c" */
const orList = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'no action'));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** How long a closing socket may take to say goodbye before the outcome is reported anyway. */
const CLOSE_WAIT_MS = 1000;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export class SocketSession {
  readonly ctx: SessionContext;
  private protocol!: SocketProtocol;
  private ws: WebSocket | null = null;
  private readonly started = performance.now();
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private finished = false;
  private error: VendorError | null = null;
  private resolveOutcome!: (o: OperationOutcome) => void;
  private readonly outcome: Promise<OperationOutcome>;
  private watchdog: NodeJS.Timeout | null = null;
  private sendChain: Promise<unknown> = Promise.resolve();
  private firstFrame = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
    this.outcome = new Promise((r) => (this.resolveOutcome = r));
  }

  /** Whether the session has ended (stopped, closed or failed). */
  get ended(): boolean {
    return this.finished;
  }

  /** Connect and run until the socket closes, the session is stopped or it fails; resolves with the protocol's outcome. */
  run(protocol: SocketProtocol, connect: SocketConnect | (() => Promise<SocketConnect>)): Promise<OperationOutcome> {
    this.protocol = protocol;
    this.ctx.onAction((action, data) => this.action(action, data));
    this.ctx.signal.addEventListener('abort', () => this.finish(null, 'stopped'), { once: true });
    void (async () => {
      try {
        const c = typeof connect === 'function' ? await connect() : connect;
        if (!this.finished) this.connect(c);
      } catch (err) {
        const e = err as Partial<VendorError> & Error;
        this.fail({ code: typeof e.code === 'string' ? e.code : 'CONNECT', message: e.message });
      }
    })();
    return this.outcome;
  }

  private connect(c: SocketConnect): void {
    const { ctx } = this;
    try {
      new URL(c.url);
    } catch {
      return this.fail({ code: 'BAD_ENDPOINT', message: `endpoint: expected a ws:// or wss:// URL, got "${c.url}"` });
    }
    const headers = c.headers ?? {};
    ctx.emit({
      kind: 'ws.connecting',
      dir: 'out',
      summary: `connecting ${c.url}${c.authLabel ? ` · auth: ${c.authLabel}` : ''}`,
      data: { url: c.url, ...c.details, headers },
    });
    const ws = new WebSocket(c.url, { headers, handshakeTimeout: ctx.timeouts.connectMs, maxPayload: MAX_FRAME_BYTES });
    this.ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 2000);
        this.fail({
          code: `HTTP_${res.statusCode}`,
          message: `WebSocket upgrade refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}${body ? ` · ${body}` : ''}`.trim(),
          httpStatus: res.statusCode,
        });
      });
      res.on('error', () =>
        this.fail({ code: `HTTP_${res.statusCode}`, message: `WebSocket upgrade refused: HTTP ${res.statusCode}`, httpStatus: res.statusCode }),
      );
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (this.finished) return;
      const code =
        err.code === 'ECONNREFUSED'
          ? 'connection_refused'
          : err.code === 'ECONNRESET'
            ? 'connection_reset'
            : /handshake has timed out/i.test(err.message)
              ? 'timeout'
              : err.code === 'ENOTFOUND'
                ? 'dns'
                : 'ws_error';
      this.fail({ code, message: err.message || code });
    });
    ws.on('open', () => this.opened(c));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.frame(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      const text = reason.toString('utf8');
      ctx.emit({ kind: 'ws.close', dir: 'in', summary: `closed ${code}${text ? ` · ${text}` : ''}`, data: { code, reason: text } });
      if (this.finished) return;
      const error = this.protocol.closed
        ? this.protocol.closed(code, text)
        : code === 1000
          ? null
          : { code: `WS_CLOSED_${code}`, message: `the server closed the socket (${code}${text ? ` ${text}` : ''})` };
      if (error) this.fail(error);
      else this.finish(null, 'closed by the server');
    });
  }

  private opened(c: SocketConnect): void {
    this.ctx.emit({ kind: 'ws.open', dir: 'in', summary: `open ${c.url}`, data: { url: c.url } });
    if (c.firstMessage) this.sendJson(c.firstMessage.data, c.firstMessage.summary);
    this.protocol.opened?.();
    this.metric({ name: STANDARD_METRICS.setup, value: this.since(this.started), unit: 'ms', source: 'measured' });
    this.resolveReady();
    this.protocol.ready?.();
  }

  private frame(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.finished) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (!this.firstFrame) {
      this.firstFrame = true;
      this.metric({ name: STANDARD_METRICS.firstServerEvent, value: this.since(this.started), unit: 'ms', source: 'measured' });
    }
    if (!isBinary) return this.protocol.text(bytes.toString('utf8'));
    if (this.protocol.binary) return this.protocol.binary(bytes);
    this.ctx.emit({
      kind: 'ws.binary',
      dir: 'in',
      summary: `${bytes.length} B binary (not expected from ${this.ctx.operation})`,
      data: { bytes: bytes.length },
    });
  }

  private async action(action: string, data: unknown): Promise<unknown> {
    if (this.finished) throw new ActionError('SESSION_ENDED', 'the session has ended');
    const handler = Object.hasOwn(this.protocol.actions, action) ? this.protocol.actions[action] : undefined;
    if (!handler) throw new ActionError('BAD_ACTION', `action: expected ${orList(Object.keys(this.protocol.actions))}, got "${action}"`);
    const d = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
    if (!this.protocol.immediateActions?.includes(action)) await this.ready;
    return this.protocol.serialActions?.includes(action) ? this.serial(() => handler(d)) : handler(d);
  }

  /** Run `fn` after every earlier serial action (audio frames and stop-upload keep their order). */
  serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.sendChain.then(fn, fn);
    this.sendChain = next.catch(() => undefined);
    return next;
  }

  private socket(): WebSocket {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new ActionError('NOT_CONNECTED', 'the socket is not open');
    return this.ws;
  }

  /** Send a JSON text frame and record it (`ws.frame`, out). */
  sendJson(message: unknown, summary: string): void {
    const socket = this.socket();
    const stamped = this.protocol.stamp ? this.protocol.stamp(message) : message;
    socket.send(JSON.stringify(stamped));
    this.ctx.emit({ kind: 'ws.frame', dir: 'out', summary, data: stamped });
  }

  /** Send a binary frame and record its size (`ws.binary`, out). */
  sendBinary(bytes: Uint8Array, summary: string, data?: Record<string, unknown>): void {
    this.socket().send(bytes, { binary: true });
    this.ctx.emit({ kind: 'ws.binary', dir: 'out', summary, data: { bytes: bytes.length, ...data } });
  }

  /** While the vendor owes an answer: silence for `ms` fails the session with TIMEOUT, saying what was awaited. */
  watch(ms: number, awaiting: string): void {
    this.unwatch();
    this.watchdog = setTimeout(() => this.fail({ code: 'TIMEOUT', message: `no message from the server for ${ms} ms while waiting for ${awaiting}` }), ms);
  }

  unwatch(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  metric(m: MetricData | null): void {
    if (!m) return;
    const unit = m.unit === 'ms' ? ' ms' : m.unit === 's' ? ' s' : '';
    this.ctx.emit({ kind: 'metric', dir: 'local', summary: `${m.turn ? `turn ${m.turn} · ` : ''}${m.name} = ${m.value}${unit}`, data: m });
  }

  /** ms since `t` (performance.now()), to a tenth. */
  since(t: number): number {
    return Math.round((performance.now() - t) * 10) / 10;
  }

  /** End the session with an error, after recording it with the vendor's code and message. */
  fail(error: VendorError): void {
    if (this.finished) return;
    this.ctx.fail(error);
    this.error = error;
    this.finish(1011, 'failed');
  }

  /** End the session (stopped by the user, closed by the server, or failed). Safe to call twice. */
  finish(closeCode: number | null, why: string): void {
    if (this.finished) return;
    this.finished = true;
    this.unwatch();
    this.rejectReady(new ActionError('SESSION_ENDED', `the session ${why}`));
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws && ws.readyState === WebSocket.OPEN) ws.close(closeCode ?? 1000, why === 'stopped' ? 'client stopped' : why);
    void (async () => {
      if (ws && ws.readyState !== WebSocket.CLOSED) await Promise.race([new Promise((r) => ws.once('close', r)), sleep(CLOSE_WAIT_MS)]);
      const end: SocketEnd = { error: this.error, why };
      await this.protocol.settle?.(end).catch(() => undefined);
      this.resolveOutcome(this.protocol.outcome(end));
    })();
  }
}
