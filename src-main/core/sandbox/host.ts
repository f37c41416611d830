import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { BotSettings } from '../voice/bot.ts';
import { parseFault, type Fault, type SandboxScenario, type VendorErrorEntry } from './faults.ts';

export interface SandboxRequest {
  method: string;
  /** Path below the vendor prefix, starting with '/'. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
}

export type SandboxHttpHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** The server side of one sandbox WebSocket, with the vendor's faults applied to every frame it sends. */
export interface SandboxSocket {
  send(data: string | Buffer | object): Promise<void>;
  close(code?: number, reason?: string): void;
  onMessage(handler: (data: Buffer, isBinary: boolean) => void): void;
  onClose(handler: () => void): void;
  readonly open: boolean;
}

export type SandboxSocketHandler = (socket: SandboxSocket, req: SandboxRequest) => void;

/** Renders an injected vendor error in the vendor's own HTTP body shape and content type. */
export type VendorErrorRenderer = (entry: VendorErrorEntry, req: SandboxRequest) => SandboxResponse;

/** Something a sandbox noticed without refusing the request (an undocumented field): shown by `parley sandbox`. */
export interface SandboxNote {
  vendor: string;
  at: string;
  message: string;
}

/** Response header carrying the sandbox's warnings (ASCII JSON array of messages), so any client can read them. */
export const WARNINGS_HEADER = 'x-parley-sandbox-warnings';

/** `{ [WARNINGS_HEADER]: … }` for a response, or nothing when there are no warnings. Non-ASCII is \u-escaped. */
export function warningHeaders(messages: readonly string[]): Record<string, string> {
  if (!messages.length) return {};
  return { [WARNINGS_HEADER]: JSON.stringify(messages).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) };
}

interface Route {
  vendor: string;
  method: string;
  path: string;
  handler: SandboxHttpHandler;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const SANDBOX_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * One loopback HTTP + WebSocket server that every vendor sandbox mounts under `/<vendor>`. Control endpoints:
 * - `POST /_sandbox/faults/<vendor>` (body: a Fault or null) sets fault injection at run time;
 * - `POST /_sandbox/scenario/<vendor>` (body: `{"name": …}` or null) turns a named, inferred behaviour on or off;
 * - `GET /_sandbox/catalogue` lists every vendor's injectable error codes and scenarios;
 * - `GET /_sandbox/notes/<vendor>` the sandbox's recent warnings (undocumented fields it let through);
 * - `POST /_sandbox/bot/<vendor>` (body: partial bot settings, e.g. `{"thinkMs": 400}`, or null) the sandbox bot's
 *   settings for the rooms and sockets it joins from then on (think time, mishear, barge-in).
 */
export class SandboxHost {
  private server: Server | null = null;
  /** A client frame larger than this closes that socket with 1009 (message too big); the host goes on. */
  private wss = new WebSocketServer({ noServer: true, maxPayload: SANDBOX_MAX_FRAME_BYTES });
  private routes: Route[] = [];
  private sockets = new Map<string, SandboxSocketHandler>();
  private faults = new Map<string, Fault>();
  private readonly errorCatalogues = new Map<string, { errors: VendorErrorEntry[]; render?: VendorErrorRenderer }>();
  private readonly scenarioCatalogues = new Map<string, SandboxScenario[]>();
  private readonly scenarios = new Map<string, string>();
  private readonly notes: SandboxNote[] = [];
  private readonly bots = new Map<string, Partial<BotSettings>>();
  private readonly noteListeners = new Set<(note: SandboxNote) => void>();
  private connections = new Set<Socket>();
  private readonly closers: (() => Promise<void> | void)[] = [];
  private readonly preparers = new Map<string, () => Promise<void>>();
  private port = 0;

  private readonly host: string;

  constructor(host = '127.0.0.1') {
    this.host = host;
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('sandbox host is not started');
    return `http://${this.host}:${this.port}`;
  }

  vendorUrl(vendor: string): string {
    return `${this.baseUrl}/${vendor}`;
  }

  /** Register an HTTP route; `path` is below `/<vendor>` and may end in `*` to match a prefix. */
  http(vendor: string, method: string, path: string, handler: SandboxHttpHandler): void {
    this.routes.push({ vendor, method: method.toUpperCase(), path, handler });
  }

