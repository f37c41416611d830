/**
 * One NERTC room visit for a NetEase session: join, hear the bot, publish speech, captions and ai-data as
 * session events, manual interrupt. SDK callbacks go through the pure parsers shared with core.
 */
import type { NewEvent } from '../../../../src-main/core/events.ts';
import { parseAiData, parseAsrCaptions } from '../../../../src-main/core/vendors/netease/room-events.ts';
import { RoomMetrics, metricSummary } from '../../../../src-main/core/vendors/netease/room-metrics.ts';
import type { NertcClientLike, NertcLike, NertcStreamLike } from './nertc.ts';

export interface JoinParams {
  appkey: string;
  channelName: string;
  uid: string;
  token?: string;
  botUid?: string;
  captionLanguage?: string;
}

export type SpeechSource = { kind: 'none' } | { kind: 'mic' } | { kind: 'track'; track: MediaStreamTrack; label: string };

export interface RoomHooks {
  record(events: NewEvent[]): void;
  /** The bot's audio as a MediaStream, for the app's player. */
  onAudio(stream: MediaStream, uid: string): void;
  now(): number;
}

const uidOf = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export class NeteaseRoom {
  private client: NertcClientLike | null = null;
  private local: NertcStreamLike | null = null;
  private captionsOn = false;
  private remoteUid = '';
  readonly metrics = new RoomMetrics();
  private readonly sdk: NertcLike;
  private readonly params: JoinParams;
  private readonly hooks: RoomHooks;

  constructor(sdk: NertcLike, params: JoinParams, hooks: RoomHooks) {
    this.sdk = sdk;
    this.params = params;
    this.hooks = hooks;
  }

  private record(...events: NewEvent[]): void {
    if (events.length) this.hooks.record(events);
  }

  /** Resolves when `client.join()` resolved (the client-API create may go out then). */
  async join(): Promise<void> {
    const p = this.params;
    const client = this.sdk.createClient({ appkey: p.appkey, debug: false });
    this.client = client;
    const who = { localUid: p.uid, botUid: p.botUid || undefined };
    client.on('stream-added', (evt: { stream: NertcStreamLike }) => void this.onStreamAdded(evt.stream));
    client.on('stream-subscribed', (evt: { stream: NertcStreamLike; mediaType?: string }) => this.onSubscribed(evt.stream, evt.mediaType));
    client.on('peer-online', (evt: { uid: unknown }) => this.record({ kind: 'room.peer-online', dir: 'in', summary: `uid ${uidOf(evt?.uid)} joined the room`, data: { uid: uidOf(evt?.uid) } }));
    client.on('peer-leave', (evt: { uid: unknown; reason?: unknown }) => this.record({ kind: 'room.peer-leave', dir: 'in', summary: `uid ${uidOf(evt?.uid)} left the room`, data: { uid: uidOf(evt?.uid), reason: evt?.reason } }));
    client.on('asr-captions', (list: unknown) => {
      const t = this.hooks.now();
      const parsed = parseAsrCaptions(list, who);
      const metrics = parsed.captions.flatMap((c) => this.metrics.caption(c, t));
      this.record(...parsed.events, ...metrics.map((m) => ({ kind: 'metric', dir: 'local' as const, summary: metricSummary(m), data: m })));
    });
    client.on('ai-data', (evt: unknown) => this.record(parseAiData(evt)));
    client.on('disconnect', () => this.record({ kind: 'room.disconnected', dir: 'in', summary: 'disconnected from the NERTC room' }));

    this.metrics.joinStarted(this.hooks.now());
    this.record({ kind: 'room.joining', dir: 'out', summary: `joining NERTC room ${p.channelName} as uid ${p.uid}`, data: { channelName: p.channelName, uid: p.uid, tokenSet: !!p.token } });
    await client.join({ channelName: p.channelName, uid: /^\d+$/.test(p.uid) ? Number(p.uid) : p.uid, ...(p.token ? { token: p.token } : {}) });
    const m = this.metrics.joined(this.hooks.now());
    this.record({ kind: 'room.joined', dir: 'in', summary: `joined ${p.channelName}`, data: { channelName: p.channelName, uid: p.uid } }, ...(m ? [{ kind: 'metric', dir: 'local' as const, summary: metricSummary(m), data: m }] : []));
  }

  async publish(source: SpeechSource): Promise<void> {
    if (!this.client || source.kind === 'none') return;
    const stream = this.sdk.createStream({ audio: true, video: false, uid: this.params.uid, client: this.client, ...(source.kind === 'track' ? { audioSource: source.track } : {}) });
    // Recommended for AI conversations before init() (docs/vendors/netease.md#room-and-captions).
    stream.setAudioProfile?.('music_standard');
    await stream.init?.();
    await this.client.publish(stream);
    this.local = stream;
    this.record({ kind: 'room.published', dir: 'out', summary: source.kind === 'mic' ? 'publishing the microphone' : `publishing ${source.label}`, data: { source: source.kind } });
  }

  private async onStreamAdded(stream: NertcStreamLike): Promise<void> {
    const uid = uidOf(stream.getId?.());
    this.remoteUid ||= uid;
    this.record({ kind: 'room.stream-added', dir: 'in', summary: `uid ${uid} publishes (the bot)`, data: { uid } });
    try {
      await this.client!.subscribe(stream, { audio: true, video: false });
      // Captions start after the bot has joined (the guide's order).
      if (!this.captionsOn) {
        this.captionsOn = true;
        await this.client!.startAsrCaptions(this.params.captionLanguage || 'AUTO', '');
        this.record({ kind: 'netease.captions-started', dir: 'out', summary: `captions on (source ${this.params.captionLanguage || 'AUTO'})` });
      }
    } catch (err) {
      this.record({ kind: 'error', dir: 'local', summary: `NERTC: ${(err as Error).message}`, data: { code: 'NERTC', message: (err as Error).message } });
    }
  }

  private onSubscribed(stream: NertcStreamLike, mediaType?: string): void {
    if (mediaType && mediaType !== 'audio') return;
    const uid = uidOf(stream.getId?.());
    const media = stream.getAudioStream?.();
    if (media) this.hooks.onAudio(media, uid);
    else void stream.play?.(null, { audio: true, video: false });
    this.record({ kind: 'room.audio', dir: 'in', summary: `playing uid ${uid}'s audio`, data: { uid } });
  }

  /** aiManualInterrupt(botUid); an empty uid lets the SDK pick the first remote stream. */
  interrupt(): void {
    const uid = this.params.botUid || this.remoteUid;
    this.client?.aiManualInterrupt(uid);
    this.record({ kind: 'netease.interrupt', dir: 'out', summary: `aiManualInterrupt(${uid || 'first remote stream'})`, data: { uid } });
  }

  async leave(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      if (this.captionsOn) await client.stopAsrCaptions?.();
      this.local?.destroy?.();
      await client.leave();
    } finally {
      client.destroy?.();
      this.record({ kind: 'room.left', dir: 'out', summary: 'left the NERTC room' });
    }
  }
}
