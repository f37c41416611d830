/**
 * The console user's side of a Convai LiveKit room, through the room channel (livekit-client runs in the room frame,
 * rooms/frame/drivers/livekit.ts). Data-channel messages, the character's audio track and the connection state come
 * back as room events; the character's audio plays through the app's shared player (the session does that).
 */
import type { RoomOpener, RoomSession } from '../../rooms/session.ts';
import { openRoomFrame } from '../../rooms/session.ts';
import type { JoinParamsOf } from '../../../../src-main/core/vendors/registry.ts';

export interface ParticipantLike {
  sid?: string;
  identity: string;
}

export interface RemoteTrackLike {
  kind: 'audio';
  sid: string;
}

export interface RoomHandlers {
  onData(payload: Uint8Array, participant: ParticipantLike | undefined, topic: string | undefined): void;
  /** An audio track now playing through the shared player. */
  onAudioTrack(track: RemoteTrackLike, participant: ParticipantLike | undefined): void;
  onTrackGone(track: RemoteTrackLike): void;
  onDisconnected(reason: unknown): void;
  onState(state: string): void;
  onParticipant(participant: ParticipantLike): void;
}

/** What room.join gives a Convai session (built in core: ConvaiJoinParams). */
export type JoinParams = JoinParamsOf<'convai'>;

/** A joined room: what the Convai panel does with it. */
export interface ConvaiRoom {
  readonly localIdentity: string;
  /** The local participant's sid (client messages may carry it). */
  readonly localSid?: string;
  publishData(data: Uint8Array): Promise<void>;
  setMicrophone(on: boolean): Promise<void>;
  /** Publish a WAV (or any decodable audio) file as the user's track; resolves with its duration once playing. */
  publishFile(name: string, bytes: ArrayBuffer): Promise<{ durationS: number }>;
  disconnect(): Promise<void>;
}

/** Join and wire every room event to `handlers`. Resolves once connected; a failed join closes the frame. */
export async function joinRoom(open: RoomOpener = openRoomFrame, params: JoinParams, handlers: RoomHandlers): Promise<ConvaiRoom> {
  const session: RoomSession = await open({ vendor: 'convai', sdk: 'livekit' });
  session.on((e) => {
    if (e.type === 'message' && e.name === 'data' && e.data instanceof Uint8Array) handlers.onData(e.data, e.from ? { identity: e.from } : undefined, e.topic);
    else if (e.type === 'track' && e.change === 'subscribed') handlers.onAudioTrack({ kind: 'audio', sid: e.trackId }, { identity: e.participant });
    else if (e.type === 'track') handlers.onTrackGone({ kind: 'audio', sid: e.trackId });
    else if (e.type === 'connection' && e.state === 'disconnected') {
      handlers.onDisconnected(e.reason);
      void session.close().catch(() => undefined);
    } else if (e.type === 'connection') handlers.onState(e.state);
    else if (e.type === 'participant' && e.change === 'joined') handlers.onParticipant({ identity: e.id, sid: e.sid });
  });
  let joined: { localId: string; localSid?: string };
  try {
    joined = await session.join({ ...params });
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
  return {
    localIdentity: joined.localId,
    localSid: typeof joined.localSid === 'string' ? joined.localSid : undefined,
    publishData: async (data) => void (await session.send(data)),
    setMicrophone: async (on) => void (on ? await session.publish({ kind: 'microphone' }) : await session.unpublish()),
    publishFile: async (name, bytes) => ({ durationS: (await session.publish({ kind: 'file', name, bytes })).durationS ?? 0 }),
    disconnect: () => session.close(),
  };
}
