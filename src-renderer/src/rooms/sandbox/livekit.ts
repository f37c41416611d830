/**
 * livekit-client for the Convai sandbox's loopback room (a machine without livekit-server): the part of Room that
 * the LiveKit driver uses (drivers/livekit.ts's LivekitRoom, derived from livekit-client's own declarations, so the
 * real Room and this one are checked against the same types), served by the sandbox room over the loopback room
 * socket. As livekit-client does:
 * - the token names the room and the identity (its `video.room` and `sub` claims); the room checks the token and
 *   refuses a join it does not grant;
 * - participants already in the room are in `remoteParticipants` without a participantConnected event, their
 *   published audio arrives as trackSubscribed (autoSubscribe) with a real MediaStreamTrack;
 * - publishData is the reliable data channel; dataReceived carries the sender and topic;
 * - the character subscribes to what the user publishes at once (localTrackSubscribed), as it is always listening;
 * - disconnect() ends in a `disconnected` event.
 */
import type { ConnectionState, LocalTrackPublication, Track } from 'livekit-client';
import { fromBase64, roomSocketUrl, toBase64 } from '../../../../src-main/core/sandbox/rooms/wire.ts';
import type { LivekitLocalParticipant, LivekitParticipant, LivekitRoom, LivekitRoomEvents, LivekitTrack } from '../frame/drivers/livekit.ts';
import { SandboxRoomSocket } from './room-socket.ts';

type EventName = keyof LivekitRoomEvents;

/** A LiveKit-like error (livekit-client's ConnectionError carries a reason; the message is what users read). */
function connectionError(message: string, code: string): Error {
  return Object.assign(new Error(message), { name: 'ConnectionError', code });
}

/** The room and identity a LiveKit access token grants (its claims are not verified here; the room does that). */
export function tokenGrant(token: string): { room: string; identity: string } {
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; video?: { room?: unknown } };
    if (typeof claims.sub === 'string' && typeof claims.video?.room === 'string') return { room: claims.video.room, identity: claims.sub };
  } catch {
    // reported below
  }
  throw connectionError('connect: the token is not a LiveKit access token with a room grant (use the token /connect returned)', 'BAD_TOKEN');
}

/** livekit-client's enums by value (Track.Kind, ConnectionState); a type-only import keeps the SDK out of this bundle. */
const AUDIO = 'audio' as Track.Kind;
const state = (s: 'connecting' | 'connected' | 'disconnected') => s as ConnectionState;

class SandboxLocalParticipant implements LivekitLocalParticipant {
  identity = '';
  sid = '';
  private published: { track: MediaStreamTrack; sid: string } | null = null;
  private nextTrack = 1;
  private readonly room: SandboxLivekitRoom;

  constructor(room: SandboxLivekitRoom) {
    this.room = room;
  }

  async publishData(data: Uint8Array, options?: { topic?: string }): Promise<void> {
    this.room.socketOrThrow('publishData').send({ op: 'data', data: toBase64(data), ...(options?.topic ? { topic: options.topic } : {}) });
  }

  async publishTrack(track: MediaStreamTrack): Promise<Pick<LocalTrackPublication, 'trackSid'>> {
    const socket = this.room.socketOrThrow('publishTrack');
    socket.publish(track);
    const sid = `TR_sandbox${this.nextTrack++}`;
    this.published = { track, sid };
    // The character listens to every published track at once.
    setTimeout(() => this.published?.sid === sid && this.room.emit('localTrackSubscribed', { trackSid: sid }), 0);
    return { trackSid: sid };
  }

  async unpublishTrack(track: MediaStreamTrack): Promise<undefined> {
    if (this.published?.track !== track) return undefined;
    this.published = null;
    this.room.socket?.unpublish();
    return undefined;
  }
}

