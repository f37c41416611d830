/**
 * The page's end of the room channel: one RoomSession per room visit. `openRoomFrame()` adds the hidden room frame
 * (its own origin, see app-origin.ts), hands it a MessagePort and waits for `ready`; vendor adapters then join,
 * publish, send, interrupt and leave through it and listen to its events. Remote audio arriving as PCM plays through
 * the app's shared player as a live source (level meter, WAV export), one per remote track.
 */
import { roomOriginFor, roomPageUrl } from '../../../src-main/app/app-origin.ts';
import { sharedPlayer } from '../audio/index.ts';
import type { SegmentPlayer } from '../audio/segment-player.ts';
import {
  CONNECT_MESSAGE,
  parseFrameMessage,
  roomError,
  type RoomError,
  type RoomEvent,
  type RoomKind,
  type RoomOp,
  type RoomRequests,
  type SpeechSource,
} from './protocol.ts';

export type RoomListener = (event: RoomEvent) => void;
/** How a vendor panel gets a session: the room frame in the app, an in-page channel in component tests. */
export type RoomOpener = (room: RoomKind, options?: RoomSessionOptions) => Promise<RoomSession>;

/** Minimal types of Chromium's MediaStreamTrackGenerator (mediacapture-transform), not in TypeScript's DOM lib. */
interface TrackGenerator extends MediaStreamTrack {
  writable: WritableStream<AudioData>;
}
declare const MediaStreamTrackGenerator: { new (init: { kind: 'audio' }): TrackGenerator };

/** A remote track's PCM turned back into a MediaStreamTrack for the player. */
class RemoteAudio {
  private readonly generator = new MediaStreamTrackGenerator({ kind: 'audio' });
  private readonly writer = this.generator.writable.getWriter();
  private readonly detach: () => void;
  private timestampUs = 0;

  constructor(player: Pick<SegmentPlayer, 'attachStream'>, id: string, label: string) {
    this.detach = player.attachStream(new MediaStream([this.generator]), { id, label });
  }

  push(samples: Float32Array<ArrayBuffer>, sampleRate: number): void {
    const frame = new AudioData({
      format: 'f32-planar',
      sampleRate,
      numberOfFrames: samples.length,
      numberOfChannels: 1,
      timestamp: this.timestampUs,
      data: samples,
    });
    this.timestampUs += Math.round((samples.length / sampleRate) * 1e6);
    this.writer.write(frame).catch(() => frame.close());
  }

  close(): void {
    this.detach();
    void this.writer.close().catch(() => undefined);
    this.generator.stop();
  }
}

/** How long close() waits for the SDK to leave before removing the frame anyway (which ends its room too). */
export const LEAVE_MS = 5000;

export interface RoomSessionOptions {
  /** Names the remote audio sources in the player (`<vendor>:<track>`). */
  vendor?: string;
  /** Where remote audio plays: the app's shared player, or a turn agent's own listener (only attachStream is used). */
  player?: () => Pick<SegmentPlayer, 'attachStream'>;
  leaveTimeoutMs?: number;
}

