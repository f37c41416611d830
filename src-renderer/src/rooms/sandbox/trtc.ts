/**
 * trtc-sdk-v5 for the sandbox: the calls Parley makes on TRTC (drivers/trtc.ts's TrtcLike), with trtc-sdk-v5's own
 * parameter, result and event types from its index.d.ts, served by the sandbox TRTC room over the loopback room
 * socket. What the SDK documents and the sandbox can check, it checks the same way: enterRoom needs a valid UserSig
 * (the room refuses others), custom messages only on cmdId 1-10, at most 1 KB each, and only once in the room.
 * Remote audio is a real MediaStreamTrack (getAudioTrack); the SDK's own playout does not exist here, so
 * setRemoteAudioVolume only records the volume. audio-volume reports 0-100 for the remote users and the local user
 * ('' as the SDK does) every interval.
 */
import type TRTC from 'trtc-sdk-v5';
import type { CustomMessageData, EnterRoomConfig, LocalAudioConfig, TRTCEventTypes } from 'trtc-sdk-v5';
import { tencentRoomKey } from '../../../../src-main/core/sandbox/rooms/tencent-persona.ts';
import { fromBase64, roomSocketUrl, toBase64 } from '../../../../src-main/core/sandbox/rooms/wire.ts';
import type { TrtcLike } from '../frame/drivers/trtc.ts';
import { SandboxRoomSocket } from './room-socket.ts';

type EventName = keyof TRTCEventTypes;
type Handler<T extends EventName> = (...args: TRTCEventTypes[T]) => void;

/** The methods of TRTC that Parley calls (besides `on`), as trtc-sdk-v5 declares them. */
type TrtcCalls = Pick<
  TRTC,
  | 'enterRoom'
  | 'exitRoom'
  | 'startLocalAudio'
  | 'stopLocalAudio'
  | 'sendCustomMessage'
  | 'enableAudioVolumeEvaluation'
  | 'getAudioTrack'
  | 'setRemoteAudioVolume'
  | 'destroy'
>;

