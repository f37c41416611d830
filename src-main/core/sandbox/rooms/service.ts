/**
 * The sandbox room service: loopback rooms for the RTC vendors whose media servers cannot run here (Tencent TRTC,
 * NetEase NERTC, and Convai's LiveKit when no livekit-server is installed). Each room has members (the sandbox SDKs in the room frame, one WebSocket each, see wire.ts) and at
 * most one sandbox bot, put there by the vendor's control plane (StartAIConversation, NetEase task create) and taken
 * out by its stop. The bot is the shared SandboxBot (core/voice); the vendor's persona turns its events into the
 * vendor's own messages (tencent-persona.ts, netease-persona.ts, convai-persona.ts) and handles the vendor's client
 * messages.
 *
 * Media: a member's published audio reaches the bot as it arrives; while nobody it listens to publishes (unpublished
 * after a file, or gone), the bot hears silence in real time, as a media server's mixer does, so the end of an
 * utterance is found even when the speech stops with the file. A publishing member's late audio is never padded
 * (a busy client delivers in bursts; padding would put silence inside the speech). The bot's answer goes to every member as
 * PCM frames at real-time pace.
 *
 * Decisions where no vendor document applies: a member whose join is refused gets an `error` message and the socket
 * closes (the SDK's enterRoom / join rejects with it); a room without a bot is still a room (members see each other);
 * a second bot in one room replaces the first (a second StartAIConversation into the same room).
 */
import { SandboxBot, type BotSettings, type TurnOverride } from '../../voice/bot.ts';
import { shippedVoice } from '../../voice/node/shipped.ts';
import type { SandboxHost, SandboxSocket } from '../host.ts';
import { encodeAudioFrame, parseUp, ROOM_PATH, WIRE_RATE, type DownMessage, type UpMessage } from './wire.ts';

/** What a vendor persona may do in its room. */
export interface RoomHandle {
  readonly key: string;
  /** A text message to every member (or those `to` accepts). */
  broadcast(message: DownMessage, to?: (user: string) => boolean): void;
  /** Members in the room now (not the bot). */
  members(): string[];
  /** The member whose audio the bot heard last (null before anyone spoke). */
  lastSpeaker(): string | null;
  /** One frame of the bot's track, for a persona that decides what its track carries (BotSpec.track 'persona'). */
  sendAudio(samples: Int16Array): void;
  /** Take the bot out of the room (the vendor's own leave rule, e.g. the last user left). */
  leave(): void;
  note(message: string): void;
}

/** The vendor's side of a bot: its messages for the bot's events, its handling of the vendor's client messages. */
export interface RoomPersona {
  onMessage(user: string, message: Exclude<UpMessage, { op: 'publish' | 'unpublish' }>): void;
  /** A member entered (a late joiner may need the persona's state, e.g. NetEase captions are per member). */
  onEnter?(user: string): void;
  onLeave?(user: string): void;
  /** Audio from a member reached the bot (who speaks, e.g. for Convai's user_id). */
  onUserAudio?(user: string): void;
  close(): void;
}

export interface BotSpec {
  /** The bot's user id in the room (TRTC AgentConfig.UserId, the NERTC bot uid). */
  botUserId: string;
  /** Whose audio the bot hears (TRTC TargetUserId); any member's when absent. */
  listensTo?: string;
  /** From the vendor's payload (silence, barge-in); the host's bot settings (think time ...) override them. */
  settings: Partial<BotSettings>;
  persona(bot: SandboxBot, room: RoomHandle): RoomPersona;
  /** The vendor's idle rule (TRTC MaxIdleTime): the bot leaves after this long with nobody publishing in the room. */
  idle?: { afterMs: number; onIdle(): void };
  /** The bot's frame length (default the bot's 20 ms; Convai's chunk durations are whole 10 ms frames). */
  frameMs?: number;
  /**
   * What the bot's track carries: every frame of the bot ('bot', the default), what the persona sends through
   * RoomHandle.sendAudio ('persona'), or no track at all ('none', announced as no audio).
   */
  track?: 'bot' | 'persona' | 'none';
}

/** A member's join check: null when it may join, else why not (the vendor's wording). */
export type JoinCheck = (room: string, user: string, sig: string) => { code: string; message: string } | null;

interface Member {
  user: string;
  socket: SandboxSocket;
  publishing: boolean;
}

