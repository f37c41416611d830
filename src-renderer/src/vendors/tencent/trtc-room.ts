/**
 * The console's side of a TRTC AI conversation room: join with trtc-sdk-v5, publish speech, turn custom messages
 * into session events (subtitles, bot state, metrics), send the 20001 interrupt, measure per-turn figures.
 * The SDK is reached only through `TrtcLike`, created by an injected factory (tests pass a fake).
 */
import type { MetricData, NewEvent } from '../../../../src-main/core/events.ts';
import { DOWNLINK_CMD_ID, decodeCustomMessage, interruptMessage, messageEvent, SubtitleJoiner, type SubtitleLine } from '../../../../src-main/core/vendors/tencent/room-messages.ts';
import { metricSummary, TurnMetrics, type TurnRow } from '../../../../src-main/core/vendors/tencent/turn-metrics.ts';
import { sharedPlayer } from '../../audio/index.ts';

/** The part of trtc-sdk-v5's TRTC instance this console uses. */
export interface TrtcLike {
  enterRoom(params: Record<string, unknown>): Promise<void>;
  exitRoom(): Promise<void>;
  startLocalAudio(config?: { option?: { audioTrack?: MediaStreamTrack } }): Promise<void>;
  stopLocalAudio(): Promise<void>;
  sendCustomMessage(message: { cmdId: number; data: ArrayBuffer }): void;
  enableAudioVolumeEvaluation(interval?: number): void;
  /** A remote user's audio track (index.d.ts: getAudioTrack(userId)); null until subscribed. */
  getAudioTrack(userId: string): MediaStreamTrack | null;
  setRemoteAudioVolume(userId: string, volume: number): void;
  on(event: string, handler: (event: never) => void): void;
  destroy(): void;
}
export type TrtcFactory = () => Promise<TrtcLike>;

/** Loads the SDK only when a room is joined, keeping it out of the initial bundle. */
export const sdkFactory: TrtcFactory = async () => {
  const mod = await import('trtc-sdk-v5');
  return mod.default.create() as unknown as TrtcLike;
};

export interface JoinParams {
  sdkAppId: number;
  userId: string;
  userSig: string;
  roomId?: number;
  strRoomId?: string;
  botUserId: string;
  subtitleMode: number;
  taskId?: string;
}

/** How long to wait for a remote track after remote-audio-available (the SDK may still be subscribing). */
const TRACK_WAIT_MS = 3000;

/** Bot volume (0-100) above which its audio counts as audible; an onset needs a quiet sample before it. */
const AUDIBLE = 10;

export interface RoomView {
  joined: boolean;
  publishing: '' | 'microphone' | 'file';
  botState: string;
  botLevel: number;
  subtitles: SubtitleLine[];
  turns: TurnRow[];
  lastError: string;
}

export class TencentRoom {
  private trtc: TrtcLike | null = null;
  private joiner = new SubtitleJoiner(0, '');
  private metrics = new TurnMetrics();
  private params: JoinParams | null = null;
  private botWasQuiet = true;
  private listeners = new Set<(v: RoomView) => void>();
  private interrupts = 0;
  /** Remote users whose audio plays through the shared player, with the detach for each. */
  private readonly remoteAudio = new Map<string, () => void>();
  readonly view: RoomView = { joined: false, publishing: '', botState: '', botLevel: 0, subtitles: [], turns: [], lastError: '' };

  private readonly factory: TrtcFactory;
  private readonly record: (events: NewEvent[]) => void;
  private readonly now: () => number;

  constructor(opts: { factory: TrtcFactory; record: (events: NewEvent[]) => void; now?: () => number }) {
    this.factory = opts.factory;
    this.record = opts.record;
    this.now = opts.now ?? (() => performance.now());
  }

