/**
 * Parley's own user in a LiveKit room, with @livekit/rtc-node (runs in the LiveKit worker process): a microphone track
 * that plays PCM at real-time pace (and silence in between, as a live microphone keeps sending), hands every remote audio
 * track out as 16 kHz mono PCM the moment the SDK decodes it, and every data message as it arrives.
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  ContinualGatheringPolicy,
  IceTransportType,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { CLIENT_AUDIO_RATE, sharedNow, type ClientJoin, type WorkerEvent } from './protocol.ts';
const FRAME_MS = 10;

interface Playing {
  samples: Int16Array;
  offset: number;
  /** Sample offsets still to report, ascending. */
  marks: number[];
  ended: boolean;
}

interface Publication {
  source: AudioSource;
  sampleRate: number;
  trackSid: string;
  play(what: Playing): void;
  stop(): void;
}

export class ClientParticipant {
  private readonly room = new Room();
  private publication: Publication | null = null;
  private readers = new Map<string, ReadableStreamDefaultReader<AudioFrame>>();
  private left = false;

  private readonly pid: string;
  private readonly emit: (event: WorkerEvent) => void;

  private constructor(pid: string, emit: (event: WorkerEvent) => void) {
    this.pid = pid;
    this.emit = emit;
  }

  static async join(args: ClientJoin, emit: (event: WorkerEvent) => void): Promise<{ participant: ClientParticipant; identity: string; sid: string }> {
    const p = new ClientParticipant(args.pid, emit);
    const { room } = p;
    room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
      if (track.kind === TrackKind.KIND_AUDIO) p.read(track, publication.sid ?? track.sid ?? participant.identity, participant.identity);
    });
    room.on(RoomEvent.TrackUnsubscribed, (track, publication, participant) => {
      const sid = publication.sid ?? track.sid ?? participant.identity;
      void p.readers
        .get(sid)
        ?.cancel()
        .catch(() => undefined);
      p.readers.delete(sid);
      emit({ type: 'client.track', pid: args.pid, change: 'unsubscribed', trackSid: sid, participant: participant.identity, at: sharedNow() });
    });
    room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) =>
      emit({
        type: 'client.data',
        pid: args.pid,
        payload: Uint8Array.from(payload),
        ...(participant ? { from: participant.identity } : {}),
        ...(topic ? { topic } : {}),
        at: sharedNow(),
      }),
    );
    room.on(RoomEvent.LocalTrackSubscribed, () => emit({ type: 'client.subscribed', pid: args.pid, at: sharedNow() }));
    room.on(RoomEvent.ParticipantConnected, (participant) =>
      emit({ type: 'client.participant', pid: args.pid, change: 'joined', identity: participant.identity, at: sharedNow() }),
    );
    room.on(RoomEvent.ParticipantDisconnected, (participant) =>
      emit({ type: 'client.participant', pid: args.pid, change: 'left', identity: participant.identity, at: sharedNow() }),
    );
    room.on(RoomEvent.Disconnected, (reason) => {
      if (!p.left) emit({ type: 'client.connection', pid: args.pid, state: 'disconnected', reason: String(reason), at: sharedNow() });
    });
    const rtcConfig = {
      iceTransportType: args.iceTransportPolicy === 'relay' ? IceTransportType.TRANSPORT_RELAY : IceTransportType.TRANSPORT_ALL,
      continualGatheringPolicy: ContinualGatheringPolicy.GATHER_CONTINUALLY,
      iceServers: [],
    };
    await room.connect(args.url, args.token, { autoSubscribe: true, dynacast: false, rtcConfig });
    emit({ type: 'client.connection', pid: args.pid, state: 'connected', at: sharedNow() });
    for (const participant of room.remoteParticipants.values())
      emit({ type: 'client.participant', pid: args.pid, change: 'joined', identity: participant.identity, at: sharedNow() });
    return { participant: p, identity: room.localParticipant!.identity, sid: room.localParticipant!.sid ?? '' };
  }

  /**
   * Play `samples` into the microphone track from its next frame on (publishing the track first if there is none):
   * one 10 ms frame every 10 ms, scheduled from the track's start so timer lateness never accumulates, and silence
   * when there is nothing to play, as a live microphone sends. `client.published` tells when each marked sample went
   * out; `client.subscribed` when someone in the room first subscribed to the track (audio before that is lost).
   */
  async publish(samples: Int16Array, sampleRate: number, marks: number[] = []): Promise<{ startedAt: number }> {
    if (this.publication && this.publication.sampleRate !== sampleRate) await this.unpublish();
    const pub = this.publication ?? (await this.startTrack(sampleRate));
    pub.play({ samples, offset: 0, marks: [...marks].filter((m) => m >= 0 && m <= samples.length).sort((a, b) => a - b), ended: false });
    return { startedAt: sharedNow() };
  }

  private async startTrack(sampleRate: number): Promise<Publication> {
    // Queue 0: rtc-node's unbuffered path, each frame straight to WebRTC as a capture device delivers it (its default
    // 1000 ms queue added about 100 ms of delay here).
    const source = new AudioSource(sampleRate, 1, 0);
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    const published = await this.room.localParticipant!.publishTrack(track, options);
    const frame = Math.round((sampleRate * FRAME_MS) / 1000);
    let playing: Playing | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let index = 0;
    const started = performance.now();
    const next = async () => {
      if (stopped) return;
      index++;
      const pcm = new Int16Array(frame);
      const now = playing;
      const from = now?.offset ?? 0;
      if (now && !now.ended) {
        pcm.set(now.samples.subarray(from, Math.min(now.samples.length, from + frame)));
        now.offset = from + frame;
      }
      try {
        await source.captureFrame(new AudioFrame(pcm, sampleRate, 1, frame));
      } catch {
        return; // the source was closed (unpublished, left)
      }
      if (now && !now.ended) {
        const at = sharedNow();
        while (now.marks.length && now.marks[0]! <= from + frame) this.emit({ type: 'client.published', pid: this.pid, mark: now.marks.shift()!, at });
        if (now.offset >= now.samples.length) {
          now.ended = true;
          this.emit({ type: 'client.published', pid: this.pid, mark: 'ended', at });
        }
      }
      if (!stopped) timer = setTimeout(() => void next(), Math.max(0, started + index * FRAME_MS - performance.now()));
    };
    const publication: Publication = {
      source,
      sampleRate,
      trackSid: published.sid ?? '',
      play: (p) => (playing = p),
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
    this.publication = publication;
    void next();
    return publication;
  }

  async unpublish(): Promise<void> {
    const p = this.publication;
    if (!p) return;
    this.publication = null;
    p.stop();
    if (p.trackSid) await this.room.localParticipant?.unpublishTrack(p.trackSid).catch(() => undefined);
    await p.source.close().catch(() => undefined);
  }

  async send(data: Uint8Array): Promise<void> {
    await this.room.localParticipant!.publishData(data, { reliable: true });
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.unpublish();
    for (const reader of this.readers.values()) void reader.cancel().catch(() => undefined);
    this.readers.clear();
    await this.room.disconnect().catch(() => undefined);
  }

  private read(track: RemoteTrack, trackSid: string, participant: string): void {
    void this.readers
      .get(trackSid)
      ?.cancel()
      .catch(() => undefined);
    const reader = new AudioStream(track, { sampleRate: CLIENT_AUDIO_RATE, numChannels: 1 }).getReader();
    this.readers.set(trackSid, reader);
    this.emit({ type: 'client.track', pid: this.pid, change: 'subscribed', trackSid, participant, at: sharedNow() });
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done || !value) break;
        this.emit({ type: 'client.audio', pid: this.pid, trackSid, samples: Int16Array.from(value.data), sampleRate: value.sampleRate, at: sharedNow() });
      }
    })();
  }
}
