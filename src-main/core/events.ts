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