  /** Serve fixed bytes (e.g. an mp3) at `/<vendor><path>`. */
  file(vendor: string, path: string, bytes: Uint8Array, contentType: string): void {
    this.http(vendor, 'GET', path, () => ({ status: 200, headers: { 'content-type': contentType }, body: Buffer.from(bytes) }));
  }

  ws(vendor: string, path: string, handler: SandboxSocketHandler): void {
    this.sockets.set(`/${vendor}${path}`, handler);
  }

  setFault(vendor: string, fault: Fault | null): void {
    if (fault?.kind === 'vendor-error') this.vendorError(vendor, fault.code); // throws for a code the vendor has not
    if (fault) this.faults.set(vendor, fault);
    else this.faults.delete(vendor);
  }

  /**
   * The vendor's injectable error codes. `render` answers HTTP requests while a `vendor-error` fault is set; a
   * socket vendor (Mindcraft) reads the fault itself and sends the status at the right moment of the conversation.
   */
  declareErrors(vendor: string, errors: VendorErrorEntry[], render?: VendorErrorRenderer): void {
    this.errorCatalogues.set(vendor, { errors, render });
  }

  /** The catalogue entry for an injected code; a code the vendor does not have is a clear error listing the valid ones. */
  vendorError(vendor: string, code: string): VendorErrorEntry {
    const catalogue = this.errorCatalogues.get(vendor);
    const entry = catalogue?.errors.find((e) => e.code === code);
    if (!entry) {
      const known = catalogue?.errors.map((e) => e.code).join(', ');
      throw new Error(
        known ? `fault.code: ${vendor} has no error code "${code}" (expected one of ${known})` : `fault.code: the ${vendor} sandbox declares no error codes`,
      );
    }
    return entry;
  }

  catalogue(): { vendor: string; errors: VendorErrorEntry[]; scenarios: SandboxScenario[] }[] {
    const vendors = new Set([...this.errorCatalogues.keys(), ...this.scenarioCatalogues.keys()]);
    return [...vendors].map((vendor) => ({
      vendor,
      errors: this.errorCatalogues.get(vendor)?.errors ?? [],
      scenarios: this.scenarioCatalogues.get(vendor) ?? [],
    }));
  }

  declareScenarios(vendor: string, scenarios: SandboxScenario[]): void {
    this.scenarioCatalogues.set(vendor, scenarios);
  }

  setScenario(vendor: string, name: string | null): void {
    if (name === null) return void this.scenarios.delete(vendor);
    const known = this.scenarioCatalogues.get(vendor) ?? [];
    if (!known.some((s) => s.name === name))
      throw new Error(`scenario: ${vendor} has no scenario "${name}"${known.length ? ` (expected one of ${known.map((s) => s.name).join(', ')})` : ''}`);
    this.scenarios.set(vendor, name);
  }

  scenario(vendor: string): string | undefined {
    return this.scenarios.get(vendor);
  }

  /** Record a warning the sandbox gives without refusing the request; listeners (the `parley sandbox` console) print it. */
  note(vendor: string, message: string): void {
    const note = { vendor, at: new Date().toISOString(), message };
    this.notes.push(note);
    if (this.notes.length > 500) this.notes.shift();
    for (const l of this.noteListeners) l(note);
  }

  onNote(listener: (note: SandboxNote) => void): () => void {
    this.noteListeners.add(listener);
    return () => this.noteListeners.delete(listener);
  }

  recentNotes(vendor?: string): SandboxNote[] {
    return this.notes.filter((n) => !vendor || n.vendor === vendor);
  }

  /** Something a vendor's sandbox runs beside the host (Convai's livekit-server), stopped when the host closes. */
  onClose(stop: () => Promise<void> | void): void {
    this.closers.push(stop);
  }

  /**
   * What a vendor's sandbox must have running before a session talks to it (Convai's livekit-server, which takes
   * seconds to start on a busy machine): started by `prepare`, outside any request, so the start-up is not charged
   * to the client's connect timeout.
   */
  onPrepare(vendor: string, prepare: () => Promise<void>): void {
    this.preparers.set(vendor, prepare);
  }

