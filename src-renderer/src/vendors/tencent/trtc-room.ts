/**
 * The console's side of a TRTC AI conversation room: join (trtc-sdk-v5 runs in the room frame,
 * rooms/frame/drivers/trtc.ts), publish speech, turn custom messages into session events (subtitles, bot state,
 * metrics), send the 20001 interrupt, measure per-turn figures. The room is reached only through a RoomSession.
 */
import type { MetricData, NewEvent } from '../../../../src-main/core/events.ts';
import { roomEvents } from '../../../../src-main/core/room-events.ts';
import {
  DOWNLINK_CMD_ID,
  decodeCustomMessage,
  messageEvent,
  SubtitleJoiner,
  type SubtitleLine,
} from '../../../../src-main/core/vendors/tencent/common/room-messages.ts';
import { metricSummary, TurnMetrics, type TurnRow } from '../../../../src-main/core/vendors/tencent/common/turn-metrics.ts';
import type { RoomEvent, SpeechSource } from '../../rooms/protocol.ts';
import { openRoomFrame, type RoomOpener, type RoomSession } from '../../rooms/session.ts';
import type { JoinParamsOf } from '../../../../src-main/core/vendors/registry.ts';
import type { VendorRoomDeps, VendorRoomSession } from '../../rooms/vendor-room.ts';

