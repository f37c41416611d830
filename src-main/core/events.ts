/** One step of a session, as recorded in `sessions/<id>.ndjson` and shown in the event log. */
export type EventDirection = 'in' | 'out' | 'local';

export interface SessionEvent {
  /** 1-based, strictly increasing within a session. */
  seq: number;
  /** Milliseconds since the session started (monotonic clock). */
  t: number;
  /** Wall-clock ISO timestamp. */
  at: string;
  /**
   * Dotted kind. Shared kinds: session.start, session.end, http.request, http.response,
   * ws.open, ws.frame, ws.binary, ws.close, room.*, audio.chunk, audio.segment, metric, error.
   * Vendors add `<vendor>.<name>` kinds for parsed wire messages.
   */
  kind: string;
  dir: EventDirection;
  summary: string;
  data?: unknown;
}

export type NewEvent = Omit<SessionEvent, 'seq' | 't' | 'at'>;

/** Kinds hidden by default in the log because they arrive many times a second. */
export const NOISY_KINDS: readonly string[] = ['audio.chunk', 'ws.binary'];

export type SessionState = 'running' | 'ended' | 'failed' | 'interrupted';

export interface SessionSummary {
  id: string;
  vendor: string;
  operation: string;
  profileId: string | null;
  target: 'sandbox' | 'live';
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  state: SessionState;
  outcome: string | null;
  eventCount: number;
}

/**
 * `metric` events carry one figure each: `data: MetricData`. Names shared across vendors (so runs can be
 * compared side by side) are in STANDARD_METRICS; vendors may add their own `<vendor>.<name>` figures.
 */
export interface MetricData {
  name: string;
  value: number;
  unit: 'ms' | 's' | 'count' | 'ratio';
  /** 1-based turn number within the session, when the figure belongs to a turn. */
  turn?: number;
  /** `reported` by the vendor (TRTC 10020, Convai debug metrics) or `measured` by Parley. */
  source: 'reported' | 'measured';
}

export const STANDARD_METRICS = {
  /** Control-plane call or socket open + auth, until the session can take input. */
  setup: 'setup_ms',
  /** Session start to the first event received from the vendor. */
  firstServerEvent: 'first_server_event_ms',
  /** Start of the first turn (the user's first speech frame, upload or text) to the first bot audio available. */
  firstAudio: 'first_audio_ms',
  /** End of the user's speech (upload stop / user-stopped-speaking / final user subtitle) to the first bot audio. */
  turnLatency: 'turn_latency_ms',
  /** Total seconds of bot audio in the session. */
  botAudio: 'bot_audio_s',
} as const;

/** A vendor error in one line, as the log and the CLI show it: `code · message · request <id>`. */
export function vendorErrorLine(error: { code: string; message: string; requestId?: string }): string {
  return [error.code, error.message, error.requestId && `request ${error.requestId}`].filter(Boolean).join(' · ');
}