export class SandboxLivekitRoom implements LivekitRoom {
  readonly localParticipant = new SandboxLocalParticipant(this);
  readonly remoteParticipants = new Map<string, LivekitParticipant>();
  socket: SandboxRoomSocket | null = null;
  private readonly vendorUrl: string;
  private readonly handlers = new Map<EventName, Set<(...args: never[]) => void>>();
  private readonly tracks = new Map<string, LivekitTrack>();

  /** `vendorUrl`: the Convai sandbox (http://127.0.0.1:<port>/convai), whose room service the room_url names. */
  constructor(vendorUrl: string) {
    this.vendorUrl = vendorUrl;
  }

  on<E extends EventName>(event: E, listener: LivekitRoomEvents[E]): this {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => void);
    return this;
  }

  emit<E extends EventName>(event: E, ...args: Parameters<LivekitRoomEvents[E]>): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) (h as unknown as (...a: Parameters<LivekitRoomEvents[E]>) => void)(...args);
  }

  socketOrThrow(what: string): SandboxRoomSocket {
    if (!this.socket) throw connectionError(`${what}: connect to the room first`, 'NOT_CONNECTED');
    return this.socket;
  }

  async connect(url: string, token: string): Promise<void> {
    if (this.socket) throw connectionError('connect: already connected (disconnect first)', 'ALREADY_CONNECTED');
    const { room, identity } = tokenGrant(token);
    this.emit('connectionStateChanged', state('connecting'));
    let opened: Awaited<ReturnType<typeof SandboxRoomSocket.open>>;
    try {
      opened = await SandboxRoomSocket.open(roomSocketUrl(this.vendorUrl, room, identity, token));
    } catch (err) {
      this.emit('connectionStateChanged', state('disconnected'));
      throw connectionError(`could not connect to ${url}: ${(err as Error).message}`, (err as { code?: string }).code ?? 'ROOM_CONNECT');
    }
    const socket = opened.socket;
    this.socket = socket;
    this.localParticipant.identity = identity;
    this.localParticipant.sid = `PA_sandbox_${identity}`;
    for (const user of opened.joined.users) this.remoteParticipants.set(user, participant(user));
    socket.on((m) => {
      if (this.socket !== socket) return;
      switch (m.ev) {
        case 'enter': {
          const p = participant(m.user);
          this.remoteParticipants.set(m.user, p);
          return this.emit('participantConnected', p);
        }
        case 'exit': {
          const p = this.remoteParticipants.get(m.user) ?? participant(m.user);
          this.remoteParticipants.delete(m.user);
          return this.emit('participantDisconnected', p);
        }
        case 'audio-available':
          return this.subscribed(m.user);
        case 'audio-unavailable': {
          const track = this.tracks.get(m.user);
          this.tracks.delete(m.user);
          if (track) this.emit('trackUnsubscribed', track, undefined, this.remoteParticipants.get(m.user) ?? participant(m.user));
          return;
        }
        case 'data': {
          const p = this.remoteParticipants.get(m.user);
          return this.emit('dataReceived', fromBase64(m.data) as Uint8Array<ArrayBuffer>, p, undefined, m.topic);
        }
      }
    });
    this.emit('connectionStateChanged', state('connected'));
    // As livekit-client does: tracks already published are subscribed once connect has resolved.
    setTimeout(() => {
      if (this.socket === socket) for (const user of opened.joined.publishing) this.subscribed(user);
    }, 0);
  }

  async disconnect(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.close();
    this.remoteParticipants.clear();
    this.tracks.clear();
    this.emit('connectionStateChanged', state('disconnected'));
    this.emit('disconnected');
  }

  private subscribed(user: string): void {
    if (!this.socket || this.tracks.has(user)) return;
    const track: LivekitTrack = { kind: AUDIO, sid: `TR_sandbox_${user}`, mediaStreamTrack: this.socket.remoteTrack(user).track };
    this.tracks.set(user, track);
    this.emit('trackSubscribed', track, undefined, this.remoteParticipants.get(user) ?? participant(user));
  }
}

const participant = (identity: string): LivekitParticipant => ({ identity, sid: `PA_sandbox_${identity}` });
