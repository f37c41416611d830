/**
 * The Convai sandbox's rooms on a real livekit-server: before a session uses the sandbox (SandboxHost.prepare, so its
 * start-up is not charged to the client's connect timeout), or else at the first /connect that needs one, it starts the LiveKit
 * worker and, in it, livekit-server (loopback, development mode, the sandbox key pair, free ports); for each
 * /connect it mints the user's token with livekit-server-sdk and puts the sandbox character (sandbox-participant.ts)
 * in the room before /connect answers. Everything stops with the sandbox host.
 *
 * Without livekit-server (findLiveKitServer) nothing is started: /connect answers as before, with a room URL nothing
 * listens on, and says why in a warning; the panel says the room needs livekit-server.
 */
import { randomUUID } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import { findLiveKitServer, SANDBOX_LIVEKIT_KEYS, type LiveKitServerLookup } from '../../livekit/server.ts';
import { LiveKitWorker } from '../../livekit/worker-host.ts';
import type { ServerInfo, WorkerEvent } from '../../livekit/protocol.ts';
import type { BotSettings, TurnOverride } from '../../voice/bot.ts';
import type { ConvaiRoomOptions } from './sandbox-bot.ts';

export interface ConvaiSandboxRoomsOptions {
  /** Where livekit-server is (default: findLiveKitServer(), looked up again at each /connect until found). */
  lookup?: () => LiveKitServerLookup;
  /** Sandbox notes (warnings `parley sandbox` shows). */
  note?: (message: string) => void;
  /** The character's settings (think time, silence, barge-in); the bot's defaults otherwise. */
  bot?: Partial<BotSettings>;
  /** A character leaves a room nobody joined after this long (default 10 minutes). */
  idleMs?: number;
}

export interface OpenedRoom {
  url: string;
  roomName: string;
  /** The user's LiveKit token (a bearer credential for this room: redacted wherever it is recorded). */
  token: string;
  /** The character's participant identity. */
  character: string;
}

/** Tokens the sandbox hands out are valid this long, like a live session's. */
const TOKEN_TTL_S = 3600;

export class ConvaiSandboxRooms {
  private readonly lookup: () => LiveKitServerLookup;
  private readonly note: (message: string) => void;
  private readonly botSettings: Partial<BotSettings>;
  private readonly idleMs: number;
  private started: Promise<{ worker: LiveKitWorker; server: ServerInfo }> | null = null;
  private readonly listeners = new Set<(event: WorkerEvent) => void>();
  private readonly bots = new Map<string, string>();
  private closed = false;

  constructor(options: ConvaiSandboxRoomsOptions = {}) {
    this.lookup = options.lookup ?? (() => findLiveKitServer());
    this.note = options.note ?? (() => undefined);
    this.botSettings = options.bot ?? {};
    this.idleMs = options.idleMs ?? 10 * 60_000;
  }

  /** Whether rooms can be opened here (livekit-server found), and why not. */
  availability(): LiveKitServerLookup {
    return this.lookup();
  }

  /** Start livekit-server (once) where it is found, before a /connect needs it: its URL; null where it is not found. */
  async prepare(): Promise<string | null> {
    return this.lookup().found ? (await this.start()).server.url : null;
  }

  /** The character's events on the shared clock (ground truth for tests and benchmarks). */
  onEvent(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A room for one /connect, with the character in it. */
  async open(roomName: string, userIdentity: string, room: ConvaiRoomOptions, bot: Partial<BotSettings> = {}): Promise<OpenedRoom> {
    const { worker, server } = await this.start();
    const pid = `bot-${roomName}`;
    const character = `character-${randomUUID().slice(0, 8)}`;
    const [token, botToken] = await Promise.all([mint(roomName, userIdentity, 'standard'), mint(roomName, character, 'agent')]);
    await worker.request('bot.start', { pid, url: server.url, token: botToken, room, settings: { ...this.botSettings, ...bot }, idleMs: this.idleMs });
    this.bots.set(roomName, pid);
    return { url: server.url, roomName, token, character };
  }

  /** Script the next answer of a room's character (a benchmark's think times). */
  async overrideNextTurn(roomName: string, override: TurnOverride): Promise<void> {
    const pid = this.bots.get(roomName);
    if (!pid || !this.started) throw new Error(`no sandbox character in room "${roomName}"`);
    await (await this.started).worker.request('bot.override', { pid, override });
  }

  async close(): Promise<void> {
    this.closed = true;
    const started = this.started;
    this.started = null;
    if (started) await (await started.catch(() => null))?.worker.close();
  }

  private start(): Promise<{ worker: LiveKitWorker; server: ServerInfo }> {
    if (this.closed) return Promise.reject(new Error('the Convai sandbox is closed'));
    if (this.started) return this.started;
    const found = this.lookup();
    if (!found.found) return Promise.reject(Object.assign(new Error(found.reason), { code: 'NO_LIVEKIT_SERVER' }));
    const starting = (async () => {
      const worker = new LiveKitWorker();
      worker.on((e) => {
        if (e.type === 'bot.note') this.note(e.message);
        if (e.type === 'bot.ended') for (const [room, pid] of this.bots) if (pid === e.pid) this.bots.delete(room);
        if (e.type === 'server.exit' && !this.closed) {
          this.note(`livekit-server stopped (${e.signal ?? `code ${e.code}`}); the next /connect starts it again`);
          if (this.started === starting) this.started = null;
          void worker.close();
        }
        for (const l of this.listeners) l(e);
      });
      try {
        const server = await worker.request('server.start', { binary: found.path, ...SANDBOX_LIVEKIT_KEYS });
        return { worker, server };
      } catch (err) {
        await worker.close();
        throw err;
      }
    })();
    this.started = starting;
    // A failed start is retried by the next /connect.
    starting.catch(() => {
      if (this.started === starting) this.started = null;
    });
    return starting;
  }
}

async function mint(room: string, identity: string, kind: 'standard' | 'agent'): Promise<string> {
  const token = new AccessToken(SANDBOX_LIVEKIT_KEYS.apiKey, SANDBOX_LIVEKIT_KEYS.apiSecret, { identity, ttl: TOKEN_TTL_S });
  token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
  if (kind === 'agent') token.kind = 'agent';
  return token.toJwt();
}
