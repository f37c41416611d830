/**
 * When the bot is audible at the client: remote audio as it is handed to the player (a track's decoded frames, or
 * data-channel chunks), played back to back from their arrival, with the time of each audible sample on one clock.
 * "Audible" is a sample at or above LEVEL_DB (-45 dBFS, far above a decoder's silence, far below the quietest
 * syllable of the shipped replies). Pure: the headless turn and the benchmark use it alike.
 */
import { amplitudeOfDb } from '../voice/signal.ts';

export const LEVEL_DB = -45;
const THRESHOLD = amplitudeOfDb(LEVEL_DB);

export interface AudibleSpan {
  /** Time of the first audible sample, ms on the caller's clock. */
  start: number;
  /** Time just after the last audible sample so far. */
  end: number;
}

export class AudioMeter {
  private span: AudibleSpan | null = null;
  private readonly spans: AudibleSpan[] = [];
  /** Where playback has reached (what arrives early queues up behind what is playing). */
  private playhead = 0;
  /** Quiet longer than this ends a span (a pause between two answers, not between two words). */
  private readonly gapMs: number;

  constructor(gapMs = 700) {
    this.gapMs = gapMs;
  }

  /**
   * Audio handed to the player at `arrivedAt` (a track's decoded frame, a data-channel chunk): it plays from then, or
   * from when what came before it has played, whichever is later.
   */
  played(samples: Int16Array, sampleRate: number, arrivedAt: number): void {
    const start = Math.max(arrivedAt, this.playhead);
    this.playhead = start + (samples.length * 1000) / sampleRate;
    this.scan(samples, sampleRate, start);
  }

  /** Every audible stretch so far (the current one last). */
  get all(): readonly AudibleSpan[] {
    return this.span ? [...this.spans, this.span] : this.spans;
  }

  /** The first audible sample at or after `from`. */
  firstAfter(from: number): number | null {
    for (const s of this.all) if (s.end > from) return Math.max(s.start, from);
    return null;
  }

  /** The audible stretch that contains or follows `from`. */
  spanAfter(from: number): AudibleSpan | null {
    return this.all.find((s) => s.end > from) ?? null;
  }

  private scan(samples: Int16Array, sampleRate: number, startsAt: number): void {
    const msPer = 1000 / sampleRate;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      if (s < THRESHOLD && s > -THRESHOLD) continue;
      const at = startsAt + i * msPer;
      if (this.span && at - this.span.end <= this.gapMs) this.span.end = at + msPer;
      else {
        if (this.span) this.spans.push(this.span);
        this.span = { start: at, end: at + msPer };
      }
    }
  }
}

/** The first and last audible sample of a recording (the speech in a WAV), as sample offsets; null when silent. */
export function speechBounds(samples: Int16Array): { start: number; end: number } | null {
  let start = -1;
  let end = -1;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s >= THRESHOLD || s <= -THRESHOLD) {
      if (start < 0) start = i;
      end = i + 1;
    }
  }
  return start < 0 ? null : { start, end };
}