/** What room.join gives a Tencent session (built in core: TencentJoinParams). */
export type JoinParams = JoinParamsOf<'tencent'>;

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
  private session: RoomSession | null = null;
  private joiner = new SubtitleJoiner(0, '');
  private metrics = new TurnMetrics();
  private params: JoinParams | null = null;
  private botWasQuiet = true;
  private listeners = new Set<(v: RoomView) => void>();
  readonly view: RoomView = { joined: false, publishing: '', botState: '', botLevel: 0, subtitles: [], turns: [], lastError: '' };

  private readonly open: RoomOpener;
  private readonly record: (events: NewEvent[]) => void;
  private readonly now: () => number;

  constructor(opts: { open?: RoomOpener; record: (events: NewEvent[]) => void; now?: () => number }) {
    this.open = opts.open ?? openRoomFrame;
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

  private onEvent(e: RoomEvent, params: JoinParams): void {
    if (e.type === 'message' && e.name === 'custom-message')
      this.customMessage({ userId: e.from ?? '', ...(e.data as { cmdId: number; seq?: number; data: ArrayBuffer }) });
    else if (e.type === 'message' && e.name === 'remote-audio-available')
      this.record([roomEvents.track(`audio from ${e.from} available`, { participant: e.from ?? '', change: 'published' })]);
    else if (e.type === 'level') this.volume(e.participant, e.level);
    else if (e.type === 'participant') {
      const bot = e.id === params.botUserId;
      this.record([
        roomEvents.participant(`${e.id} ${e.change === 'joined' ? 'entered' : 'left'}${bot ? ' (bot)' : ''}`, {
          id: e.id,
          change: e.change,
          bot,
          ...(e.change === 'left' && e.reason !== undefined ? { reason: e.reason } : {}),
        }),
      ]);
    } else if (e.type === 'publish-ended') void this.unpublish();
    else if (e.type === 'error') this.fail(e.message, e.data);
  }

  async join(params: JoinParams): Promise<void> {
    if (this.session) await this.leave();
    this.params = params;
    this.joiner = new SubtitleJoiner(params.subtitleMode, params.botUserId);
    this.metrics = new TurnMetrics();
    const started = this.now();
    let session: RoomSession;
    try {
      session = await this.open({ vendor: 'tencent', sdk: 'trtc' });
    } catch (err) {
      return this.fail(`could not open the room: ${(err as Error).message}`);
    }
    this.session = session;
    session.on((e) => this.onEvent(e, params));
    const room = params.strRoomId !== undefined ? { strRoomId: params.strRoomId } : { roomId: params.roomId };
    try {
      await session.join({
        sdkAppId: params.sdkAppId,
        userId: params.userId,
        userSig: params.userSig,
        botUserId: params.botUserId,
        ...room,
        ...(params.sandboxRoom ? { sandboxRoom: params.sandboxRoom } : {}),
      });
    } catch (err) {
      this.session = null;
      await session.close().catch(() => undefined);
      return this.fail((err as Error).message);
    }
    this.view.joined = true;
    const joinMs = Math.round((this.now() - started) * 10) / 10;
    this.record([
      roomEvents.joined(
        `joined ${'strRoomId' in room ? `strRoomId ${room.strRoomId}` : `roomId ${room.roomId}`} as ${params.userId} (bot ${params.botUserId})`,
        { sdkAppId: params.sdkAppId, userId: params.userId, ...room, botUserId: params.botUserId, taskId: params.taskId },
        'local',
      ),
      {
        kind: 'metric',
        dir: 'local',
        summary: `join ${joinMs} ms (measured)`,
        data: { name: 'tencent.join_ms', value: joinMs, unit: 'ms', source: 'measured' } satisfies MetricData,
      },
    ]);
    this.changed();
  }

  /** Publish the microphone (captured in the room frame) or a WAV file (played once into the room). */
  async publish(source: SpeechSource): Promise<void> {
    if (!this.session) return this.fail('join the room before publishing audio');
    const kind = source.kind === 'file' ? 'file' : 'microphone';
    try {
      await this.session.publish(source);
    } catch (err) {
      return this.fail(`could not publish ${source.kind === 'file' ? source.name : 'the microphone'}: ${(err as Error).message}`);
    }
    this.view.publishing = kind;
    this.record([
      roomEvents.publish(
        `publishing ${kind === 'file' ? 'a WAV file' : 'the microphone'}`,
        source.kind === 'file' ? { source: 'file', name: source.name } : { source: 'microphone' },
      ),
    ]);
    this.changed();
  }

  async unpublish(): Promise<void> {
    if (!this.session || !this.view.publishing) return;
    this.view.publishing = '';
    await this.session.unpublish().catch((err: Error) => this.fail(`could not stop publishing: ${err.message}`));
    this.record([roomEvents.unpublish('stopped publishing')]);
    this.changed();
  }

  /** Type 20001 on cmdId 2 (works in both InterruptModes), built and sent in the room frame. */
  async interrupt(): Promise<void> {
    if (!this.session || !this.params) return this.fail('join the room before sending an interrupt');
    try {
      const { sent } = await this.session.interrupt(this.params.botUserId);
      this.record([{ kind: 'tencent.interrupt', dir: 'out', summary: `interrupt (20001) → ${this.params.botUserId}`, data: sent }]);
    } catch (err) {
      this.fail(`could not send the interrupt: ${(err as Error).message}`);
    }
  }

  async leave(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    try {
      await session.close();
    } finally {
      this.view.joined = false;
      this.view.publishing = '';
      this.record([roomEvents.left('left the room')]);
      this.changed();
    }
  }

  private customMessage(e: { userId: string; cmdId: number; seq?: number; data: ArrayBuffer }): void {
    if (!(e.data instanceof ArrayBuffer) || typeof e.cmdId !== 'number')
      return this.record([{ kind: 'error', dir: 'in', summary: 'tencent custom message: expected {cmdId, data} from the room', data: { code: 'ROOM' } }]);
    if (e.cmdId !== DOWNLINK_CMD_ID) {
      this.record([
        {
          kind: 'tencent.custom',
          dir: 'in',
          summary: `custom message on cmdId ${e.cmdId} from ${e.userId} (${e.data.byteLength} B)`,
          data: { cmdId: e.cmdId, userId: e.userId, seq: e.seq },
        },
      ]);
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

  private volume(userId: string, volume: number): void {
    if (userId !== this.params?.botUserId) return;
    this.view.botLevel = volume;
    if (volume >= AUDIBLE && this.botWasQuiet) {
      const figures = this.metrics.botAudio(this.now());
      if (figures.length) this.record(figures.map((f) => ({ kind: 'metric', dir: 'local', summary: metricSummary(f), data: f })));
    }
    this.botWasQuiet = volume < AUDIBLE;
    this.changed();
  }
}

/** A TRTC room as a VendorRoomSession (the turn agent's): a TencentRoom, its failures (kept in its view) thrown. */
export async function joinTencentRoomSession(params: JoinParams, deps: VendorRoomDeps): Promise<VendorRoomSession> {
  const room = new TencentRoom(deps);
  await room.join(params);
  if (!room.view.joined) throw new Error(room.view.lastError || 'could not join the TRTC room');
  return {
    publish: async (s) => {
      await room.publish(s);
      if (!room.view.publishing) throw new Error(room.view.lastError || 'could not publish the speech');
    },
    interrupt: () => room.interrupt(),
    leave: () => room.leave(),
    botId: params.botUserId,
  };
}
