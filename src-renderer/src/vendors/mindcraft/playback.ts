import type { MetricData, NewEvent, SessionEvent } from '../../../../src-main/core/events.ts';
import type { SegmentPlayer, SegmentTiming } from '../../audio/segment-player.ts';
import { call } from '../../api.ts';
import { playerFor } from '../../audio/index.ts';
import { isStartFrame, isStopUploadFrame } from './conversation.ts';

export interface FeederDeps {
  player: SegmentPlayer;
  /** A session artifact's bytes (session.readFile). */
  readFile(name: string): Promise<Uint8Array>;
  /** Append events to the session record (session.record). */
  record(events: NewEvent[]): void;
  now?: () => number;
}

/** Upload stop (or text sent) → first audible bot audio, measured here from the player's schedule. */
export const AUDIBLE_METRIC = 'turn_latency_ms';

const segmentId = (turn: number, z: number) => `turn${turn}-z${z}`;

/**
 * Feeds a session's TTS segments (audio.segment events, fetched and stored by main) to the shared player in
 * z_index order, stops it on interrupt, and reports back what it scheduled: one `audio.playback` event per
 * segment (AudioContext start/end, for the gap check) and the turn's first-audible latency as a `metric`.
 */
export class SegmentFeeder {
  private readonly deps: FeederDeps;
  private processed = 0;
  private turn = 0;
  private playerTurn = 0;
  private readonly references = new Map<number, number>();
  private readonly audible = new Set<number>();
  private readonly interrupted = new Set<number>();
  private readonly ids = new Map<string, { turn: number; z: number; text?: string }>();
  private readonly off: () => void;

  constructor(deps: FeederDeps) {
    this.deps = deps;
    this.off = deps.player.on((t) => this.onTiming(t));
  }

  /** Process the session's events (call with the whole list; only new ones are handled). */
  feed(events: readonly SessionEvent[]): void {
    for (; this.processed < events.length; this.processed++) this.handle(events[this.processed]!);
  }

  dispose(): void {
    this.off();
  }

  private handle(e: SessionEvent): void {
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (isStartFrame(e)) {
      this.turn++;
      // A new question stops the previous answer's playback (the demo's turn order), not just its download.
      if (this.playerTurn > 0) {
        this.interrupted.add(this.playerTurn);
        this.deps.player.interrupt();
      }
      if (typeof (d.event_params as Record<string, unknown> | undefined)?.asr_text === 'string') this.references.set(this.turn, Date.parse(e.at));
      return;
    }
    if (isStopUploadFrame(e)) {
      this.references.set(this.turn, Date.parse(e.at));
      return;
    }
    if (e.kind === 'audio.interrupt' && typeof d.turn === 'number') {
      this.interrupted.add(d.turn);
      if (d.turn >= this.playerTurn) this.deps.player.interrupt();
      return;
    }
    if (e.kind === 'audio.segment' && typeof d.turn === 'number' && typeof d.z_index === 'number') void this.enqueue(d.turn, d.z_index, d);
  }

  private async enqueue(turn: number, z: number, d: Record<string, unknown>): Promise<void> {
    if (turn < this.playerTurn || this.interrupted.has(turn)) return;
    if (turn > this.playerTurn) {
      if (this.playerTurn > 0) this.deps.player.beginTurn(0);
      this.playerTurn = turn;
    }
    const id = segmentId(turn, z);
    const text = typeof d.text === 'string' ? d.text : undefined;
    this.ids.set(id, { turn, z, text });
    let bytes: Uint8Array = new Uint8Array(0);
    // A segment main could not fetch is handed over empty: the player fails to decode it and moves on at once
    // instead of waiting out its late timeout.
    if (typeof d.file === 'string') {
      try {
        bytes = await this.deps.readFile(d.file);
      } catch {
        bytes = new Uint8Array(0);
      }
    }
    if (turn !== this.playerTurn || this.interrupted.has(turn)) return;
    await this.deps.player.enqueue({ id, order: z, bytes, text });
  }

  private onTiming(t: SegmentTiming): void {
    const seg = this.ids.get(t.id);
    if (!seg || t.status !== 'scheduled' || t.scheduledStart === null || t.scheduledEnd === null) return;
    const ctx = this.deps.player.context;
    const now = (this.deps.now ?? Date.now)();
    const audibleAt = now + (t.scheduledStart - ctx.currentTime + (ctx.outputLatency || 0)) * 1000;
    const events: NewEvent[] = [
      {
        kind: 'audio.playback',
        dir: 'local',
        summary: `turn ${seg.turn} · segment #${seg.z} scheduled ${t.scheduledStart.toFixed(3)}–${t.scheduledEnd.toFixed(3)} s`,
        data: {
          turn: seg.turn,
          z_index: seg.z,
          scheduledStart: t.scheduledStart,
          scheduledEnd: t.scheduledEnd,
          duration: t.duration,
          audibleAt: new Date(audibleAt).toISOString(),
        },
      },
    ];
    const ref = this.references.get(seg.turn);
    if (ref !== undefined && !this.audible.has(seg.turn)) {
      this.audible.add(seg.turn);
      const metric: MetricData = { name: AUDIBLE_METRIC, value: Math.round(audibleAt - ref), unit: 'ms', turn: seg.turn, source: 'measured' };
      events.push({
        kind: 'metric',
        dir: 'local',
        summary: `turn ${seg.turn} · ${AUDIBLE_METRIC} = ${metric.value} ms (first audible bot audio)`,
        data: metric,
      });
    }
    this.deps.record(events);
  }
}

/** One feeder per session player: it lives as long as the player, whatever panels come and go. */
const feeders = new WeakMap<SegmentPlayer, SegmentFeeder>();

/** The feeder of a running session, created on first use over the session's own player. */
export function feederFor(sessionId: string): SegmentFeeder {
  const player = playerFor(sessionId);
  let feeder = feeders.get(player);
  if (!feeder) {
    feeder = new SegmentFeeder({
      player,
      readFile: async (name) => Uint8Array.from(atob((await call('session.readFile', { sessionId, name })).base64), (c) => c.charCodeAt(0)),
      record: (evs) => void call('session.record', { sessionId, events: evs }).catch(() => undefined),
    });
    feeders.set(player, feeder);
  }
  return feeder;
}
