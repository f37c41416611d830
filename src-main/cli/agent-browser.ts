/**
 * Room turns from the CLI: the turn agent's page (agent.html, the renderer's build) in headless Chromium, served from
 * a loopback server as the app serves its pages (serveRendererFile: the page on http://127.0.0.1:<port>, the room
 * frame on http://localhost:<port>, each with its CSP), talking to the CLI's session engines over a WebSocket on the
 * page's origin. The page is given only what the agent uses: agent.ready / claim / finish, room.join and
 * session.record, each argument checked by the contract's own dispatch.
 *
 * Chromium is the system's: PARLEY_CHROMIUM, else the usual places; none found is a clear error saying how to fix it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRendererFile, type RendererSite } from '../app/renderer-files.ts';
import { dispatch, type Handlers } from '../core/contract.ts';
import type { SessionManager } from '../core/session/manager.ts';
import type { Profile } from '../core/profiles/types.ts';
import { turnAgents } from '../core/workflows/turn-agent.ts';
import type { BuiltInRoomJoinInfo } from '../core/vendors/registry.ts';

const CANDIDATES: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'],
};

/** The browser that runs the turn agent: PARLEY_CHROMIUM, else the first of the usual paths that exists. */
export function findChromium(env: Record<string, string | undefined>, platform: string = process.platform): string {
  const given = env.PARLEY_CHROMIUM;
  if (given) {
    if (!existsSync(given)) throw new Error(`PARLEY_CHROMIUM: ${given} does not exist; point it at a Chromium or Chrome binary`);
    return given;
  }
  const found = (CANDIDATES[platform] ?? []).find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `Tencent and NetEase voice turns run in a browser, and no Chromium or Chrome was found (looked in ${(CANDIDATES[platform] ?? []).join(', ') || 'no known place on this system'}). Install Chromium (e.g. apt-get install chromium) or Chrome, or set PARLEY_CHROMIUM to its binary.`,
  );
}

/** The built renderer (npm run build / electron-vite build), whose agent.html the browser opens. */
export function rendererDir(): string {
  const dir = resolve(import.meta.dirname, '../../out/renderer');
  if (!existsSync(join(dir, 'agent.html')))
    throw new Error(`the turn agent's page is not built (${dir}/agent.html is missing): run \`npx electron-vite build\` first`);
  return dir;
}

/** How long the browser may take to start and load the agent page. */
export const AGENT_START_MS = 20_000;

type Credential = (profile: Profile, name: string) => Promise<string | undefined>;

export class HeadlessAgent {
  private readonly managers = new Map<SessionManager, { credential: Credential; off: () => void }>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  private readonly clients = new Set<WebSocket>();
  private server: Server | null = null;
  private browser: ChildProcess | null = null;
  private profileDir = '';
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  private stderr = '';

  /** Start the server and the browser; resolves once the agent page is listening. */
  static async start(env: Record<string, string | undefined>): Promise<HeadlessAgent> {
    const agent = new HeadlessAgent();
    try {
      await agent.launch(findChromium(env), rendererDir());
    } catch (err) {
      await agent.close();
      throw err;
    }
    return agent;
  }

  /** Room turns of this session engine go to the browser from now on; returns the function that stops that. */
  attach(manager: SessionManager, credential: Credential): () => void {
    const off = manager.onEvents((sessionId, _events, json) => {
      const text = `{"channel":"session.events","payload":{"sessionId":${JSON.stringify(sessionId)},"events":${json}}}`;
      for (const ws of this.clients) ws.send(text);
    });
    this.managers.set(manager, { credential, off });
    turnAgents(manager).markReady();
    return () => {
      off();
      this.managers.delete(manager);
    };
  }

  private get site(): RendererSite {
    const port = (this.server!.address() as AddressInfo).port;
    return { appOrigin: `http://127.0.0.1:${port}`, roomOrigin: `http://localhost:${port}` };
  }

