/**
 * The console user's side of a Convai LiveKit room, through the room channel (livekit-client runs in the room frame,
 * rooms/frame/drivers/livekit.ts). Data-channel messages, the character's audio track and the connection state come
 * back as room events; the character's audio plays through the app's shared player (the session does that).
 */
import type { RoomOpener, RoomSession } from '../../rooms/session.ts';
import { openRoomFrame } from '../../rooms/session.ts';
import type { JoinParamsOf } from '../../../../src-main/core/vendors/registry.ts';
import { roomEvents } from '../../../../src-main/core/room-events.ts';
import { buildClientMessage, encodeClientMessage } from '../../../../src-main/core/vendors/convai/common/client-messages.ts';
import type { VendorRoomDeps, VendorRoomSession } from '../../rooms/vendor-room.ts';
import { DataChannelPipeline } from './pipeline.ts';

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

/** How long a Convai room may take to say bot-ready after the join. */
const BOT_READY_MS = 15_000;

/**
 * A Convai room as a VendorRoomSession (the turn agent's): joinRoom with the panel's data-channel pipeline recording
 * the RTVI messages; resolves once the character said bot-ready. Its answer is heard on the character's track;
 * `data_only` audio is recorded as events but reaches no player here.
 */
export async function joinConvaiRoomSession(params: JoinParams, deps: VendorRoomDeps): Promise<VendorRoomSession> {
  const pipeline = new DataChannelPipeline({ record: async (events) => deps.record(events), now: () => performance.now() });
  let character = '';
  pipeline.roomJoinStarted();
  const room = await joinRoom(deps.open, params, {
    onData: (payload) => pipeline.receive(payload),
    onAudioTrack: (_track, participant) => (character = participant?.identity ?? character),
    onTrackGone: () => undefined,
    onDisconnected: () => undefined,
    onState: () => undefined,
    onParticipant: () => undefined,
  });
  pipeline.roomJoined();
  pipeline.local(roomEvents.joined(`joined as ${room.localIdentity}`, { identity: room.localIdentity }, 'local'));
  const deadline = performance.now() + BOT_READY_MS;
  while (!pipeline.state.botReady) {
    if (performance.now() > deadline) {
      await room.disconnect();
      throw new Error(`the Convai character did not say bot-ready within ${BOT_READY_MS / 1000} s of the join`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    publish: async (s) => void (s.kind === 'file' ? await room.publishFile(s.name, s.bytes) : await room.setMicrophone(true)),
    interrupt: async () => {
      const built = buildClientMessage('interrupt-bot', {}, room.localSid);
      if (!built.ok) throw new Error(built.error);
      await room.publishData(encodeClientMessage(built.message));
      pipeline.sent(built.message);
    },
    leave: async () => {
      await room.disconnect();
      await pipeline.flush();
    },
    get botId() {
      return character;
    },
  };
}
