/**
 * nertc-web-sdk for the sandbox: the calls Parley makes on NERTC (drivers/nertc.ts's NertcLike), typed with the
 * SDK's own declarations (types/client.d.ts, stream.d.ts, types.d.ts), served by the sandbox NERTC room over the
 * loopback room socket. The sandbox room checks the appkey and, when given, the token. Events are the SDK's:
 * peer-online / peer-leave, stream-added / stream-removed for a remote publisher, stream-subscribed after
 * subscribe() (the stream's getAudioStream() is then a real MediaStream of its audio), asr-captions only after
 * startAsrCaptions, and ai-data.
 */
import type { Client } from 'nertc-web-sdk/types/client';
import type { Stream } from 'nertc-web-sdk/types/stream';
import type { AsrCaption, JoinOptions, StreamOptions } from 'nertc-web-sdk/types/types';
import { roomSocketUrl } from '../../../../src-main/core/sandbox/rooms/wire.ts';
import type { NertcClientLike, NertcLike } from '../frame/drivers/nertc.ts';
import { SandboxRoomSocket } from './room-socket.ts';

type ClientCalls = Pick<
  Client,
  'join' | 'leave' | 'publish' | 'unpublish' | 'subscribe' | 'startAsrCaptions' | 'stopAsrCaptions' | 'aiManualInterrupt' | 'destroy'
>;
type StreamCalls = Pick<Stream, 'getId' | 'init' | 'setAudioProfile' | 'getAudioStream' | 'destroy'>;

interface NertcEvents {
  'peer-online': { uid: number | string };
  'peer-leave': { uid: number | string; reason: number };
  'stream-added': { stream: SandboxNertcStream; mediaType: 'audio' };
  'stream-removed': { stream: SandboxNertcStream; mediaType: 'audio' };
  'stream-subscribed': { stream: SandboxNertcStream; mediaType: 'audio' };
  'asr-captions': AsrCaption[];
  'ai-data': { type: string; data: unknown; uid: number | string };
  disconnect: undefined;
}

/** NERTC uids are numbers when they look like numbers (the SDK hands them out as numbers). */
const uidValue = (uid: string): number | string => (/^\d{1,15}$/.test(uid) ? Number(uid) : uid);

export class SandboxNertcStream implements StreamCalls {
  private readonly uid: number | string;
  /** A local stream: what it publishes (createStream's audioSource). */
  readonly audioSource: MediaStreamTrack | null;
  /** A remote stream: its audio once subscribed. */
  remoteAudio: MediaStreamTrack | null = null;
  profile = 'speech_low_quality';

  constructor(uid: number | string, audioSource: MediaStreamTrack | null) {
    this.uid = uid;
    this.audioSource = audioSource;
  }

  getId(): number | string {
    return this.uid;
  }

  async init(): Promise<void> {
    if (!this.audioSource) throw new Error('init: the sandbox room publishes a given track only (createStream audioSource)');
  }

  setAudioProfile(profile: string): void {
    this.profile = profile;
  }

  getAudioStream(): MediaStream | null {
    const track = this.remoteAudio ?? this.audioSource;
    return track ? new MediaStream([track]) : null;
  }

  destroy(): void {
    this.remoteAudio = null;
  }
}

export class SandboxNertcClient implements ClientCalls {
  private readonly vendorUrl: string;
  private readonly appkey: string;
  private socket: SandboxRoomSocket | null = null;
  private readonly handlers = new Map<string, Set<(evt: never) => void>>();
  private readonly remote = new Map<string, SandboxNertcStream>();
  private uid = '';

  constructor(vendorUrl: string, appkey: string) {
    this.vendorUrl = vendorUrl;
    this.appkey = appkey;
  }

