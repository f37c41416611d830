/**
 * Parley's own user in a LiveKit room, with @livekit/rtc-node (runs in the LiveKit worker process): publishes PCM as
 * its microphone track at real-time pace (then silence, as a live microphone keeps sending), hands every remote audio
 * track out as 16 kHz mono PCM the moment the SDK decodes it, and every data message as it arrives.
 */
import { AudioFrame, AudioSource, AudioStream, ContinualGatheringPolicy, IceTransportType, LocalAudioTrack, Room, RoomEvent, TrackKind, TrackPublishOptions, TrackSource, type RemoteTrack } from '@livekit/rtc-node';
import { sharedNow, type ClientJoin, type WorkerEvent } from './protocol.ts';

/** Rate of the PCM handed out (the rate of the utterance library and the bot). */
export const CLIENT_AUDIO_RATE = 16000;
const FRAME_MS = 10;

interface Publication {
  source: AudioSource;
  trackSid: string;
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
      void p.readers.get(sid)?.cancel().catch(() => undefined);
      p.readers.delete(sid);
      emit({ type: 'client.track', pid: args.pid, change: 'unsubscribed', trackSid: sid, participant: participant.identity, at: sharedNow() });
    });
    room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) =>
      emit({ type: 'client.data', pid: args.pid, payload: Uint8Array.from(payload), ...(participant ? { from: participant.identity } : {}), ...(topic ? { topic } : {}), at: sharedNow() }),
    );
    room.on(RoomEvent.ParticipantConnected, (participant) => emit({ type: 'client.participant', pid: args.pid, change: 'joined', identity: participant.identity, at: sharedNow() }));
    room.on(RoomEvent.ParticipantDisconnected, (participant) => emit({ type: 'client.participant', pid: args.pid, change: 'left', identity: participant.identity, at: sharedNow() }));
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
    for (const participant of room.remoteParticipants.values()) emit({ type: 'client.participant', pid: args.pid, change: 'joined', identity: participant.identity, at: sharedNow() });
    return { participant: p, identity: room.localParticipant!.identity, sid: room.localParticipant!.sid ?? '' };
  }

  /**
   * Publish `samples` as the microphone track, one 10 ms frame every 10 ms (scheduled from the start, so timer
   * lateness never accumulates), then silence. `client.published` tells when each marked sample went out.
   */
  async publish(samples: Int16Array, sampleRate: number, marks: number[] = []): Promise<{ startedAt: number }> {
    await this.unpublish();
    const source = new AudioSource(sampleRate, 1);
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    const publication = await this.room.localParticipant!.publishTrack(track, options);
    const frame = Math.round((sampleRate * FRAME_MS) / 1000);
    const pending = [...marks].filter((m) => m >= 0 && m <= samples.length).sort((a, b) => a - b);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let index = 0;
    let endedSent = false;
    const startedAt = sharedNow();
    const started = performance.now();
    const next = async () => {
      if (stopped) return;
      const from = index * frame;
      const pcm = new Int16Array(frame);
      if (from < samples.length) pcm.set(samples.subarray(from, Math.min(samples.length, from + frame)));
      index++;
      try {
        await source.captureFrame(new AudioFrame(pcm, sampleRate, 1, frame));
      } catch {
        return; // the source was closed (unpublished, left)
      }
      const at = sharedNow();
      while (pending.length && pending[0]! <= from + frame) this.emit({ type: 'client.published', pid: this.pid, mark: pending.shift()!, at });
      if (!endedSent && from + frame >= samples.length) {
        endedSent = true;
        this.emit({ type: 'client.published', pid: this.pid, mark: 'ended', at });
      }
      if (!stopped) timer = setTimeout(() => void next(), Math.max(0, started + index * FRAME_MS - performance.now()));
    };
    this.publication = {
      source,
      trackSid: publication.sid ?? '',
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
    await next();
    return { startedAt };
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
    void this.readers.get(trackSid)?.cancel().catch(() => undefined);
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
