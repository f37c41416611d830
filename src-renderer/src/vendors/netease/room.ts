/**
 * One NERTC room visit for a NetEase session: join (nertc-web-sdk runs in the room frame,
 * rooms/frame/drivers/nertc.ts), hear the bot, publish speech, captions and ai-data as session events, manual
 * interrupt. Room events go through the pure parsers shared with core.
 */
import type { NewEvent } from '../../../../src-main/core/events.ts';
import { roomEvents } from '../../../../src-main/core/room-events.ts';
import { parseAiData, parseAsrCaptions } from '../../../../src-main/core/vendors/netease/common/room-events.ts';
import { RoomMetrics, metricSummary } from '../../../../src-main/core/vendors/netease/common/room-metrics.ts';
import type { RoomEvent, SpeechSource } from '../../rooms/protocol.ts';
import { openRoomFrame, type RoomOpener, type RoomSession } from '../../rooms/session.ts';
import type { JoinParamsOf } from '../../../../src-main/core/vendors/registry.ts';
import type { VendorRoomDeps, VendorRoomSession } from '../../rooms/vendor-room.ts';

/** What room.join gives a NetEase session (built in core: NeteaseJoinParams). */
export type JoinParams = JoinParamsOf<'netease'>;

export interface RoomHooks {
  record(events: NewEvent[]): void;
  now(): number;
}

export class NeteaseRoom {
  private session: RoomSession | null = null;
  readonly metrics = new RoomMetrics();
  private readonly open: RoomOpener;
  private readonly params: JoinParams;
  private readonly hooks: RoomHooks;

  constructor(params: JoinParams, hooks: RoomHooks, open: RoomOpener = openRoomFrame) {
    this.open = open;
    this.params = params;
    this.hooks = hooks;
  }

  private record(...events: NewEvent[]): void {
    if (events.length) this.hooks.record(events);
  }

  private onEvent(e: RoomEvent): void {
    const p = this.params;
    if (e.type === 'message') {
      if (e.name === 'asr-captions') {
        const t = this.hooks.now();
        const parsed = parseAsrCaptions(e.data, { localUid: p.uid, botUid: p.botUid || undefined });
        const metrics = parsed.captions.flatMap((c) => this.metrics.caption(c, t));
        this.record(...parsed.events, ...metrics.map((m) => ({ kind: 'metric', dir: 'local' as const, summary: metricSummary(m), data: m })));
      } else if (e.name === 'ai-data') this.record(parseAiData(e.data));
      else if (e.name === 'stream-added')
        this.record(roomEvents.track(`uid ${e.from} publishes (the bot)`, { participant: e.from ?? '', change: 'published' }));
      else if (e.name === 'captions-started')
        this.record({
          kind: 'netease.captions-started',
          dir: 'out',
          summary: `captions on (source ${(e.data as { source?: string } | undefined)?.source ?? 'AUTO'})`,
        });
      else if (e.name === 'sdk-playback')
        this.record(
          roomEvents.track(`uid ${e.from}'s audio plays in the SDK (not in the audio panel)`, {
            participant: e.from ?? '',
            change: 'subscribed',
            playback: 'sdk',
          }),
        );
    } else if (e.type === 'track' && e.change === 'subscribed')
      this.record(
        roomEvents.track(`playing uid ${e.participant}'s audio`, { participant: e.participant, change: 'subscribed', trackId: e.trackId, playback: 'player' }),
      );
    else if (e.type === 'participant') {
      const bot = p.botUid ? e.id === p.botUid : undefined;
      this.record(
        roomEvents.participant(`uid ${e.id} ${e.change === 'joined' ? 'joined' : 'left'} the room${bot ? ' (bot)' : ''}`, {
          id: e.id,
          change: e.change,
          ...(bot === undefined ? {} : { bot }),
          ...(e.change === 'left' && e.reason !== undefined ? { reason: e.reason } : {}),
        }),
      );
    } else if (e.type === 'connection' && e.state === 'disconnected') this.record(roomEvents.disconnected('disconnected from the NERTC room'));
    else if (e.type === 'error') this.record({ kind: 'error', dir: 'local', summary: e.message, data: { code: e.code, message: e.message } });
  }

  /** Resolves when the SDK's join resolved (the client-API create may go out then). */
  async join(): Promise<void> {
    const p = this.params;
    this.metrics.joinStarted(this.hooks.now());
    this.record(roomEvents.joining(`joining NERTC room ${p.channelName} as uid ${p.uid}`, { channelName: p.channelName, uid: p.uid, tokenSet: !!p.token }));
    const session = await this.open({ vendor: 'netease', sdk: 'nertc' });
    this.session = session;
    session.on((e) => this.onEvent(e));
    await session.join({
      appkey: p.appkey,
      channelName: p.channelName,
      uid: p.uid,
      ...(p.token ? { token: p.token } : {}),
      captionLanguage: p.captionLanguage || 'AUTO',
      ...(p.sandboxRoom ? { sandboxRoom: p.sandboxRoom } : {}),
    });
    const m = this.metrics.joined(this.hooks.now());
    this.record(
      roomEvents.joined(`joined ${p.channelName}`, { channelName: p.channelName, uid: p.uid }),
      ...(m ? [{ kind: 'metric', dir: 'local' as const, summary: metricSummary(m), data: m }] : []),
    );
  }

  /** Publish the speech; `none` listens only. Resolves with a file's duration once it plays. */
  async publish(source: SpeechSource | { kind: 'none' }): Promise<void> {
    if (!this.session || source.kind === 'none') return;
    const label = source.kind === 'file' ? source.name : '';
    await this.session.publish(source);
    this.record(
      roomEvents.publish(
        source.kind === 'microphone' ? 'publishing the microphone' : `publishing ${label}`,
        source.kind === 'microphone' ? { source: 'microphone' } : { source: 'file', name: label },
      ),
    );
  }

  /** aiManualInterrupt(botUid); without a bot uid the first remote stream's uid. */
  async interrupt(): Promise<void> {
    if (!this.session) return;
    const { sent } = await this.session.interrupt(this.params.botUid || undefined);
    const uid = (sent as { uid?: string } | undefined)?.uid ?? '';
    this.record({ kind: 'netease.interrupt', dir: 'out', summary: `aiManualInterrupt(${uid || 'first remote stream'})`, data: { uid } });
  }

  async leave(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    try {
      await session.close();
    } finally {
      this.record(roomEvents.left('left the NERTC room'));
    }
  }
}

/** A NERTC room as a VendorRoomSession (the turn agent's): a NeteaseRoom joined. */
export async function joinNeteaseRoomSession(params: JoinParams, deps: VendorRoomDeps): Promise<VendorRoomSession> {
  const room = new NeteaseRoom(params, { record: deps.record, now: () => performance.now() }, deps.open);
  await room.join();
  return { publish: (s) => room.publish(s), interrupt: () => room.interrupt(), leave: () => room.leave(), botId: params.botUid };
}
