/**
 * Convai's room: livekit-client (Room, RoomEvent strings, localParticipant). Remote audio is never attach()ed, so
 * the SDK does not play it; the page plays it from the PCM the server reads.
 */
import { param, unsupported, type DriverContext, type DriverFactory } from '../driver.ts';

export interface LivekitParticipantLike {
  sid: string;
  identity: string;
}
export interface LivekitTrackLike {
  kind: string;
  sid?: string;
  mediaStreamTrack: MediaStreamTrack;
}
export interface LivekitLocalParticipantLike extends LivekitParticipantLike {
  publishData(data: Uint8Array, options: { reliable: boolean }): Promise<void>;
  publishTrack(track: MediaStreamTrack, options?: Record<string, unknown>): Promise<unknown>;
  unpublishTrack(track: MediaStreamTrack, stopOnUnpublish?: boolean): Promise<unknown>;
}
export interface LivekitRoomLike {
  connect(url: string, token: string, options?: Record<string, unknown>): Promise<void>;
  disconnect(): Promise<void>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  localParticipant: LivekitLocalParticipantLike;
  remoteParticipants?: ReadonlyMap<string, unknown>;
}

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
} as const;

/** How long a publish waits for someone in the room to subscribe before its file starts playing anyway. */
export const SUBSCRIBE_WAIT_MS = 5000;
/**
 * Silence on the new track before a file starts, once someone listens: as a microphone is on before the user speaks.
 * Speech from the very first sample of a stream leaves a listener's voice detection no quiet to measure against.
 */
export const FILE_LEAD_MS = 300;

export const loadLivekitRoom = async (): Promise<LivekitRoomLike> => {
  const { Room } = await import('livekit-client');
  return new Room({ adaptiveStream: false, dynacast: false }) as unknown as LivekitRoomLike;
};

export function livekitDriver(createRoom: () => Promise<LivekitRoomLike> = loadLivekitRoom): DriverFactory {
  return (ctx: DriverContext) => {
    let room: LivekitRoomLike | null = null;
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
    const trackId = (track: LivekitTrackLike, who: string) => track.sid ?? who;
    const joined = () => {
      if (!room) throw new Error('join the room first');
      return room;
    };
    return {
      async join(params) {
        const url = param(params, 'url', 'string')!;
        const token = param(params, 'token', 'string')!;
        const policy = params.iceTransportPolicy === 'all' ? 'all' : 'relay';
        const r = await createRoom();
        room = r;
        r.on(ROOM_EVENTS.dataReceived, ((payload: Uint8Array, participant?: LivekitParticipantLike, _kind?: unknown, topic?: string) =>
          ctx.event({
            type: 'message',
            name: 'data',
            data: payload,
            ...(participant ? { from: participant.identity } : {}),
            ...(topic ? { topic } : {}),
          })) as never);
        r.on(ROOM_EVENTS.trackSubscribed, ((track: LivekitTrackLike, _publication: unknown, participant?: LivekitParticipantLike) => {
          if (track.kind !== 'audio') return;
          const who = participant?.identity ?? 'character';
          ctx.remoteAudio(trackId(track, who), who, `LiveKit ${who}`, track.mediaStreamTrack);
        }) as never);
        r.on(ROOM_EVENTS.trackUnsubscribed, ((track: LivekitTrackLike, _publication: unknown, participant?: LivekitParticipantLike) =>
          ctx.remoteAudioGone(trackId(track, participant?.identity ?? 'character'))) as never);
        r.on(ROOM_EVENTS.disconnected, ((reason: unknown) =>
          ctx.event({ type: 'connection', state: 'disconnected', reason: String(reason ?? 'client') })) as never);
        r.on(ROOM_EVENTS.connectionStateChanged, ((state: string) => ctx.event({ type: 'connection', state: String(state) })) as never);
        r.on(ROOM_EVENTS.participantConnected, ((p: LivekitParticipantLike) =>
          ctx.event({ type: 'participant', change: 'joined', id: p.identity, sid: p.sid })) as never);
        r.on(ROOM_EVENTS.localTrackSubscribed, ((publication: { trackSid?: string }) => {
          if (publication?.trackSid) subscribed.add(publication.trackSid);
          onSubscribed?.();
        }) as never);
        r.on(ROOM_EVENTS.participantDisconnected, ((p: LivekitParticipantLike) =>
          ctx.event({ type: 'participant', change: 'left', id: p.identity, sid: p.sid })) as never);
        // Convai's own client forces TURN relay; the profile may allow every candidate.
        await r.connect(url, token, { rtcConfig: { iceTransportPolicy: policy } });
        return { localId: r.localParticipant.identity, localSid: r.localParticipant.sid };
      },
      async publish(track, source) {
        const r = joined();
        if (published) await r.localParticipant.unpublishTrack(published, false);
        const publication = (await r.localParticipant.publishTrack(track, { source: 'microphone', name: source === 'file' ? 'wav-file' : 'microphone' })) as
          { trackSid?: string } | undefined;
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
        await joined().localParticipant.publishData(data, { reliable: true });
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