  private async launch(chromium: string, dir: string): Promise<void> {
    this.server = createServer((req, res) => void this.serveFile(dir, req, res));
    this.server.on('upgrade', (req, socket, head) => {
      // Only the agent page's origin gets the socket (never the room frame's).
      if (`http://${req.headers.host}` !== this.site.appOrigin || req.headers.origin !== this.site.appOrigin || req.url !== '/agent') return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.clients.add(ws);
        ws.on('close', () => this.clients.delete(ws));
        ws.on('message', (raw) => void this.onMessage(ws, raw.toString()));
      });
    });
    await new Promise<void>((ok, fail) => {
      this.server!.once('error', fail);
      this.server!.listen(0, '127.0.0.1', () => ok());
    });
    this.profileDir = mkdtempSync(join(tmpdir(), 'parley-agent-'));
    const args = [
      '--headless=new',
      '--no-first-run',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      `--user-data-dir=${this.profileDir}`,
    ];
    // Chromium refuses to run as root with its sandbox (CI containers); a user's run keeps it.
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    this.browser = spawn(chromium, [...args, `${this.site.appOrigin}/agent.html`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.browser.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    const exited = new Promise<never>((_ok, fail) =>
      this.browser!.once('exit', (code) =>
        fail(new Error(`${chromium} exited (code ${code}) before the turn agent started: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`)),
      ),
    );
    const started = new Promise<void>((ok) => (this.ready ? ok() : this.readyWaiters.push(ok)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>(
      (_ok, fail) =>
        (timer = setTimeout(() => fail(new Error(`the turn agent did not start in ${chromium} within ${AGENT_START_MS / 1000} s`)), AGENT_START_MS)),
    );
    try {
      await Promise.race([started, exited, late]);
    } finally {
      clearTimeout(timer);
      exited.catch(() => undefined);
    }
  }

  private managerOf(sessionId: string): SessionManager {
    for (const m of this.managers.keys()) if (m.isLive(sessionId)) return m;
    throw Object.assign(new Error(`session ${sessionId} is not running here`), { code: 'NOT_RUNNING' });
  }

  private handlers(): Partial<Handlers> {
    return {
      'agent.ready': async () => {
        this.ready = true;
        this.readyWaiters.splice(0).forEach((w) => w());
        return { ok: true };
      },
      'agent.claim': async ({ sessionId, turnId }) => turnAgents(this.managerOf(sessionId)).claim(sessionId, turnId),
      'agent.finish': async ({ sessionId, turnId, result, error }) => {
        turnAgents(this.managerOf(sessionId)).finish(sessionId, turnId, { result, error });
        return { ok: true };
      },
      'session.record': async ({ sessionId, events }) => ({ seq: this.managerOf(sessionId).record(sessionId, events) }),
      'room.join': async ({ sessionId }) => {
        const manager = this.managerOf(sessionId);
        const req = manager.startRequest(sessionId)!;
        if (!req.vendor.roomJoin) throw new Error(`room.join: ${req.vendor.id} has no room`);
        const { credential } = this.managers.get(manager)!;
        const info = await req.vendor.roomJoin({
          profile: req.profile,
          payload: req.payload,
          result: manager.controlPlaneResult(sessionId),
          sandboxUrl: req.sandboxUrl,
          credential: async (name) => {
            const v = await credential(req.profile, name);
            if (v === undefined) throw new Error(`credential ${name} is not set`);
            return v;
          },
        });
        // The descriptor registered under this id is the one whose join type the contract lists (registry.ts: one per id).
        return info as BuiltInRoomJoinInfo;
      },
    };
  }

  private async onMessage(ws: WebSocket, text: string): Promise<void> {
    let msg: { id?: unknown; op?: unknown; args?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const handlers = this.handlers();
    try {
      if (typeof msg.op !== 'string' || !(msg.op in handlers))
        throw Object.assign(new Error(`${String(msg.op)}: not available to the turn agent`), { code: 'UNSUPPORTED' });
      const result = await dispatch(handlers as Handlers, msg.op, msg.args);
      ws.send(JSON.stringify({ id: msg.id, ok: true, result: result ?? null }));
    } catch (err) {
      const e = err as Error & { code?: string };
      ws.send(JSON.stringify({ id: msg.id, ok: false, error: { code: e.code ?? 'ERROR', message: e.message } }));
    }
  }

  private async serveFile(dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const response = await serveRendererFile(dir, { url: `http://${req.headers.host}${req.url ?? '/'}`, method: req.method }, this.site);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
    else res.end();
  }

  async close(): Promise<void> {
    for (const { off } of this.managers.values()) off();
    this.managers.clear();
    for (const ws of this.clients) ws.terminate();
    if (this.browser && this.browser.exitCode === null) {
      const gone = new Promise((r) => this.browser!.once('exit', r));
      this.browser.kill();
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    }
    await new Promise<void>((r) => this.wss.close(() => r()));
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    if (this.profileDir) rmSync(this.profileDir, { recursive: true, force: true });
  }
}
