/**
 * Tencent's room: trtc-sdk-v5. Joins as an anchor (only anchors may publish and send custom messages, such as the
 * 20001 interrupt). A remote user's track is read for the page's player and the SDK's own playout is set to volume 0
 * (index.d.ts: "continue subscribing audio data from the user but not play it"), so the audio is not doubled; its
 * volume evaluation keeps working and is passed on as `level` events.
 */
import { interruptMessage } from '../../../../../src-main/core/vendors/tencent/common/room-messages.ts';
import { roomError } from '../../protocol.ts';
import { param, type DriverContext, type DriverFactory } from '../driver.ts';
import { sandboxRoomUrl } from '../../sandbox/room-socket.ts';
import { createSandboxTrtc } from '../../sandbox/trtc.ts';

/** The part of trtc-sdk-v5's TRTC instance Parley uses. */
export interface TrtcLike {
  enterRoom(params: Record<string, unknown>): Promise<void>;
  exitRoom(): Promise<void>;
  startLocalAudio(config?: { option?: { audioTrack?: MediaStreamTrack } }): Promise<void>;
  stopLocalAudio(): Promise<void>;
  sendCustomMessage(message: { cmdId: number; data: ArrayBuffer }): void;
  enableAudioVolumeEvaluation(interval?: number): void;
  /** A remote user's audio track (index.d.ts: getAudioTrack(userId)); null until subscribed. */
  getAudioTrack(userId: string): MediaStreamTrack | null;
  setRemoteAudioVolume(userId: string, volume: number): void;
  on(event: string, handler: (event: never) => void): void;
  destroy(): void;
}

/** trtc-sdk-v5, or its sandbox implementation when the join parameters name a sandbox room (a sandbox profile). */
export const loadTrtc = async (params: Record<string, unknown> = {}): Promise<TrtcLike> => {
  const sandbox = sandboxRoomUrl(params, 'tencent');
  if (sandbox) return createSandboxTrtc(sandbox);
  const mod = await import('trtc-sdk-v5');
  return mod.default.create() as unknown as TrtcLike;
};

/** How long to wait for a remote track after remote-audio-available (the SDK may still be subscribing). */
export const TRACK_WAIT_MS = 3000;

export function trtcDriver(create: (params: Record<string, unknown>) => Promise<TrtcLike> = loadTrtc): DriverFactory {
  return (ctx: DriverContext) => {
    let trtc: TrtcLike | null = null;
    let userId = '';
    let botUserId: string | undefined;
    let publishing = false;
    let interrupts = 0;
    const on = <E>(t: TrtcLike, event: string, handler: (e: E) => void) => t.on(event, handler as (e: never) => void);
    const joined = () => {
      if (!trtc) throw new Error('join the room before publishing or sending');
      return trtc;
    };

    async function playRemoteAudio(t: TrtcLike, remoteUser: string): Promise<void> {
      let track = t.getAudioTrack(remoteUser);
      for (let waited = 0; !track && waited < TRACK_WAIT_MS && trtc === t; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        track = t.getAudioTrack(remoteUser);
      }
      if (trtc !== t) return;
      // No track: the SDK's own playout stays on, so the bot is still heard (only not in the player).
      if (!track)
        return ctx.event({
          type: 'error',
          code: 'ROOM_AUDIO',
          message: `no audio track for ${remoteUser} after ${TRACK_WAIT_MS} ms: the SDK plays it, the audio panel does not show or record it`,
        });
      t.setRemoteAudioVolume(remoteUser, 0);
      ctx.remoteAudio(remoteUser, remoteUser, `TRTC ${remoteUser}${remoteUser === botUserId ? ' (bot)' : ''}`, track);
    }

    return {
      async join(params) {
        const sdkAppId = param(params, 'sdkAppId', 'number')!;
        userId = param(params, 'userId', 'string')!;
        const userSig = param(params, 'userSig', 'string')!;
        botUserId = param(params, 'botUserId', 'string', true);
        const strRoomId = param(params, 'strRoomId', 'string', true);
        const roomId = strRoomId === undefined ? param(params, 'roomId', 'number') : undefined;
        const t = await create(params);
        trtc = t;
        on<{ userId: string; cmdId: number; seq?: number; data: ArrayBuffer }>(t, 'custom-message', (e) =>
          ctx.event({ type: 'message', name: 'custom-message', from: e.userId, data: { cmdId: e.cmdId, seq: e.seq, data: e.data } }),
        );
        on<{ result: { userId: string; volume: number }[] }>(t, 'audio-volume', (e) => {
          for (const r of e.result ?? []) ctx.event({ type: 'level', participant: r.userId, level: r.volume });
        });
        on<{ userId: string }>(t, 'remote-user-enter', (e) => ctx.event({ type: 'participant', change: 'joined', id: e.userId }));
        on<{ userId: string }>(t, 'remote-user-exit', (e) => ctx.event({ type: 'participant', change: 'left', id: e.userId }));
        on<{ userId: string }>(t, 'remote-audio-available', (e) => {
          ctx.event({ type: 'message', name: 'remote-audio-available', from: e.userId });
          void playRemoteAudio(t, e.userId);
        });
        on<{ userId: string }>(t, 'remote-audio-unavailable', (e) => ctx.remoteAudioGone(e.userId));
        on<{ reason: string }>(t, 'kicked-out', (e) =>
          ctx.event({ type: 'error', code: 'KICKED_OUT', message: `kicked out of the room: ${e.reason}`, data: { reason: e.reason } }),
        );
        on<{ code?: number; message?: string }>(t, 'error', (e) =>
          ctx.event({
            type: 'error',
            code: 'TRTC',
            message: `TRTC error ${e.code ?? ''}: ${e.message ?? ''}`.trim(),
            data: { trtcCode: e.code, message: e.message },
          }),
        );
        t.enableAudioVolumeEvaluation(100);
        const room = strRoomId !== undefined ? { strRoomId } : { roomId };
        try {
          await t.enterRoom({ sdkAppId, userId, userSig, ...room, scene: 'rtc', role: 'anchor', autoReceiveAudio: true });
        } catch (err) {
          trtc = null;
          t.destroy();
          throw roomError('ROOM_JOIN', `could not enter the TRTC room: ${(err as Error)?.message ?? String(err)}`);
        }
        return { localId: userId };
      },
      async publish(track) {
        const t = joined();
        if (publishing) await t.stopLocalAudio();
        await t.startLocalAudio({ option: { audioTrack: track } });
        publishing = true;
      },
      async unpublish() {
        if (!trtc || !publishing) return;
        publishing = false;
        await trtc.stopLocalAudio();
      },
      async send(data, channel) {
        if (channel === undefined) throw roomError('BAD_ARGUMENTS', 'send.channel: a TRTC custom message needs its cmdId');
        joined().sendCustomMessage({ cmdId: channel, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer });
      },
      async interrupt(target) {
        if (!target) throw roomError('BAD_ARGUMENTS', 'interrupt.target: the bot user id is needed for a TRTC interrupt');
        // Type 20001 on cmdId 2 (works in both InterruptModes).
        const m = interruptMessage({ sender: userId, botUserId: target, id: `parley-${Date.now()}-${++interrupts}`, timestamp: Date.now() });
        joined().sendCustomMessage({ cmdId: m.cmdId, data: m.data });
        return { sent: m.json };
      },
      async leave() {
        const t = trtc;
        trtc = null;
        publishing = false;
        if (!t) return;
        try {
          await t.exitRoom();
        } finally {
          t.destroy();
        }
      },
    };
  };
}
