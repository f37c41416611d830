/**
 * Room-side figures for a NetEase session, measured by the console: join time, first caption, and per turn the
 * time from the user's final caption to the bot's first caption. Pure: times are given by the caller (ms).
 * Bot captions are ASR of the bot's own TTS, so the turn figure is an upper bound of the audio turn latency.
 */
import type { MetricData } from '../../../events.ts';
import type { ParsedCaption } from './room-events.ts';

export const NETEASE_METRICS = {
  join: 'netease.join_ms',
  firstCaption: 'netease.first_caption_ms',
  captionTurn: 'netease.caption_turn_ms',
} as const;

const measured = (name: string, value: number, turn?: number): MetricData => ({
  name,
  value: Math.round(value * 10) / 10,
  unit: 'ms',
  source: 'measured',
  ...(turn ? { turn } : {}),
});

export class RoomMetrics {
  private joinStart: number | null = null;
  private joinedAt: number | null = null;
  private firstCaptionSeen = false;
  private userEndedAt: number | null = null;
  private turn = 0;

  joinStarted(t: number): void {
    this.joinStart = t;
  }

  joined(t: number): MetricData | null {
    this.joinedAt = t;
    return this.joinStart === null ? null : measured(NETEASE_METRICS.join, t - this.joinStart);
  }

  /** Figures completed by this caption (zero, one or two). */
  caption(c: ParsedCaption, t: number): MetricData[] {
    const out: MetricData[] = [];
    if (!this.firstCaptionSeen && this.joinedAt !== null) {
      this.firstCaptionSeen = true;
      out.push(measured(NETEASE_METRICS.firstCaption, t - this.joinedAt));
    }
    if (c.speaker === 'user' && c.isFinal) this.userEndedAt = t;
    else if (c.speaker === 'bot' && this.userEndedAt !== null) {
      this.turn += 1;
      out.push(measured(NETEASE_METRICS.captionTurn, t - this.userEndedAt, this.turn));
      this.userEndedAt = null;
    }
    return out;
  }
}

export function metricSummary(m: MetricData): string {
  const label =
    m.name === NETEASE_METRICS.join
      ? 'join'
      : m.name === NETEASE_METRICS.firstCaption
        ? 'first caption'
        : m.name === NETEASE_METRICS.captionTurn
          ? `turn ${m.turn}: user caption end → bot caption`
          : m.name;
  return `${label} ${Math.round(m.value)} ${m.unit}`;
}