  on(event: string, callback: (evt: never) => void): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(callback);
  }

  private emit<E extends keyof NertcEvents>(event: E, evt: NertcEvents[E]): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) (h as (e: NertcEvents[E]) => void)(evt);
  }

  async join(options: JoinOptions): Promise<void> {
    if (this.socket) throw new Error('join: already in a channel (leave first)');
    this.uid = String(options.uid);
    let opened: Awaited<ReturnType<typeof SandboxRoomSocket.open>>;
    try {
      opened = await SandboxRoomSocket.open(roomSocketUrl(this.vendorUrl, `${this.appkey}/${options.channelName}`, this.uid, options.token ?? ''));
    } catch (err) {
      throw Object.assign(new Error(`join failed: ${(err as Error).message}`), { code: (err as { code?: string }).code });
    }
    const socket = opened.socket;
    this.socket = socket;
    const added = (user: string) => {
      const stream = new SandboxNertcStream(uidValue(user), null);
      this.remote.set(user, stream);
      this.emit('stream-added', { stream, mediaType: 'audio' });
    };
    socket.on((m) => {
      if (this.socket !== socket) return;
      switch (m.ev) {
        case 'enter':
          return this.emit('peer-online', { uid: uidValue(m.user) });
        case 'exit':
          return this.emit('peer-leave', { uid: uidValue(m.user), reason: 0 });
        case 'audio-available':
          return added(m.user);
        case 'audio-unavailable': {
          const stream = this.remote.get(m.user);
          this.remote.delete(m.user);
          if (stream) this.emit('stream-removed', { stream, mediaType: 'audio' });
          return;
        }
        case 'asr-captions':
          return this.emit('asr-captions', m.list as AsrCaption[]);
        case 'ai-data':
          return this.emit('ai-data', { type: m.data.type, data: m.data.data, uid: uidValue(String(m.data.uid)) });
      }
    });
    setTimeout(() => {
      if (this.socket !== socket) return;
      for (const user of opened.joined.users) this.emit('peer-online', { uid: uidValue(user) });
      for (const user of opened.joined.publishing) added(user);
    }, 0);
  }

  async leave(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    this.remote.clear();
    socket?.close();
  }

  async publish(stream: StreamCalls): Promise<undefined> {
    if (!this.socket) throw new Error('publish: join the channel first');
    if (!(stream instanceof SandboxNertcStream) || !stream.audioSource) throw new Error('publish: the stream has no audio (createStream with audioSource)');
    this.socket.publish(stream.audioSource);
    return undefined;
  }

  async unpublish(): Promise<undefined> {
    this.socket?.unpublish();
    return undefined;
  }

  async subscribe(stream: StreamCalls): Promise<void> {
    if (!this.socket) throw new Error('subscribe: join the channel first');
    const user = String(stream.getId());
    if (!(stream instanceof SandboxNertcStream) || this.remote.get(user) !== stream)
      throw new Error(`subscribe: uid ${user} publishes no stream in this channel`);
    stream.remoteAudio = this.socket.remoteTrack(user).track;
    setTimeout(() => this.emit('stream-subscribed', { stream, mediaType: 'audio' }), 0);
  }

  startAsrCaptions(sourceLan: string | string[]): boolean {
    if (!this.socket) throw new Error('startAsrCaptions: join the channel first');
    this.socket.send({ op: 'captions', on: true, source: Array.isArray(sourceLan) ? sourceLan.join(',') : sourceLan });
    return true;
  }

  stopAsrCaptions(): boolean {
    this.socket?.send({ op: 'captions', on: false });
    return true;
  }

  aiManualInterrupt(uid: string): void {
    if (!this.socket) throw new Error('aiManualInterrupt: join the channel first');
    this.socket.send({ op: 'interrupt', uid: uid ? String(uid) : '' });
  }

  async destroy(): Promise<void> {
    await this.leave();
    this.handlers.clear();
  }
}

/** The driver's boundary: NERTC.createClient / createStream, served by the sandbox room at `vendorUrl`. */
export function sandboxNertc(vendorUrl: string): NertcLike {
  return {
    // Cast as the real SDK's client is: NertcClientLike has startAsrCaptions return a promise, the SDK a boolean.
    createClient: (options: { appkey: string; debug?: boolean }) => new SandboxNertcClient(vendorUrl, options.appkey) as unknown as NertcClientLike,
    createStream: (options: Pick<StreamOptions, 'audio' | 'video' | 'uid'> & { audioSource?: MediaStreamTrack }) =>
      new SandboxNertcStream(options.uid ?? 0, options.audioSource ?? null),
  } satisfies NertcLike;
}