interface RoomBot {
  spec: BotSpec;
  bot: SandboxBot;
  persona: RoomPersona;
  /** Clock time up to which the bot has heard audio (real or filled silence). */
  heardUntil: number;
  lastRealAudio: number;
  filler: ReturnType<typeof setInterval>;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

interface Room {
  key: string;
  members: Map<string, Member>;
  bot: RoomBot | null;
  lastSpeaker: string | null;
}

/** Silence is filled in when nobody listened to publishes and nothing arrived for this long. */
const FILL_AFTER_MS = 60;
const FILL_EVERY_MS = 20;

export class SandboxRooms {
  private readonly rooms = new Map<string, Room>();
  private readonly host: SandboxHost;
  private readonly vendor: string;
  private readonly check: JoinCheck;

  constructor(host: SandboxHost, vendor: string, check: JoinCheck) {
    this.host = host;
    this.vendor = vendor;
    this.check = check;
    host.ws(vendor, ROOM_PATH, (socket, req) => this.connect(socket, req.query.get('room') ?? '', req.query.get('user') ?? '', req.query.get('sig') ?? ''));
    host.onClose(() => this.closeAll());
  }

  /** Put a bot into a room (the room is created when needed); returns the function that takes it out. */
  startBot(key: string, spec: BotSpec): () => void {
    const room = this.room(key);
    if (room.bot) this.removeBot(room);
    const voice = shippedVoice();
    const bot = new SandboxBot({
      recogniser: voice.recogniser,
      replies: voice.replyTable,
      // The mishear fault (--sandbox-fault, the app's sandbox faults): the speech is recognised and answered, its transcript half wrong.
      settings: { ...spec.settings, ...this.host.botSettings(this.vendor), ...(this.host.fault(this.vendor)?.kind === 'mishear' ? { mishear: true } : {}) },
      outputRate: WIRE_RATE,
      ...(spec.frameMs ? { frameMs: spec.frameMs } : {}),
    });
    const handle = this.handle(room, spec.botUserId);
    const persona = spec.persona(bot, handle);
    if ((spec.track ?? 'bot') === 'bot') bot.on('botAudio', (e) => handle.sendAudio(e.samples));
    const now = Date.now();
    const entry: RoomBot = {
      spec,
      bot,
      persona,
      heardUntil: now,
      lastRealAudio: now,
      filler: setInterval(() => this.fill(room, entry), FILL_EVERY_MS),
      idleTimer: null,
    };
    room.bot = entry;
    this.watchIdle(room);
    handle.broadcast({ ev: 'enter', user: spec.botUserId });
    if (spec.track !== 'none') handle.broadcast({ ev: 'audio-available', user: spec.botUserId });
    return () => {
      if (room.bot === entry) this.removeBot(room);
    };
  }

  /** The bot of a room, for tests and benchmarks that script its next turn. */
  overrideNextTurn(key: string, override: TurnOverride): void {
    const bot = this.rooms.get(key)?.bot;
    if (!bot) throw new Error(`sandbox room ${key}: no bot in the room`);
    bot.bot.overrideNextTurn(override);
  }

  hasBot(key: string): boolean {
    return !!this.rooms.get(key)?.bot;
  }

  private room(key: string): Room {
    let room = this.rooms.get(key);
    if (!room) {
      room = { key, members: new Map(), bot: null, lastSpeaker: null };
      this.rooms.set(key, room);
    }
    return room;
  }

  private handle(room: Room, botUserId = room.bot?.spec.botUserId ?? ''): RoomHandle {
    return {
      key: room.key,
      broadcast: (message, to) => {
        const text = JSON.stringify(message);
        for (const m of room.members.values()) if (!to || to(m.user)) void m.socket.send(text);
      },
      members: () => [...room.members.keys()],
      lastSpeaker: () => room.lastSpeaker,
      sendAudio: (samples) => {
        const bytes = Buffer.from(encodeAudioFrame(botUserId, samples));
        for (const m of room.members.values()) void m.socket.send(bytes);
      },
      leave: () => queueMicrotask(() => room.bot?.spec.botUserId === botUserId && this.removeBot(room)),
      note: (message) => this.host.note(this.vendor, `room ${room.key}: ${message}`),
    };
  }

  private removeBot(room: Room): void {
    const entry = room.bot;
    if (!entry) return;
    room.bot = null;
    clearInterval(entry.filler);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.persona.close();
    entry.bot.close();
    if (entry.spec.track !== 'none') this.handle(room).broadcast({ ev: 'audio-unavailable', user: entry.spec.botUserId });
    this.handle(room).broadcast({ ev: 'exit', user: entry.spec.botUserId });
    this.forgetIfEmpty(room);
  }

