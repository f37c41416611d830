import type { MetricData } from '../../events.ts';

export type TurnState = 'uploading' | 'waiting' | 'answering' | 'done' | 'interrupted' | 'failed';
export type TurnMilestone = 'asr' | 'llm' | 'tts' | 'audio_ready';

/** Metric names of a turn, each measured from the turn's reference point (upload stop, or text sent). */
export const TURN_METRICS: Record<TurnMilestone, string> = {
  asr: 'mindcraft.first_asr_ms',
  llm: 'mindcraft.first_llm_ms',
  tts: 'mindcraft.first_tts_ms',
  audio_ready: 'mindcraft.first_audio_ready_ms',
};
/** Upload stop → first audible audio: measured by the renderer's player and recorded with session.record. */
export const AUDIBLE_METRIC = 'turn_latency_ms';
export const BOT_AUDIO_METRIC = 'bot_audio_s';

export interface TurnSegment {
  zIndex: number;
  text?: string;
  url?: string;
  audioSeconds?: number;
  file?: string;
  error?: string;
}

export interface TurnReport {
  turn: number;
  kind: 'voice' | 'text';
  state: TurnState;
  asrText?: string;
  emotion?: string;
  uploadSeconds: number;
  /** ms from the reference point; null when it never happened. */
  metrics: { firstAsrMs: number | null; firstLlmMs: number | null; firstTtsMs: number | null; firstAudioReadyMs: number | null; botAudioSeconds: number };
  reference: 'upload_stop' | 'text_sent' | null;
  segments: TurnSegment[];
  userAudioFile?: string;
  error?: { code: string; message: string };
}

/** One question and answer: what was uploaded, what came back, and when (monotonic ms). */
export class Turn {
  readonly number: number;
  readonly kind: 'voice' | 'text';
  state: TurnState;
  /** performance.now() of upload stop (voice) or of the start message (text). */
  reference: number | null = null;
  asrText?: string;
  emotion?: string;
  error?: { code: string; message: string };
  userAudioFile?: string;
  uploadSamples = 0;
  uploadRate = 16000;
  readonly upload: Int16Array[] = [];
  readonly segments = new Map<number, TurnSegment>();
  readonly fetches: Promise<void>[] = [];
  private readonly firsts = new Map<TurnMilestone, number>();

  /** performance.now() when the turn began: its first speech frame, or its text sent. */
  readonly startedAt: number;

  constructor(number: number, kind: 'voice' | 'text', now: number) {
    this.number = number;
    this.kind = kind;
    this.startedAt = now;
    this.state = kind === 'voice' ? 'uploading' : 'waiting';
    if (kind === 'text') this.reference = now;
  }

  get active(): boolean {
    return this.state === 'uploading' || this.state === 'waiting' || this.state === 'answering';
  }

  segment(zIndex: number): TurnSegment {
    let s = this.segments.get(zIndex);
    if (!s) this.segments.set(zIndex, (s = { zIndex }));
    return s;
  }

  /** Record a milestone; returns the metric the first time it happens after the reference point. */
  observe(milestone: TurnMilestone, now: number): MetricData | null {
    if (this.reference === null || this.firsts.has(milestone)) return null;
    const ms = Math.round((now - this.reference) * 10) / 10;
    this.firsts.set(milestone, ms);
    return { name: TURN_METRICS[milestone], value: ms, unit: 'ms', turn: this.number, source: 'measured' };
  }

  botAudioSeconds(): number {
    let total = 0;
    for (const s of this.segments.values()) total += s.audioSeconds ?? 0;
    return Math.round(total * 100) / 100;
  }

  report(): TurnReport {
    const f = (m: TurnMilestone) => this.firsts.get(m) ?? null;
    return {
      turn: this.number,
      kind: this.kind,
      state: this.state,
      asrText: this.asrText,
      emotion: this.emotion,
      uploadSeconds: Math.round((this.uploadSamples / this.uploadRate) * 1000) / 1000,
      metrics: {
        firstAsrMs: f('asr'),
        firstLlmMs: f('llm'),
        firstTtsMs: f('tts'),
        firstAudioReadyMs: f('audio_ready'),
        botAudioSeconds: this.botAudioSeconds(),
      },
      reference: this.reference === null ? null : this.kind === 'voice' ? 'upload_stop' : 'text_sent',
      segments: [...this.segments.values()].sort((a, b) => a.zIndex - b.zIndex),
      userAudioFile: this.userAudioFile,
      error: this.error,
    };
  }
}
