/** nertc-web-sdk replaced at its boundary: records calls, and lets a test fire the documented events. */
import type { NertcClientLike, NertcLike, NertcStreamLike } from '../../../src-renderer/src/rooms/frame/drivers/nertc.ts';

export interface FakeNertc extends NertcLike {
  calls: { name: string; args: unknown[] }[];
  fire(event: string, payload: unknown): void;
  /** A remote participant's stream; `audio` is what getAudioStream() hands out (null: the SDK plays it itself). */
  remote(uid: number, audio?: MediaStream): NertcStreamLike;
}

export function fakeNertc(options: { joinDelayMs?: number; joinError?: string } = {}): FakeNertc {
  const calls: FakeNertc['calls'] = [];
  const handlers = new Map<string, ((e: unknown) => void)[]>();
  const log = (name: string, ...args: unknown[]) => calls.push({ name, args });
  const client: NertcClientLike = {
    on: (event, cb) => handlers.set(event, [...(handlers.get(event) ?? []), cb as (e: unknown) => void]),
    join: async (o) => {
      log('join', o);
      await new Promise((r) => setTimeout(r, options.joinDelayMs ?? 5));
      if (options.joinError) throw new Error(options.joinError);
    },
    leave: async () => void log('leave'),
    publish: async (s) => void log('publish', s),
    unpublish: async () => void log('unpublish'),
    subscribe: async (s, o) => void log('subscribe', s.getId?.(), o),
    startAsrCaptions: async (src, dst) => void log('startAsrCaptions', src, dst),
    stopAsrCaptions: async () => void log('stopAsrCaptions'),
    aiManualInterrupt: (uid) => void log('aiManualInterrupt', uid),
    destroy: () => void log('destroy'),
  };
  return {
    calls,
    createClient: (o) => (log('createClient', o), client),
    createStream: (o) => {
      log('createStream', { ...o, client: undefined, audioSource: o.audioSource ? 'track' : undefined });
      return { setAudioProfile: (p) => void log('setAudioProfile', p), init: async () => void log('init'), destroy: () => void log('streamDestroy') };
    },
    fire: (event, payload) => (handlers.get(event) ?? []).forEach((h) => h(payload)),
    remote: (uid, audio) => ({ getId: () => uid, getAudioStream: () => audio ?? null, play: () => void log('play', uid) }),
  };
}