export class RoomSession {
  private readonly port: MessagePort;
  private readonly dispose: () => void;
  private readonly player: () => Pick<SegmentPlayer, 'attachStream'>;
  private readonly leaveTimeoutMs: number;
  private readonly listeners = new Set<RoomListener>();
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: RoomError): void }>();
  private readonly audio = new Map<string, RemoteAudio>();
  private readonly vendor: string;
  private nextId = 1;
  private closed = false;

  /** `port` is connected to a frame's serveRoom (already `ready`); `dispose` removes what carries it. */
  constructor(port: MessagePort, dispose: () => void = () => undefined, options: RoomSessionOptions = {}) {
    this.port = port;
    this.dispose = dispose;
    this.player = options.player ?? sharedPlayer;
    this.leaveTimeoutMs = options.leaveTimeoutMs ?? LEAVE_MS;
    this.vendor = options.vendor ?? 'room';
    port.onmessage = (e) => this.receive(e.data);
    port.start();
  }

  on(listener: RoomListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async join(params: Record<string, unknown>): Promise<RoomRequests['join']['result']> {
    return this.request('join', { params });
  }

  publish(source: SpeechSource): Promise<RoomRequests['publish']['result']> {
    return this.request('publish', { source }, source.kind === 'file' ? [source.bytes] : []);
  }

  unpublish(): Promise<null> {
    return this.request('unpublish', {});
  }

  send(data: Uint8Array, channel?: number): Promise<null> {
    return this.request('send', { data, ...(channel !== undefined ? { channel } : {}) });
  }

  interrupt(target?: string): Promise<RoomRequests['interrupt']['result']> {
    return this.request('interrupt', target ? { target } : {});
  }

  /**
   * Leave the room and remove the frame (its SDK, sockets and workers go with it). Never fails and never hangs: an
   * SDK that errs or does not answer within leaveTimeoutMs is left by removing its frame. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.leaveTimeoutMs)));
    await Promise.race([this.request('leave', {}).catch(() => undefined), gaveUp]);
    clearTimeout(timer);
    this.shutDown();
  }

  private shutDown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.audio.values()) a.close();
    this.audio.clear();
    for (const p of this.pending.values()) p.reject(roomError('ROOM_CLOSED', 'the room was closed'));
    this.pending.clear();
    this.port.onmessage = null;
    this.port.close();
    this.dispose();
  }

  private request<O extends RoomOp>(op: O, args: RoomRequests[O]['args'], transfer: Transferable[] = []): Promise<RoomRequests[O]['result']> {
    if (this.closed) return Promise.reject(roomError('ROOM_CLOSED', 'the room was closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ id, op, args }, transfer);
    });
  }

  private receive(raw: unknown): void {
    const message = parseFrameMessage(raw);
    if (!message || message.type === 'ready') return;
    if (message.type === 'reply') {
      const p = this.pending.get(message.reply.id);
      if (!p) return;
      this.pending.delete(message.reply.id);
      if (message.reply.ok) p.resolve(message.reply.result);
      else p.reject(message.reply.error);
      return;
    }
    const event = message.event;
    if (event.type === 'audio') return this.audio.get(event.trackId)?.push(event.samples as Float32Array<ArrayBuffer>, event.sampleRate);
    if (event.type === 'track') {
      this.audio.get(event.trackId)?.close();
      this.audio.delete(event.trackId);
      if (event.change === 'subscribed') this.audio.set(event.trackId, new RemoteAudio(this.player(), `${this.vendor}:${event.trackId}`, event.label));
    }
    for (const l of this.listeners) l(event);
  }
}

/** How long the frame may take to load and answer before the join is given up (a missing file, a blocked frame). */
export const FRAME_READY_MS = 15_000;

/** A room frame for one vendor's room: hidden, sandboxed to scripts on its own origin, allowed the microphone only. */
export const openRoomFrame: RoomOpener = (room, options) => {
  const roomOrigin = roomOriginFor(location.origin);
  if (!roomOrigin)
    return Promise.reject(roomError('ROOM_FRAME', `rooms need Parley's own page (app://parley or a loopback dev server), not ${location.origin}`));
  const frame = document.createElement('iframe');
  frame.className = 'room-frame';
  frame.title = 'room';
  frame.hidden = true;
  frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
  frame.allow = 'microphone; autoplay';
  frame.src = roomPageUrl(roomOrigin, room);
  const channel = new MessageChannel();
  return new Promise<RoomSession>((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      frame.remove();
      channel.port1.close();
      reject(roomError('ROOM_FRAME', message));
    };
    const timer = setTimeout(() => fail(`the room frame (${frame.src}) did not answer within ${FRAME_READY_MS / 1000} s`), FRAME_READY_MS);
    channel.port1.onmessage = (e) => {
      if (parseFrameMessage(e.data)?.type !== 'ready') return;
      clearTimeout(timer);
      channel.port1.onmessage = null;
      resolve(new RoomSession(channel.port1, () => frame.remove(), { vendor: room.vendor, ...options }));
    };
    frame.addEventListener('load', () => frame.contentWindow?.postMessage({ type: CONNECT_MESSAGE }, roomOrigin, [channel.port2]), { once: true });
    frame.addEventListener('error', () => fail(`the room frame (${frame.src}) could not be loaded`), { once: true });
    document.body.appendChild(frame);
  });
};
