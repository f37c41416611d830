/**
 * NetEase's room: nertc-web-sdk, the few calls Parley makes, typed as documented (types/client.d.ts, stream.d.ts,
 * 5.8.34). The SDK contains direct eval, which is why rooms run in a frame of their own (see csp.ts). Captions start
 * after the bot has joined (the integration guide's order); a subscribed stream's audio is read for the page's player
 * rather than played by the SDK.
 */
import { roomError } from '../../protocol.ts';
import { param, plain, type DriverContext, type DriverFactory } from '../driver.ts';
import { sandboxRoomUrl } from '../../sandbox/room-socket.ts';
import { sandboxNertc } from '../../sandbox/nertc.ts';

export interface NertcStreamLike {
  getId?(): number | string;
  setAudioProfile?(profile: string): void;
  init?(): Promise<void>;
  play?(view?: HTMLElement | null, options?: { audio?: boolean; video?: boolean }): Promise<void> | void;
  getAudioStream?(): MediaStream | null;
  destroy?(): void;
}

export interface NertcClientLike {
  on(event: string, callback: (evt: never) => void): void;
  join(options: { channelName: string; uid: number | string; token?: string }): Promise<void>;
  leave(): Promise<void>;
  publish(stream: NertcStreamLike): Promise<void>;
  unpublish?(stream?: NertcStreamLike): Promise<void>;
  subscribe(stream: NertcStreamLike, options?: { audio?: boolean; video?: boolean }): Promise<void>;
  startAsrCaptions(sourceLan: string, targetLan: string | string[]): Promise<void>;
  stopAsrCaptions?(): Promise<void>;
  aiManualInterrupt(uid: string): void;
  destroy?(): void;
}

export interface NertcLike {
  createClient(options: { appkey: string; debug?: boolean }): NertcClientLike;
  createStream(options: { audio: boolean; video: boolean; uid?: number | string; client?: NertcClientLike; audioSource?: MediaStreamTrack }): NertcStreamLike;
}

declare global {
  interface Window {
    /** The E2E tests' stand-in for nertc-web-sdk (no NERTC server runs on loopback), defined before the frame loads. */
    __PARLEY_TEST_NERTC__?: NertcLike;
  }
}

/** nertc-web-sdk, or its sandbox implementation when the join parameters name a sandbox room (a sandbox profile). */
export const loadNertc = async (params: Record<string, unknown> = {}): Promise<NertcLike> => {
  if (window.__PARLEY_TEST_NERTC__) return window.__PARLEY_TEST_NERTC__;
  const sandbox = sandboxRoomUrl(params, 'netease');
  if (sandbox) return sandboxNertc(sandbox);
  const mod = (await import('nertc-web-sdk')) as unknown as { default?: NertcLike } & NertcLike;
  return mod.default ?? mod;
};