  /** Have the vendor's sandbox ready (see onPrepare). Never throws: a sandbox that cannot get ready says so itself. */
  async prepare(vendor: string): Promise<void> {
    await this.preparers
      .get(vendor)?.()
      .catch(() => undefined);
  }

  /** Sandbox bot settings for a vendor's next conversations (a sandbox setting: think time, mishear, barge-in). */
  setBotSettings(vendor: string, settings: Partial<BotSettings> | null): void {
    if (settings) this.bots.set(vendor, { ...settings });
    else this.bots.delete(vendor);
  }

  botSettings(vendor: string): Partial<BotSettings> {
    return { ...this.bots.get(vendor) };
  }

  fault(vendor: string): Fault | undefined {
    return this.faults.get(vendor);
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (s) => {
      this.connections.add(s);
      s.on('close', () => this.connections.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const s of this.connections) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
    await Promise.allSettled(this.closers.map(async (stop) => stop()));
  }

  private split(url: string): { vendor: string; path: string; query: URLSearchParams } {
    const u = new URL(url, 'http://sandbox');
    const [, vendor = '', ...rest] = u.pathname.split('/');
    return { vendor, path: '/' + rest.join('/'), query: u.searchParams };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const { vendor, path, query } = this.split(req.url ?? '/');
    if (vendor === '_sandbox') return this.control(req.method ?? 'GET', path, body, res);

    const route = this.routes.find(
      (r) => r.vendor === vendor && r.method === req.method && (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path),
    );
    if (!route) return send(res, { status: 404, body: { error: `sandbox: no route ${req.method} /${vendor}${path}` } });

    const fault = this.faults.get(vendor);
    if (fault?.kind === 'hang') return; // keep the socket open, never answer
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'status') return send(res, { status: fault.status, ...statusFaultBody(fault.status, fault.body) });
    if (fault?.kind === 'malformed') return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"Response": {"truncated' });
    if (fault?.kind === 'drop') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      return void setTimeout(() => req.socket.destroy(), 10);
    }

    const request: SandboxRequest = { method: req.method ?? 'GET', path, query, headers: lowerHeaders(req), body };
    if (fault?.kind === 'vendor-error') {
      const catalogue = this.errorCatalogues.get(vendor);
      const entry = catalogue?.errors.find((e) => e.code === fault.code);
      if (entry && catalogue?.render) return send(res, catalogue.render(entry, request));
    }
    try {
      const out = await route.handler(request);
      send(res, out);
    } catch (err) {
      send(res, { status: 500, body: { error: `sandbox handler failed: ${(err as Error).message}` } });
    }
  }