  onChange(listener: (v: RoomView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.view.subtitles = this.joiner.all();
    this.view.turns = this.metrics.rows();
    for (const l of this.listeners) l(this.view);
  }

  private fail(summary: string, data?: unknown): void {
    this.view.lastError = summary;
    this.record([{ kind: 'error', dir: 'local', summary, data: { code: 'ROOM', ...(data && typeof data === 'object' ? data : { detail: data }) } }]);
    this.changed();
  }

  async join(params: JoinParams): Promise<void> {
    if (this.trtc) await this.leave();
    this.params = params;
    this.joiner = new SubtitleJoiner(params.subtitleMode, params.botUserId);
    this.metrics = new TurnMetrics();
    const started = this.now();
    const trtc = await this.factory();
    this.trtc = trtc;
    trtc.on('custom-message', ((e: { userId: string; cmdId: number; seq?: number; data: ArrayBuffer }) => this.customMessage(e)) as (e: never) => void);
    trtc.on('audio-volume', ((e: { result: { userId: string; volume: number }[] }) => this.volume(e)) as (e: never) => void);
    trtc.on('remote-user-enter', ((e: { userId: string }) => this.record([{ kind: 'room.participant', dir: 'in', summary: `${e.userId} entered${e.userId === params.botUserId ? ' (bot)' : ''}`, data: e }])) as (e: never) => void);
    trtc.on('remote-user-exit', ((e: { userId: string }) => this.record([{ kind: 'room.participant', dir: 'in', summary: `${e.userId} left`, data: e }])) as (e: never) => void);
    trtc.on('remote-audio-available', ((e: { userId: string }) => {
      this.record([{ kind: 'room.track', dir: 'in', summary: `audio from ${e.userId} available`, data: e }]);
      void this.playRemoteAudio(trtc, e.userId);
    }) as (e: never) => void);
    trtc.on('remote-audio-unavailable', ((e: { userId: string }) => this.stopRemoteAudio(e.userId)) as (e: never) => void);
    trtc.on('kicked-out', ((e: { reason: string }) => this.fail(`kicked out of the room: ${e.reason}`, e)) as (e: never) => void);
    trtc.on('error', ((e: { code?: number; message?: string }) => this.fail(`TRTC error ${e.code ?? ''}: ${e.message ?? ''}`.trim(), { trtcCode: e.code, message: e.message })) as (e: never) => void);
    trtc.enableAudioVolumeEvaluation(100);
    const room = params.strRoomId !== undefined ? { strRoomId: params.strRoomId } : { roomId: params.roomId };
    try {
      // Anchor role: only anchors may send custom messages (the interrupt) and publish audio.
      await trtc.enterRoom({ sdkAppId: params.sdkAppId, userId: params.userId, userSig: params.userSig, ...room, scene: 'rtc', role: 'anchor', autoReceiveAudio: true });
    } catch (err) {
      this.trtc = null;
      trtc.destroy();
      return this.fail(`could not enter the TRTC room: ${(err as Error).message}`);
    }
    this.view.joined = true;
    const joinMs = Math.round((this.now() - started) * 10) / 10;
    this.record([
      { kind: 'room.joined', dir: 'local', summary: `joined ${'strRoomId' in room ? `strRoomId ${room.strRoomId}` : `roomId ${room.roomId}`} as ${params.userId} (bot ${params.botUserId})`, data: { sdkAppId: params.sdkAppId, userId: params.userId, ...room, botUserId: params.botUserId, taskId: params.taskId } },
      { kind: 'metric', dir: 'local', summary: `join ${joinMs} ms (measured)`, data: { name: 'tencent.join_ms', value: joinMs, unit: 'ms', source: 'measured' } satisfies MetricData },
    ]);
    this.changed();
  }

  /** Publish the microphone (the SDK captures it) or a given track (a WAV file played into a MediaStream). */
  async publish(kind: 'microphone' | 'file', track?: MediaStreamTrack): Promise<void> {
    if (!this.trtc) return this.fail('join the room before publishing audio');
    if (this.view.publishing) await this.trtc.stopLocalAudio();
    try {
      await this.trtc.startLocalAudio(track ? { option: { audioTrack: track } } : undefined);
    } catch (err) {
      return this.fail(`could not publish ${kind}: ${(err as Error).message}`);
    }
    this.view.publishing = kind;
    this.record([{ kind: 'room.publish', dir: 'out', summary: `publishing ${kind === 'file' ? 'a WAV file' : 'the microphone'}` }]);
    this.changed();
  }

  async unpublish(): Promise<void> {
    if (!this.trtc || !this.view.publishing) return;
    await this.trtc.stopLocalAudio();
    this.view.publishing = '';
    this.record([{ kind: 'room.publish', dir: 'out', summary: 'stopped publishing' }]);
    this.changed();
  }

  /** Type 20001 on cmdId 2 (works in both InterruptModes). */
  interrupt(): void {
    if (!this.trtc || !this.params) return this.fail('join the room before sending an interrupt');
    const m = interruptMessage({ sender: this.params.userId, botUserId: this.params.botUserId, id: `parley-${Date.now()}-${++this.interrupts}`, timestamp: Date.now() });
    try {
      this.trtc.sendCustomMessage({ cmdId: m.cmdId, data: m.data });
    } catch (err) {
      return this.fail(`could not send the interrupt: ${(err as Error).message}`);
    }
    this.record([{ kind: 'tencent.interrupt', dir: 'out', summary: `interrupt (20001) → ${this.params.botUserId}`, data: m.json }]);
  }

  async leave(): Promise<void> {
    const trtc = this.trtc;
    this.trtc = null;
    if (!trtc) return;
    for (const userId of [...this.remoteAudio.keys()]) this.stopRemoteAudio(userId);
    try {
      await trtc.exitRoom();
    } finally {
      trtc.destroy();
      this.view.joined = false;
      this.view.publishing = '';
      this.record([{ kind: 'room.left', dir: 'local', summary: 'left the room' }]);
      this.changed();
    }
  }

  /**
   * The remote user's track plays through the app's audio player (level meter, WAV export). The SDK keeps its
   * subscription but its own playout goes to volume 0 (index.d.ts: "continue subscribing audio data from the user but
   * not play it"), so the audio is not doubled; its volume evaluation (bot level, audible onset) keeps working.
   */
  private async playRemoteAudio(trtc: TrtcLike, userId: string): Promise<void> {
    let track = trtc.getAudioTrack(userId);
    for (let waited = 0; !track && waited < TRACK_WAIT_MS && this.trtc === trtc; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      track = trtc.getAudioTrack(userId);
    }
    if (this.trtc !== trtc) return;
    // No track: leave the SDK's own playout on, so the bot is still heard (only not in the player).
    if (!track) return this.fail(`no audio track for ${userId} after ${TRACK_WAIT_MS} ms: the SDK plays it, the audio panel does not show or record it`);
    trtc.setRemoteAudioVolume(userId, 0);
    this.remoteAudio.get(userId)?.();
    const label = `TRTC ${userId}${userId === this.params?.botUserId ? ' (bot)' : ''}`;
    this.remoteAudio.set(userId, sharedPlayer().attachStream(new MediaStream([track]), { id: `tencent:${userId}`, label }));
  }

  private stopRemoteAudio(userId: string): void {
    this.remoteAudio.get(userId)?.();
    this.remoteAudio.delete(userId);
  }

  private customMessage(e: { userId: string; cmdId: number; seq?: number; data: ArrayBuffer }): void {
    if (e.cmdId !== DOWNLINK_CMD_ID) {
      this.record([{ kind: 'tencent.custom', dir: 'in', summary: `custom message on cmdId ${e.cmdId} from ${e.userId} (${e.data.byteLength} B)`, data: { cmdId: e.cmdId, userId: e.userId, seq: e.seq } }]);
      return;
    }
    const decoded = decodeCustomMessage(e);
    if (!decoded.ok) {
      this.record([decoded.error]);
      return;
    }
    const m = decoded.message;
    const at = this.now();
    const out: NewEvent[] = [];
    let figures: MetricData[] = [];
    if (m.type === 'subtitle') {
      const line = this.joiner.add(m);
      out.push(messageEvent(m, line));
      figures = this.metrics.subtitle(line, at);
    } else {
      out.push(messageEvent(m));
      if (m.type === 'state') {
        this.view.botState = m.stateName;
        figures = this.metrics.state(m, at);
      } else if (m.type === 'metric') figures = this.metrics.reported(m);
    }
    for (const f of figures) out.push({ kind: 'metric', dir: f.source === 'reported' ? 'in' : 'local', summary: metricSummary(f), data: f });
    this.record(out);
    this.changed();
  }

  private volume(e: { result: { userId: string; volume: number }[] }): void {
    const bot = e.result.find((r) => r.userId === this.params?.botUserId);
    if (!bot) return;
    this.view.botLevel = bot.volume;
    if (bot.volume >= AUDIBLE && this.botWasQuiet) {
      const figures = this.metrics.botAudio(this.now());
      if (figures.length) this.record(figures.map((f) => ({ kind: 'metric', dir: 'local', summary: metricSummary(f), data: f })));
    }
    this.botWasQuiet = bot.volume < AUDIBLE;
    this.changed();
  }
}

/** A WAV (or any decodable audio) file as a MediaStreamTrack, played once in real time; for publishing as speech. */
export async function audioFileTrack(bytes: ArrayBuffer): Promise<{ track: MediaStreamTrack; ended: Promise<void>; stop(): void }> {
  const context = new AudioContext();
  const buffer = await context.decodeAudioData(bytes.slice(0));
  const source = context.createBufferSource();
  source.buffer = buffer;
  const destination = context.createMediaStreamDestination();
  source.connect(destination);
  const ended = new Promise<void>((resolve) => (source.onended = () => resolve()));
  source.start();
  const track = destination.stream.getAudioTracks()[0]!;
  return {
    track,
    ended,
    stop() {
      source.stop();
      void context.close();
    },
  };
}