/** An RtcError-like error (index.d.ts: code, message). */
function rtcError(code: number | string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class SandboxTrtc implements TrtcCalls {
  private readonly vendorUrl: string;
  private socket: SandboxRoomSocket | null = null;
  private readonly handlers = new Map<EventName, Set<(...args: never[]) => void>>();
  private readonly volumes = new Map<string, number>();
  private readonly remoteUsers = new Set<string>();
  private volumeTimer: ReturnType<typeof setInterval> | null = null;
  private volumeInterval = 0;
  private localPublishing = false;

  constructor(vendorUrl: string) {
    this.vendorUrl = vendorUrl;
  }

  on<T extends EventName>(event: T, handler: Handler<T>): this {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (...args: never[]) => void);
    return this;
  }

  private emit<T extends EventName>(event: T, ...args: TRTCEventTypes[T]): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) (h as Handler<T>)(...args);
  }

  async enterRoom(params: EnterRoomConfig): Promise<void> {
    if (this.socket) throw rtcError('OPERATION_ABORT', 'enterRoom: already in a room (exitRoom first)');
    const stringRoom = params.strRoomId !== undefined;
    const room = tencentRoomKey(params.sdkAppId, stringRoom ? params.strRoomId! : String(params.roomId), stringRoom);
    let opened: Awaited<ReturnType<typeof SandboxRoomSocket.open>>;
    try {
      opened = await SandboxRoomSocket.open(roomSocketUrl(this.vendorUrl, room, params.userId, params.userSig));
    } catch (err) {
      throw rtcError((err as { code?: string }).code ?? 'SERVER_ERROR', `enterRoom failed: ${(err as Error).message}`);
    }
    const socket = opened.socket;
    this.socket = socket;
    socket.on((m) => {
      if (this.socket !== socket) return;
      switch (m.ev) {
        case 'enter':
          this.remoteUsers.add(m.user);
          return this.emit('remote-user-enter', { userId: m.user });
        case 'exit':
          this.remoteUsers.delete(m.user);
          return this.emit('remote-user-exit', { userId: m.user });
        case 'audio-available':
          socket.remoteTrack(m.user);
          return this.emit('remote-audio-available', { userId: m.user });
        case 'audio-unavailable':
          return this.emit('remote-audio-unavailable', { userId: m.user });
        case 'custom': {
          const bytes = fromBase64(m.data);
          return this.emit('custom-message', {
            userId: m.user,
            cmdId: m.cmdId,
            seq: m.seq,
            data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
          });
        }
      }
    });
    // As the SDK does: the room's users and streams are announced after enterRoom has resolved.
    setTimeout(() => {
      if (this.socket !== socket) return;
      for (const userId of opened.joined.users) {
        this.remoteUsers.add(userId);
        this.emit('remote-user-enter', { userId });
      }
      for (const userId of opened.joined.publishing) {
        socket.remoteTrack(userId);
        this.emit('remote-audio-available', { userId });
      }
    }, 0);
    if (this.volumeInterval) this.startVolumes();
  }

  async exitRoom(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    this.localPublishing = false;
    this.remoteUsers.clear();
    this.stopVolumes();
    socket?.close();
  }

  async startLocalAudio(config?: LocalAudioConfig): Promise<void> {
    const track = config?.option?.audioTrack;
    if (!track)
      throw rtcError(
        'INVALID_PARAMETER',
        'startLocalAudio: the sandbox room publishes a given track only (option.audioTrack); capture the microphone in the frame first',
      );
    if (!this.socket) throw rtcError('INVALID_OPERATION', 'startLocalAudio: enter the room first');
    this.socket.publish(track);
    this.localPublishing = true;
  }

  async stopLocalAudio(): Promise<void> {
    this.socket?.unpublish();
    this.localPublishing = false;
  }

  sendCustomMessage(message: CustomMessageData): void {
    // index.d.ts: only anchors in the room, cmdId 1-10, data at most 1 KB.
    if (!this.socket) throw rtcError('INVALID_OPERATION', 'sendCustomMessage: enter the room first');
    if (!Number.isInteger(message.cmdId) || message.cmdId < 1 || message.cmdId > 10)
      throw rtcError('INVALID_PARAMETER', `sendCustomMessage: cmdId must be 1-10, got ${message.cmdId}`);
    if (message.data.byteLength > 1024)
      throw rtcError('INVALID_PARAMETER', `sendCustomMessage: data must be at most 1 KB, got ${message.data.byteLength} bytes`);
    this.socket.send({ op: 'custom', cmdId: message.cmdId, data: toBase64(new Uint8Array(message.data)) });
  }

  enableAudioVolumeEvaluation(interval = 2000): void {
    this.volumeInterval = interval > 0 ? Math.max(16, interval) : 0;
    this.stopVolumes();
    if (this.volumeInterval && this.socket) this.startVolumes();
  }

  getAudioTrack(configOrUserId?: { userId?: string; streamType?: unknown; processed?: boolean } | string): MediaStreamTrack | null {
    const userId = typeof configOrUserId === 'string' ? configOrUserId : (configOrUserId?.userId ?? '');
    if (!userId || !this.socket || !this.remoteUsers.has(userId)) return null;
    return this.socket.remoteTrack(userId).track;
  }

  setRemoteAudioVolume(userId: string, volume: number): void {
    this.volumes.set(userId, volume);
  }

  destroy(): void {
    void this.exitRoom();
    this.handlers.clear();
  }

  private startVolumes(): void {
    this.volumeTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket) return;
      const scale = (rms: number) => Math.min(100, Math.round(rms * 100 * 4));
      const result = [...this.remoteUsers].map((userId) => ({ userId, volume: scale(socket.remoteLevel(userId)), floatVolume: socket.remoteLevel(userId) }));
      if (this.localPublishing) result.push({ userId: '', volume: scale(socket.localLevel), floatVolume: socket.localLevel });
      this.emit('audio-volume', { result });
    }, this.volumeInterval);
  }

  private stopVolumes(): void {
    if (this.volumeTimer) clearInterval(this.volumeTimer);
    this.volumeTimer = null;
  }
}

/**
 * The driver's boundary: a sandbox TRTC is used exactly where trtc-sdk-v5's instance is, and crosses it the same
 * way (TrtcLike types enterRoom's parameters as a plain record; SandboxTrtc is checked against TRTC itself above).
 */
export const createSandboxTrtc = (vendorUrl: string): TrtcLike => new SandboxTrtc(vendorUrl) as unknown as TrtcLike;