  private control(method: string, path: string, body: Buffer, res: ServerResponse): void {
    if (method === 'GET' && path === '/catalogue') return send(res, { status: 200, body: this.catalogue() });
    const notes = /^\/notes\/([a-z][a-z0-9-]*)$/.exec(path);
    if (method === 'GET' && notes) return send(res, { status: 200, body: this.recentNotes(notes[1]) });
    const m = /^\/(faults|scenario|bot)\/([a-z][a-z0-9-]*)$/.exec(path);
    if (method !== 'POST' || !m)
      return send(res, {
        status: 404,
        body: {
          error:
            'sandbox control: POST /_sandbox/faults/<vendor>, POST /_sandbox/scenario/<vendor>, POST /_sandbox/bot/<vendor>, GET /_sandbox/catalogue, GET /_sandbox/notes/<vendor>',
        },
      });
    const vendor = m[2]!;
    try {
      const text = body.toString('utf8').trim();
      const value: unknown = text ? JSON.parse(text) : null;
      if (m[1] === 'faults') {
        this.setFault(vendor, parseFault(value));
        return send(res, { status: 200, body: { vendor, fault: this.faults.get(vendor) ?? null } });
      }
      if (m[1] === 'bot') {
        this.setBotSettings(vendor, parseBotSettings(value));
        return send(res, { status: 200, body: { vendor, bot: this.bots.get(vendor) ?? null } });
      }
      const name = value && typeof value === 'object' ? (value as { name?: unknown }).name : value;
      if (name !== null && typeof name !== 'string') throw new Error('scenario: expected {"name": "<scenario>"} or null');
      this.setScenario(vendor, name);
      return send(res, { status: 200, body: { vendor, scenario: this.scenarios.get(vendor) ?? null } });
    } catch (err) {
      send(res, { status: 400, body: { error: (err as Error).message } });
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const { vendor, path, query } = this.split(req.url ?? '/');
    const handler = this.sockets.get(`/${vendor}${path}`) ?? this.sockets.get(`/${vendor}${path.replace(/\/$/, '')}`);
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const fault = this.faults.get(vendor);
    if (fault?.kind === 'reset') return void socket.destroy();
    if (fault?.kind === 'status') {
      socket.end(`HTTP/1.1 ${fault.status} Sandbox Fault\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    // A socket error (a frame over maxPayload, a reset mid-frame) ends that connection; without a listener it would
    // be an uncaught exception that ends the whole process, every session with it.
    socket.on('error', () => socket.destroy());
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      handler(this.wrap(vendor, ws), { method: 'GET', path, query, headers: lowerHeaders(req), body: Buffer.alloc(0) });
    });
  }

  private wrap(vendor: string, ws: WebSocket): SandboxSocket {
    let sent = 0;
    const faults = this.faults;
    return {
      get open() {
        return ws.readyState === ws.OPEN;
      },
      async send(data) {
        const fault = faults.get(vendor);
        if (fault?.kind === 'hang') return;
        if (fault?.kind === 'delay') await sleep(fault.ms);
        if (ws.readyState !== ws.OPEN) return;
        if (fault?.kind === 'drop' && sent >= (fault.afterFrames ?? 0)) return void ws.close(1011, 'sandbox fault: dropped mid-stream');
        if (fault?.kind === 'malformed' && sent === (fault.afterFrames ?? 0)) {
          sent++;
          ws.send('{"socket_status": 10');
          return;
        }
        sent++;
        const payload = Buffer.isBuffer(data) ? data : typeof data === 'string' ? data : JSON.stringify(data);
        await new Promise<void>((resolve) => ws.send(payload, { binary: Buffer.isBuffer(data) }, () => resolve()));
      },
      close(code = 1000, reason = '') {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      },
      onMessage(handler) {
        ws.on('message', (data: RawData, isBinary: boolean) => handler(toBuffer(data), isBinary));
      },
      onClose(handler) {
        ws.on('close', handler);
      },
    };
  }
}

/** Bot settings from a control request: only the known keys, each checked (the bot checks the ranges). */
function parseBotSettings(value: unknown): Partial<BotSettings> | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('bot: expected an object such as {"thinkMs": 400} or null');
  const out: Partial<BotSettings> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'thinkMs' || key === 'silenceMs') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 60_000) throw new Error(`bot.${key}: expected 0-60000 ms, got ${JSON.stringify(v)}`);
      out[key] = v;
    } else if (key === 'mishear' || key === 'bargeIn') {
      if (typeof v !== 'boolean') throw new Error(`bot.${key}: expected true or false, got ${JSON.stringify(v)}`);
      out[key] = v;
    } else throw new Error(`bot.${key}: unknown setting (expected thinkMs, silenceMs, mishear or bargeIn)`);
  }
  return out;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A `status` fault's body: as given (JSON content type when it parses as JSON), or a short text naming the fault. */
function statusFaultBody(status: number, body: string | undefined): Pick<SandboxResponse, 'headers' | 'body'> {
  if (body === undefined) return { body: `sandbox fault: HTTP ${status}` };
  try {
    JSON.parse(body);
    return { headers: { 'content-type': 'application/json' }, body };
  } catch {
    return { body };
  }
}

function send(res: ServerResponse, out: SandboxResponse): void {
  const isBuffer = Buffer.isBuffer(out.body);
  const isString = typeof out.body === 'string';
  const body = out.body === undefined ? '' : isBuffer || isString ? (out.body as string | Buffer) : JSON.stringify(out.body);
  const headers: Record<string, string> = { ...out.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = isBuffer ? 'application/octet-stream' : isString ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(out.status, headers);
  res.end(body);
}
