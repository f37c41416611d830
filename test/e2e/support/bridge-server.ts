import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRendererFile, type RendererSite } from '../../../src-main/app/renderer-files.ts';
import { OP_NAME_LIST, PUSH_CHANNEL_LIST } from '../../../src-main/core/contract-names.ts';
import { dispatch, PUSH_CHANNELS } from '../../../src-main/core/contract.ts';
import type { Core } from '../../../src-main/core/core.ts';

/**
 * The E2E stand-in for the app's shell, on one loopback port:
 * - the built renderer, answered by the app's own protocol handler body (serveRendererFile) with its headers, on
 *   two origins as in the app: the page on http://127.0.0.1:<port> and the room frame on http://localhost:<port>
 *   (app://parley and app://room in the app);
 * - the operation table over a WebSocket on the page's origin (the stand-in for Electron's IPC; the page's CSP allows
 *   it as 'self'), with the same dispatch() as the IPC router. Every frame both ways is kept in `traffic`.
 */
export class BridgeServer {
  readonly traffic: string[] = [];
  private http: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  private unsubscribe: (() => void)[] = [];
  private clients = new Set<WebSocket>();

  private readonly core: Core;
  private readonly rendererDir: string;

  constructor(core: Core, rendererDir: string) {
    this.core = core;
    this.rendererDir = rendererDir;
  }

  private get port(): number {
    return (this.http!.address() as AddressInfo).port;
  }

  /** The two origins, as the app's CSPs name them. */
  get site(): RendererSite {
    return { appOrigin: `http://127.0.0.1:${this.port}`, roomOrigin: `http://localhost:${this.port}` };
  }

  /** The page to open. */
  get url(): string {
    return `${this.site.appOrigin}/`;
  }

  /** The bridge socket, on the page's own origin. */
  get bridgeUrl(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => void this.serveFile(req, res));
    this.http.on('upgrade', (req, socket, head) => {
      // Only the page's origin gets the bridge (the room frame must not reach it, as it cannot reach IPC in the app).
      if (`http://${req.headers.host}` !== this.site.appOrigin || req.headers.origin !== this.site.appOrigin) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', () => resolve()));
    this.wss.on('connection', (ws) => {
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('message', (raw) => void this.onMessage(ws, raw.toString()));
    });
    this.unsubscribe.push(
      this.core.sessions.onEvents((sessionId, _events, json) => {
        // The batch arrives already serialised: splice it in rather than stringify 100k events again.
        const text = `{"channel":"session.events","payload":{"sessionId":${JSON.stringify(sessionId)},"events":${json}}}`;
        for (const ws of this.clients) {
          this.traffic.push(text);
          ws.send(text);
        }
      }),
    );
    this.unsubscribe.push(this.core.sessions.onState((summary) => this.push('session.state', summary)));
  }

  private async serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const response = await serveRendererFile(this.rendererDir, { url: `http://${req.headers.host}${req.url ?? '/'}`, method: req.method }, this.site);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
    else res.end();
  }

  private send(ws: WebSocket, message: unknown): void {
    const text = JSON.stringify(message);
    this.traffic.push(text);
    ws.send(text);
  }

  private push(channel: (typeof PUSH_CHANNELS)[number], payload: unknown): void {
    for (const ws of this.clients) this.send(ws, { channel, payload });
  }

  private async onMessage(ws: WebSocket, text: string): Promise<void> {
    this.traffic.push(text);
    let msg: { id: number; op: string; args: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    try {
      const result = await dispatch(this.core.handlers, msg.op, msg.args);
      this.send(ws, { id: msg.id, ok: true, result: result ?? null });
    } catch (err) {
      const e = err as Error & { code?: string };
      this.send(ws, { id: msg.id, ok: false, error: { code: e.code ?? 'ERROR', message: e.message } });
    }
  }

  async close(): Promise<void> {
    this.unsubscribe.forEach((u) => u());
    for (const ws of this.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
  }
}

/**
 * The page-side half, injected before the renderer loads: defines window.parley as the preload does with
 * contextBridge. Only the contract's operations and push channels exist; arguments are structured-cloned at the call
 * (a function or a DOM node fails there, as over IPC) and results arrive as fresh copies; a failed call rejects with
 * a plain {name: 'ParleyError', code, message} object, not an Error (contextBridge keeps no Error subclass or custom
 * property). Installed in the top frame only, as a preload is.
 */
export function bridgeClientScript(url: string): string {
  return `(() => {
  if (window.top !== window) return;
  const OPS = new Set(${JSON.stringify(OP_NAME_LIST)});
  const CHANNELS = new Set(${JSON.stringify(PUSH_CHANNEL_LIST)});
  const bridgeError = (code, message) => ({ name: 'ParleyError', code, message });
  const pending = new Map();
  const listeners = new Map();
  let nextId = 1;
  const queue = [];
  const ws = new WebSocket(${JSON.stringify(url)});
  ws.onopen = () => { for (const m of queue.splice(0)) ws.send(m); };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.channel) { for (const l of listeners.get(msg.channel) ?? []) l(JSON.parse(JSON.stringify(msg.payload))); return; }
    const p = pending.get(msg.id); if (!p) return; pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result); else p.reject(bridgeError(msg.error.code, msg.error.message));
  };
  const send = (text) => ws.readyState === 1 ? ws.send(text) : queue.push(text);
  window.parley = Object.freeze({
    async invoke(op, args) {
      if (typeof op !== 'string' || !OPS.has(op)) throw bridgeError('UNKNOWN_OPERATION', 'unknown operation "' + String(op) + '"');
      const copy = structuredClone(args ?? {});
      const id = nextId++;
      return new Promise((resolve, reject) => { pending.set(id, { resolve, reject }); send(JSON.stringify({ id, op, args: copy })); });
    },
    on(channel, listener) {
      if (typeof channel !== 'string' || !CHANNELS.has(channel)) throw bridgeError('UNKNOWN_CHANNEL', 'unknown push channel "' + String(channel) + '"');
      if (typeof listener !== 'function') throw bridgeError('BAD_ARGUMENTS', 'listener: expected a function');
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      const forward = (payload) => listener(payload);
      listeners.get(channel).add(forward);
      return () => { listeners.get(channel).delete(forward); };
    },
  });
})();`;
}
