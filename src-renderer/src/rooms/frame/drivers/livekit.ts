/**
 * Convai's room: livekit-client (Room, RoomEvent strings, localParticipant). Remote audio is never attach()ed, so
 * the SDK does not play it; the page plays it from the PCM the server reads.
 */
import type {
  ConnectionState,
  DisconnectReason,
  LocalParticipant,
  LocalTrackPublication,
  RemoteParticipant,
  RemoteTrack,
  Room,
  RoomConnectOptions,
  RoomEventCallbacks,
  Track,
  TrackPublishOptions,
} from 'livekit-client';
import { param, unsupported, type DriverContext, type DriverFactory } from '../driver.ts';
import { sandboxRoomUrl } from '../../sandbox/room-socket.ts';
import { SandboxLivekitRoom } from '../../sandbox/livekit.ts';

/**
 * The part of livekit-client the driver uses, in livekit-client's own types (narrowed to the members read), so the
 * real Room is a LivekitRoom without a cast (loadLivekitRoom) and the sandbox room (sandbox/livekit.ts) implements
 * the same type: neither can drift from the calls made here.
 */
export type LivekitParticipant = Pick<RemoteParticipant, 'identity' | 'sid'>;
export type LivekitTrack = Pick<RemoteTrack, 'kind' | 'sid' | 'mediaStreamTrack'>;
export interface LivekitRoomEvents {
  dataReceived: (payload: Uint8Array<ArrayBuffer>, participant?: LivekitParticipant, kind?: unknown, topic?: string) => void;
  trackSubscribed: (track: LivekitTrack, publication: unknown, participant: LivekitParticipant) => void;
  trackUnsubscribed: (track: LivekitTrack, publication: unknown, participant: LivekitParticipant) => void;
  disconnected: (reason?: DisconnectReason) => void;
  connectionStateChanged: (state: ConnectionState) => void;
  participantConnected: (participant: LivekitParticipant) => void;
  participantDisconnected: (participant: LivekitParticipant) => void;
  localTrackSubscribed: (publication: Pick<LocalTrackPublication, 'trackSid'>) => void;
}
export interface LivekitLocalParticipant extends Pick<LocalParticipant, 'identity' | 'sid'> {
  publishData(data: Uint8Array<ArrayBuffer>, options?: { reliable?: boolean; topic?: string }): Promise<void>;
  publishTrack(track: MediaStreamTrack, options?: TrackPublishOptions): Promise<Pick<LocalTrackPublication, 'trackSid'>>;
  unpublishTrack(track: MediaStreamTrack, stopOnUnpublish?: boolean): Promise<unknown>;
}
export interface LivekitRoom {
  connect(url: string, token: string, options?: RoomConnectOptions): Promise<void>;
  disconnect(): Promise<void>;
  on<E extends keyof LivekitRoomEvents>(event: E, listener: LivekitRoomEvents[E]): unknown;
  readonly localParticipant: LivekitLocalParticipant;
  readonly remoteParticipants: ReadonlyMap<string, unknown>;
}

/**
 * Compile-time proof that the real Room is a LivekitRoom: its members are, and each listener the driver registers is
 * one livekit-client's RoomEventCallbacks accepts (the sandbox room's `implements LivekitRoom` is the other half).
 * A renamed or retyped member or event in livekit-client fails the typecheck here.
 */
type Fits<T extends true> = T;
export type RealRoomFits = Fits<
  Pick<Room, 'connect' | 'disconnect' | 'localParticipant' | 'remoteParticipants'> extends Omit<LivekitRoom, 'on'> ? true : false
>;
export type RealListenersFit = Fits<
  { [E in keyof LivekitRoomEvents]: LivekitRoomEvents[E] extends RoomEventCallbacks[E] ? true : false }[keyof LivekitRoomEvents] extends true ? true : false
>;

/** livekit-client's Track.Source.Microphone by value (the SDK itself is loaded only when a live room is joined). */
const MICROPHONE = 'microphone' as Track.Source;

/** livekit-client's RoomEvent values. */
export const ROOM_EVENTS = {
  dataReceived: 'dataReceived',
  trackSubscribed: 'trackSubscribed',
  trackUnsubscribed: 'trackUnsubscribed',
  disconnected: 'disconnected',
  participantConnected: 'participantConnected',
  participantDisconnected: 'participantDisconnected',
  connectionStateChanged: 'connectionStateChanged',
  localTrackSubscribed: 'localTrackSubscribed',
} as const satisfies { [K in keyof LivekitRoomEvents]: K };

/** How long a publish waits for someone in the room to subscribe before its file starts playing anyway. */
export const SUBSCRIBE_WAIT_MS = 5000;
/**
 * Silence on the new track before a file starts, once someone listens: as a microphone is on before the user speaks.
 * Speech from the very first sample of a stream leaves a listener's voice detection no quiet to measure against.
 */
