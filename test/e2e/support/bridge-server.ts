import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { dispatch, PUSH_CHANNELS } from '../../../src-main/core/contract.ts';
import type { Core } from '../../../src-main/core/core.ts';

/**
 * Serves the operation table to the renderer over a loopback WebSocket: the E2E stand-in for Electron's IPC.
 * Same dispatch() as the IPC router; every frame both ways is kept in `traffic` for leak checks.
 */
export class BridgeServer {
  readonly traffic: string[] = [];
  private wss: WebSocketServer | null = null;
  private unsubscribe: (() => void)[] = [];
  private clients = new Set<WebSocket>();

  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve) => this.wss!.once('listening', () => resolve()));
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
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }
}

/** The page-side half, injected before the renderer loads: defines window.parley like the preload does. */
export function bridgeClientScript(url: string): string {
  return `(() => {
  const pending = new Map();
  const listeners = new Map();
  let nextId = 1;
  const queue = [];
  const ws = new WebSocket(${JSON.stringify(url)});
  ws.onopen = () => { for (const m of queue.splice(0)) ws.send(m); };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.channel) { for (const l of listeners.get(msg.channel) ?? []) l(msg.payload); return; }
    const p = pending.get(msg.id); if (!p) return; pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result); else p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
  };
  const send = (text) => ws.readyState === 1 ? ws.send(text) : queue.push(text);
  window.parley = Object.freeze({
    invoke(op, args) {
      const id = nextId++;
      return new Promise((resolve, reject) => { pending.set(id, { resolve, reject }); send(JSON.stringify({ id, op, args: args ?? {} })); });
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return () => listeners.get(channel).delete(listener);
    },
  });
})();`;
}