  /** Starts the bot's idle timer while nobody publishes, stops it while someone does. */
  private watchIdle(room: Room): void {
    const entry = room.bot;
    if (!entry?.spec.idle) return;
    const publishing = [...room.members.values()].some((m) => m.publishing);
    if (publishing && entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    } else if (!publishing && !entry.idleTimer) {
      entry.idleTimer = setTimeout(() => {
        if (room.bot !== entry) return;
        this.handle(room).note(`nobody published for ${entry.spec.idle!.afterMs / 1000} s: the bot leaves and the task ends`);
        this.removeBot(room);
        entry.spec.idle!.onIdle();
      }, entry.spec.idle.afterMs);
    }
  }

  private forgetIfEmpty(room: Room): void {
    if (!room.bot && room.members.size === 0) this.rooms.delete(room.key);
  }

  private connect(socket: SandboxSocket, key: string, user: string, sig: string): void {
    const refused = !key || !user ? { code: 'BAD_JOIN', message: 'a sandbox room join needs room and user' } : this.check(key, user, sig);
    if (refused) {
      void socket.send(JSON.stringify({ ev: 'error', ...refused } satisfies DownMessage)).then(() => socket.close(4001, refused.code));
      return;
    }
    const room = this.room(key);
    const previous = room.members.get(user);
    // The same user id joining again takes over (TRTC kicks the older one out; NERTC the same).
    if (previous) previous.socket.close(4002, 'the same user joined the room again');
    const member: Member = { user, socket, publishing: false };
    room.members.set(user, member);
    const handle = this.handle(room);
    handle.broadcast({ ev: 'enter', user }, (u) => u !== user);
    const botId = room.bot?.spec.botUserId;
    const others = [...room.members.values()].filter((m) => m.user !== user);
    void socket.send(
      JSON.stringify({
        ev: 'joined',
        users: [...others.map((m) => m.user), ...(botId ? [botId] : [])],
        publishing: [...others.filter((m) => m.publishing).map((m) => m.user), ...(botId && room.bot?.spec.track !== 'none' ? [botId] : [])],
      } satisfies DownMessage),
    );
    room.bot?.persona.onEnter?.(user);

    socket.onMessage((data, isBinary) => {
      if (room.members.get(user) !== member) return;
      if (isBinary) return this.audio(room, member, data);
      const parsed = parseUp(data.toString('utf8'));
      if (!parsed.ok) return handle.note(`ignored a message from ${user}: ${parsed.why}`);
      const m = parsed.message;
      if (m.op === 'publish' || m.op === 'unpublish') {
        member.publishing = m.op === 'publish';
        handle.broadcast({ ev: member.publishing ? 'audio-available' : 'audio-unavailable', user }, (u) => u !== user);
        this.watchIdle(room);
      } else room.bot?.persona.onMessage(user, m);
    });
    socket.onClose(() => {
      if (room.members.get(user) !== member) return;
      room.members.delete(user);
      if (member.publishing) handle.broadcast({ ev: 'audio-unavailable', user });
      handle.broadcast({ ev: 'exit', user });
      room.bot?.persona.onLeave?.(user);
      this.watchIdle(room);
      this.forgetIfEmpty(room);
    });
  }

  private audio(room: Room, member: Member, data: Buffer): void {
    const entry = room.bot;
    if (!entry || !member.publishing || (entry.spec.listensTo !== undefined && entry.spec.listensTo !== member.user) || data.length < 2) return;
    const samples = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1)));
    const now = Date.now();
    room.lastSpeaker = member.user;
    entry.lastRealAudio = now;
    entry.heardUntil = now;
    entry.persona.onUserAudio?.(member.user);
    entry.bot.pushUserAudio(samples, WIRE_RATE);
  }

  /** Real-time silence while the listened member sends nothing (see the header). */
  private fill(room: Room, entry: RoomBot): void {
    const now = Date.now();
    const listened = [...room.members.values()].some((m) => m.publishing && (entry.spec.listensTo === undefined || entry.spec.listensTo === m.user));
    if (listened || now - entry.lastRealAudio < FILL_AFTER_MS || now <= entry.heardUntil) return;
    const samples = Math.round(((now - entry.heardUntil) * WIRE_RATE) / 1000);
    entry.heardUntil = now;
    if (samples > 0) entry.bot.pushUserAudio(new Int16Array(Math.min(samples, WIRE_RATE)), WIRE_RATE);
  }

  private closeAll(): void {
    for (const room of [...this.rooms.values()]) {
      this.removeBot(room);
      for (const m of room.members.values()) m.socket.close(1001, 'sandbox closing');
    }
    this.rooms.clear();
  }
}
