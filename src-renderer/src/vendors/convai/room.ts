/**
 * The console user's side of a Convai LiveKit room. livekit-client is imported only here and only when a room is
 * joined (the default factory); tests inject a factory that returns a fake room with the same surface and feed it
 * events shaped as livekit-client emits them. Subscribed audio tracks play through the app's shared player.
 */
import { sharedPlayer } from '../../audio/index.ts';

export interface ParticipantLike {
  sid: string;
  identity: string;
}

export interface RemoteTrackLike {
  kind: string;
  sid?: string;
  /** livekit-client's Track.mediaStreamTrack: never attach()ed, so the SDK does not play it as well. */
  mediaStreamTrack: MediaStreamTrack;
}

export interface LocalParticipantLike extends ParticipantLike {
  publishData(data: Uint8Array, options: { reliable: boolean }): Promise<void>;
  setMicrophoneEnabled(enabled: boolean, options?: Record<string, unknown>): Promise<unknown>;
  publishTrack(track: MediaStreamTrack, options?: Record<string, unknown>): Promise<unknown>;
}

export interface RoomLike {
  connect(url: string, token: string, options?: Record<string, unknown>): Promise<void>;
  disconnect(): Promise<void>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  localParticipant: LocalParticipantLike;
}

export type RoomFactory = () => Promise<RoomLike>;

// livekit-client's RoomEvent values (strings, so the fake and the real room speak the same names).
export const ROOM_EVENTS = {
  dataReceived: 'dataReceived',
  trackSubscribed: 'trackSubscribed',
  trackUnsubscribed: 'trackUnsubscribed',
  disconnected: 'disconnected',
  participantConnected: 'participantConnected',
  connectionStateChanged: 'connectionStateChanged',
} as const;

export const livekitRoomFactory: RoomFactory = async () => {
  const { Room } = await import('livekit-client');
  return new Room({ adaptiveStream: false, dynacast: false }) as unknown as RoomLike;
};

export interface RoomHandlers {
  onData(payload: Uint8Array, participant: ParticipantLike | undefined, topic: string | undefined): void;
  /** An audio track now playing through the shared player. */
  onAudioTrack(track: RemoteTrackLike, participant: ParticipantLike | undefined): void;
  onTrackGone(track: RemoteTrackLike): void;
  onDisconnected(reason: unknown): void;
  onState(state: string): void;
  onParticipant(participant: ParticipantLike): void;
}

export interface JoinParams {
  url: string;
  token: string;
  iceTransportPolicy?: 'relay' | 'all';
}

/** Join and wire every room event to `handlers`. Resolves once connected. */
export async function joinRoom(factory: RoomFactory, params: JoinParams, handlers: RoomHandlers): Promise<RoomLike> {
  const room = await factory();
  const playing = new Map<RemoteTrackLike, () => void>();
  const stop = (track: RemoteTrackLike) => {
    playing.get(track)?.();
    playing.delete(track);
  };
  room.on(ROOM_EVENTS.dataReceived, ((payload: Uint8Array, participant?: ParticipantLike, _kind?: unknown, topic?: string) => handlers.onData(payload, participant, topic)) as never);
  room.on(ROOM_EVENTS.trackSubscribed, ((track: RemoteTrackLike, _pub: unknown, participant?: ParticipantLike) => {
    if (track.kind !== 'audio') return;
    const who = participant?.identity ?? 'character';
    stop(track);
    playing.set(track, sharedPlayer().attachStream(new MediaStream([track.mediaStreamTrack]), { id: `convai:${track.sid ?? who}`, label: `LiveKit ${who}` }));
    handlers.onAudioTrack(track, participant);
  }) as never);
  room.on(ROOM_EVENTS.trackUnsubscribed, ((track: RemoteTrackLike) => {
    stop(track);
    handlers.onTrackGone(track);
  }) as never);
  room.on(ROOM_EVENTS.disconnected, ((reason: unknown) => {
    [...playing.keys()].forEach(stop);
    handlers.onDisconnected(reason);
  }) as never);
  room.on(ROOM_EVENTS.connectionStateChanged, ((state: string) => handlers.onState(state)) as never);
  room.on(ROOM_EVENTS.participantConnected, ((p: ParticipantLike) => handlers.onParticipant(p)) as never);
  // The official SDK forces TURN relay; the profile may allow every candidate.
  await room.connect(params.url, params.token, { rtcConfig: { iceTransportPolicy: params.iceTransportPolicy ?? 'relay' } });
  return room;
}

/** Publish a WAV (or any decodable audio file) as the user's microphone track; resolves with a stop function. */
export async function publishAudioFile(room: RoomLike, bytes: ArrayBuffer, makeContext: () => AudioContext = () => new AudioContext()): Promise<{ durationS: number; stop: () => void }> {
  const ctx = makeContext();
  const buffer = await ctx.decodeAudioData(bytes.slice(0));
  const dest = ctx.createMediaStreamDestination();
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(dest);
  const track = dest.stream.getAudioTracks()[0]!;
  await room.localParticipant.publishTrack(track, { source: 'microphone', name: 'wav-file' });
  src.start();
  return {
    durationS: buffer.duration,
    stop: () => {
      src.stop();
      track.stop();
      void ctx.close();
    },
  };
}
