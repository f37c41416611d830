/**
 * Convai timing figures as `metric` events (MetricData, events.ts): room join time, time to bot-ready, per turn
 * user-stopped-speaking → bot-started-speaking, and the server's own ttfb/processing/custom figures (debug).
 * The connect call latency is measured in main (index.ts). Pure: the renderer feeds it what it sees in the room.
 */
import { STANDARD_METRICS, type MetricData, type NewEvent } from '../../../events.ts';
import type { ParsedDataMessage } from './rtvi.ts';

export const CONVAI_METRICS = {
  roomJoin: 'convai.room_join_ms',
  botReady: 'convai.bot_ready_ms',
  ttfb: 'convai.server_ttfb_s',
  processing: 'convai.server_processing_s',
  custom: 'convai.server_custom',
} as const;

export function metricEvent(m: MetricData, summary: string): NewEvent {
  return { kind: 'metric', dir: 'local', summary, data: m };
}

export class ConvaiTimeline {
  private joinStarted: number | null = null;
  private joinedAt: number | null = null;
  private ready = false;
  private userStoppedAt: number | null = null;
  private turn = 0;
  /** Per-turn latencies in ms, in order (for the panel's trend). */
  readonly turns: number[] = [];

  roomJoinStarted(at: number): void {
    this.joinStarted = at;
  }

  roomJoined(at: number): NewEvent[] {
    this.joinedAt = at;
    if (this.joinStarted === null) return [];
    const value = round(at - this.joinStarted);
    return [metricEvent({ name: CONVAI_METRICS.roomJoin, value, unit: 'ms', source: 'measured' }, `room join ${value} ms`)];
  }

  /** Metric events caused by one parsed data-channel message arriving at `at` (ms, same clock as the others). */
  onMessage(msg: ParsedDataMessage, at: number): NewEvent[] {
    switch (msg.type) {
      case 'bot-ready': {
        if (this.ready) return [];
        this.ready = true;
        const from = this.joinedAt ?? this.joinStarted;
        if (from === null) return [];
        const value = round(at - from);
        return [metricEvent({ name: CONVAI_METRICS.botReady, value, unit: 'ms', source: 'measured' }, `bot ready ${value} ms after joining`)];
      }
      case 'user-stopped-speaking':
        this.userStoppedAt = at;
        return [];
      case 'user-started-speaking':
        this.userStoppedAt = null;
        return [];
      case 'bot-started-speaking': {
        if (this.userStoppedAt === null) return [];
        const value = round(at - this.userStoppedAt);
        this.userStoppedAt = null;
        this.turn++;
        this.turns.push(value);
        return [
          metricEvent(
            { name: STANDARD_METRICS.turnLatency, value, unit: 'ms', turn: this.turn, source: 'measured' },
            `turn ${this.turn}: user stopped → bot started ${value} ms`,
          ),
        ];
      }
      case 'metrics': {
        const m = msg.metrics!;
        const name = CONVAI_METRICS[m.kind];
        const turn = this.turn + (this.userStoppedAt !== null ? 1 : 0) || undefined;
        return m.entries
          .filter((e) => Number.isFinite(e.value))
          .map((e) => {
            const label = `${e.metric ?? e.processor}${e.model ? ` (${e.model})` : ''}`;
            const data: MetricData & { processor: string; model?: string; metric?: string } = {
              name,
              value: e.value,
              unit: m.kind === 'custom' ? 'count' : 's',
              source: 'reported',
              ...(turn ? { turn } : {}),
              processor: e.processor,
              ...(e.model ? { model: e.model } : {}),
              ...(e.metric ? { metric: e.metric } : {}),
            };
            return metricEvent(data, `server ${m.kind} ${label} ${e.value}${m.kind === 'custom' ? '' : ' s'}`);
          });
      }
      default:
        return [];
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
