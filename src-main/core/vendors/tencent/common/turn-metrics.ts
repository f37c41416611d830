/**
 * Per-turn figures of a TRTC AI conversation, keyed by `roundid`: what the bot reported (10020 metrics) next to
 * what the console measured from subtitles (10000), bot state (10001) and the bot's audio. Pure: the caller passes
 * local times in ms.
 *
 * Measured figures are approximations from the client side, and are labelled so:
 * - user end → speaking: the user's final subtitle to the bot's state 3 (speaking);
 * - LLM first token: state 2 (thinking), else the user's final subtitle, to the bot's first subtitle;
 * - TTS first frame: the bot's first subtitle to the first audible bot audio;
 * - turn latency (shared name): the user's final subtitle to the first audible bot audio.
 */
import { STANDARD_METRICS, type MetricData } from '../../../events.ts';
import type { RoomMessage, SubtitleLine } from './room-messages.ts';

export const TENCENT_MEASURED = {
  userEndToSpeaking: 'tencent.user_end_to_speaking_ms',
  llmFirstToken: 'tencent.llm_first_token_measured_ms',
  ttsFirstFrame: 'tencent.tts_first_frame_measured_ms',
  turnLatency: STANDARD_METRICS.turnLatency,
} as const;

/** 10020 metric names as documented; others are kept too. */
export const REPORTED_METRICS = [
  'asr_latency',
  'llm_network_latency',
  'llm_first_token',
  'tts_network_latency',
  'tts_first_frame_latency',
  'tts_discontinuity',
  'interruption',
];

export interface TurnRow {
  turn: number;
  roundid: string;
  userText: string;
  botText: string;
  interrupted: boolean;
  reported: Record<string, number>;
  measured: Partial<Record<keyof typeof TENCENT_MEASURED, number>>;
}

interface Turn {
  row: TurnRow;
  userEnd?: number;
  thinking?: number;
  speaking?: number;
  botSubtitle?: number;
  botAudio?: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export class TurnMetrics {
  private turns = new Map<string, Turn>();
  /** The round whose bot audio is awaited (the latest round that has a user end or a bot state). */
  private current: Turn | null = null;

  private turn(roundid: string): Turn {
    let t = this.turns.get(roundid);
    if (!t) {
      t = { row: { turn: this.turns.size + 1, roundid, userText: '', botText: '', interrupted: false, reported: {}, measured: {} } };
      this.turns.set(roundid, t);
    }
    return t;
  }

  private measure(t: Turn, key: keyof typeof TENCENT_MEASURED, from: number | undefined, to: number | undefined): MetricData[] {
    if (from === undefined || to === undefined || t.row.measured[key] !== undefined || to < from) return [];
    const value = round1(to - from);
    t.row.measured[key] = value;
    return [{ name: TENCENT_MEASURED[key], value, unit: 'ms', turn: t.row.turn, source: 'measured' }];
  }

  subtitle(line: SubtitleLine, at: number): MetricData[] {
    const t = this.turn(line.roundid);
    if (line.speaker === 'user') {
      t.row.userText = line.text;
      if (line.final) {
        t.userEnd = at;
        this.current = t;
      }
      return [];
    }
    t.row.botText = line.text;
    if (t.botSubtitle !== undefined) return [];
    t.botSubtitle = at;
    return this.measure(t, 'llmFirstToken', t.thinking ?? t.userEnd, at);
  }

  state(m: Extract<RoomMessage, { type: 'state' }>, at: number): MetricData[] {
    const t = this.turn(m.roundid);
    this.current = t;
    if (m.state === 2) t.thinking ??= at;
    if (m.state === 4) t.row.interrupted = true;
    if (m.state === 3 && t.speaking === undefined) {
      t.speaking = at;
      return this.measure(t, 'userEndToSpeaking', t.userEnd, at);
    }
    return [];
  }

  reported(m: Extract<RoomMessage, { type: 'metric' }>): MetricData[] {
    const t = this.turn(m.roundid);
    t.row.reported[m.metric] = m.value;
    if (m.metric === 'interruption') t.row.interrupted = true;
    return [
      {
        name: `tencent.${m.metric}`,
        value: m.value,
        unit: m.metric === 'tts_discontinuity' || m.metric === 'interruption' ? 'count' : 'ms',
        turn: t.row.turn,
        source: 'reported',
      },
    ];
  }

  /** The bot's audio became audible (volume above the caller's threshold after silence). */
  botAudio(at: number): MetricData[] {
    const t = this.current;
    if (!t || t.botAudio !== undefined) return [];
    t.botAudio = at;
    return [...this.measure(t, 'ttsFirstFrame', t.botSubtitle, at), ...this.measure(t, 'turnLatency', t.userEnd, at)];
  }

  rows(): TurnRow[] {
    return [...this.turns.values()].map((t) => t.row);
  }
}

export function metricSummary(m: MetricData): string {
  const unit = m.unit === 'count' ? '' : ` ${m.unit}`;
  return `turn ${m.turn ?? '?'} · ${m.name} ${m.value}${unit} (${m.source})`;
}