const uidOf = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export function nertcDriver(load: (params: Record<string, unknown>) => Promise<NertcLike> = loadNertc): DriverFactory {
  return (ctx: DriverContext) => {
    let sdk: NertcLike | null = null;
    let client: NertcClientLike | null = null;
    let local: NertcStreamLike | null = null;
    let captionsOn = false;
    let remoteUid = '';
    let uid = '';
    let captionLanguage = 'AUTO';
    const joined = () => {
      if (!client || !sdk) throw new Error('join the room before publishing');
      return { client, sdk };
    };

    async function onStreamAdded(c: NertcClientLike, stream: NertcStreamLike): Promise<void> {
      const from = uidOf(stream.getId?.());
      remoteUid ||= from;
      ctx.event({ type: 'message', name: 'stream-added', from });
      try {
        await c.subscribe(stream, { audio: true, video: false });
        if (!captionsOn) {
          captionsOn = true;
          await c.startAsrCaptions(captionLanguage, '');
          ctx.event({ type: 'message', name: 'captions-started', data: { source: captionLanguage } });
        }
      } catch (err) {
        ctx.event({ type: 'error', code: 'NERTC', message: `NERTC: ${(err as Error)?.message ?? String(err)}` });
      }
    }

    function onSubscribed(stream: NertcStreamLike, mediaType?: string): void {
      if (mediaType && mediaType !== 'audio') return;
      const from = uidOf(stream.getId?.());
      const track = stream.getAudioStream?.()?.getAudioTracks()[0];
      if (track) ctx.remoteAudio(from, from, `NERTC uid ${from}`, track);
      else {
        // No stream handed out: let the SDK play it, so the bot is still heard (only not in the player).
        void stream.play?.(null, { audio: true, video: false });
        ctx.event({ type: 'message', name: 'sdk-playback', from });
      }
    }

    return {
      async join(params) {
        const appkey = param(params, 'appkey', 'string')!;
        const channelName = param(params, 'channelName', 'string')!;
        uid = param(params, 'uid', 'string')!;
        const token = param(params, 'token', 'string', true);
        captionLanguage = param(params, 'captionLanguage', 'string', true) || 'AUTO';
        sdk = await load(params);
        const c = sdk.createClient({ appkey, debug: false });
        client = c;
        const on = <E>(event: string, handler: (e: E) => void) => c.on(event, handler as (e: never) => void);
        on<{ stream: NertcStreamLike }>('stream-added', (e) => void onStreamAdded(c, e.stream));
        on<{ stream: NertcStreamLike; mediaType?: string }>('stream-subscribed', (e) => onSubscribed(e.stream, e.mediaType));
        on<{ stream: NertcStreamLike }>('stream-removed', (e) => ctx.remoteAudioGone(uidOf(e?.stream?.getId?.())));
        on<{ uid: unknown }>('peer-online', (e) => ctx.event({ type: 'participant', change: 'joined', id: uidOf(e?.uid) }));
        on<{ uid: unknown; reason?: unknown }>('peer-leave', (e) =>
          ctx.event({ type: 'participant', change: 'left', id: uidOf(e?.uid), ...(e?.reason !== undefined ? { reason: String(e.reason) } : {}) }),
        );
        on<unknown>('asr-captions', (list) => ctx.event({ type: 'message', name: 'asr-captions', data: plain(list) }));
        on<unknown>('ai-data', (evt) => ctx.event({ type: 'message', name: 'ai-data', data: plain(evt) }));
        on<unknown>('disconnect', () => ctx.event({ type: 'connection', state: 'disconnected', reason: 'NERTC disconnect' }));
        try {
          await c.join({ channelName, uid: /^\d+$/.test(uid) ? Number(uid) : uid, ...(token ? { token } : {}) });
        } catch (err) {
          client = null;
          c.destroy?.();
          throw roomError('ROOM_JOIN', `could not join the NERTC room: ${(err as Error)?.message ?? String(err)}`);
        }
        return { localId: uid };
      },
      async publish(track) {
        const j = joined();
        if (local) {
          await j.client.unpublish?.(local);
          local.destroy?.();
          local = null;
        }
        const stream = j.sdk.createStream({ audio: true, video: false, uid, client: j.client, audioSource: track });
        // Recommended for AI conversations before init() (docs/vendors/netease.md#room-and-captions).
        stream.setAudioProfile?.('music_standard');
        await stream.init?.();
        await j.client.publish(stream);
        local = stream;
      },
      async unpublish() {
        if (!client || !local) return;
        await client.unpublish?.(local);
        local.destroy?.();
        local = null;
      },
      async send() {
        throw roomError('UNSUPPORTED', 'NERTC rooms carry no custom messages from Parley');
      },
      async interrupt(target) {
        // aiManualInterrupt(botUid); an empty uid lets the SDK pick the first remote stream.
        const to = target || remoteUid;
        joined().client.aiManualInterrupt(to);
        return { sent: { uid: to } };
      },
      async leave() {
        const c = client;
        client = null;
        if (!c) return;
        try {
          if (captionsOn) await c.stopAsrCaptions?.();
          local?.destroy?.();
          local = null;
          await c.leave();
        } finally {
          c.destroy?.();
        }
      },
    };
  };
}