export const FILE_LEAD_MS = 300;

/** livekit-client's Room, or the sandbox room when the join parameters name the loopback sandbox room (no livekit-server). */
export const loadLivekitRoom = async (params: Record<string, unknown> = {}): Promise<LivekitRoom> => {
  const sandbox = sandboxRoomUrl(params, 'convai');
  if (sandbox) return new SandboxLivekitRoom(sandbox);
  const { Room } = await import('livekit-client');
  // A LivekitRoom by RealRoomFits and RealListenersFit (Room.on is generic over every event, which TypeScript cannot
  // relate to the narrower generic directly).
  return new Room({ adaptiveStream: false, dynacast: false }) as unknown as LivekitRoom;
};

export function livekitDriver(createRoom: (params: Record<string, unknown>) => Promise<LivekitRoom> = loadLivekitRoom): DriverFactory {
  return (ctx: DriverContext) => {
    let room: LivekitRoom | null = null;
    let published: MediaStreamTrack | null = null;
    /** Track sids someone in the room has subscribed to, and who waits for one. */
    const subscribed = new Set<string>();
    let onSubscribed: (() => void) | null = null;
    const heard = (sid: string) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, SUBSCRIBE_WAIT_MS);
        function done() {
          clearTimeout(timer);
          onSubscribed = null;
          resolve();
        }
        onSubscribed = () => subscribed.has(sid) && done();
        onSubscribed();
      });
    const trackId = (track: LivekitTrack, who: string) => track.sid ?? who;
    const joined = () => {
      if (!room) throw new Error('join the room first');
      return room;
    };
    return {
      async join(params) {
        const url = param(params, 'url', 'string')!;
        const token = param(params, 'token', 'string')!;
        const policy = params.iceTransportPolicy === 'all' ? 'all' : 'relay';
        const r = await createRoom(params);
        room = r;
        r.on(ROOM_EVENTS.dataReceived, (payload, participant, _kind, topic) =>
          ctx.event({
            type: 'message',
            name: 'data',
            data: payload,
            ...(participant ? { from: participant.identity } : {}),
            ...(topic ? { topic } : {}),
          }),
        );
        r.on(ROOM_EVENTS.trackSubscribed, (track, _publication, participant) => {
          if (track.kind !== 'audio') return;
          const who = participant?.identity ?? 'character';
          ctx.remoteAudio(trackId(track, who), who, `LiveKit ${who}`, track.mediaStreamTrack);
        });
        r.on(ROOM_EVENTS.trackUnsubscribed, (track, _publication, participant) => ctx.remoteAudioGone(trackId(track, participant?.identity ?? 'character')));
        r.on(ROOM_EVENTS.disconnected, (reason) => ctx.event({ type: 'connection', state: 'disconnected', reason: String(reason ?? 'client') }));
        r.on(ROOM_EVENTS.connectionStateChanged, (state) => ctx.event({ type: 'connection', state: String(state) }));
        r.on(ROOM_EVENTS.participantConnected, (p) => ctx.event({ type: 'participant', change: 'joined', id: p.identity, sid: p.sid }));
        r.on(ROOM_EVENTS.localTrackSubscribed, (publication) => {
          if (publication?.trackSid) subscribed.add(publication.trackSid);
          onSubscribed?.();
        });
        r.on(ROOM_EVENTS.participantDisconnected, (p) => ctx.event({ type: 'participant', change: 'left', id: p.identity, sid: p.sid }));
        // Convai's own client forces TURN relay; the profile may allow every candidate.
        await r.connect(url, token, { rtcConfig: { iceTransportPolicy: policy } });
        return { localId: r.localParticipant.identity, localSid: r.localParticipant.sid };
      },
      async publish(track, source) {
        const r = joined();
        if (published) await r.localParticipant.unpublishTrack(published, false);
        const publication = await r.localParticipant.publishTrack(track, { source: MICROPHONE, name: source === 'file' ? 'wav-file' : 'microphone' });
        published = track;
        // What is sent before the character has subscribed never reaches it: a file starts once someone in the room
        // listens (or after SUBSCRIBE_WAIT_MS, say a character that has not joined yet).
        if (publication?.trackSid && (r.remoteParticipants?.size ?? 0) > 0) await heard(publication.trackSid);
        if (source === 'file') await new Promise((resolve) => setTimeout(resolve, FILE_LEAD_MS));
      },
      async unpublish() {
        if (room && published) await room.localParticipant.unpublishTrack(published, false);
        published = null;
      },
      async send(data) {
        await joined().localParticipant.publishData(new Uint8Array(data), { reliable: true });
      },
      interrupt: async () => unsupported('Convai (LiveKit)', "interrupt call; send the vendor's client message instead"),
      async leave() {
        const r = room;
        room = null;
        published = null;
        await r?.disconnect();
      },
    };
  };
}
