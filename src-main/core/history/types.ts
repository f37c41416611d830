/** What history.query takes and returns, shared by the index (worker and CLI), the contract and the renderer. */
import type { SessionState, SessionSummary } from '../events.ts';
import type { TurnInput } from '../workflows/turn.ts';

/**
 * The figures a session can be filtered and sorted by: the standard metric names, and its recognition accuracy
 * (`cer` / `wer` as fractions, over its scored turns: voice/recognition-record.ts).
 */
export const FIGURE_NAMES = ['setup_ms', 'first_server_event_ms', 'first_audio_ms', 'turn_latency_ms', 'bot_audio_s', 'cer', 'wer'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export const SORT_KEYS = ['startedAt', 'durationMs', ...FIGURE_NAMES] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A threshold on one figure: sessions without that figure never match. Bounds are exclusive ("over 1500 ms"). */
export interface FigureFilter {
  name: FigureName;
  over?: number;
  under?: number;
}

export interface HistoryQuery {
  /**
   * Full text over everything recorded: id, vendor, operation, profile, outcome, what the user said and the bot
   * answered, error codes and messages, vendor request ids and every event's kind and summary. Words are ANDed;
   * "double quotes" keep a phrase together. Case-insensitive; Chinese works without spaces.
   */
  text?: string;
  vendor?: string;
  operation?: string;
  profileId?: string;
  target?: 'sandbox' | 'live';
  state?: SessionState;
  /** ISO timestamps bounding startedAt (inclusive). */
  from?: string;
  to?: string;
  /** A vendor or Parley error code the session met, e.g. `414`, `FailedOperation.TaskExist` or just `TaskExist`. */
  errorCode?: string;
  figures?: FigureFilter[];
  /** Newest first by default. */
  sort?: { by: SortKey; dir?: 'asc' | 'desc' };
  /** Default 200. */
  limit?: number;
  offset?: number;
}

/** The figures of a session as stored in the index (milliseconds, bot audio in seconds, CER/WER as fractions). */
export type FigureValues = Partial<Record<FigureName, number>>;

export interface HistoryEntry extends SessionSummary {
  profileName: string | null;
  input?: TurnInput;
  figures?: FigureValues;
  /**
   * With a text query: the events holding the words (those holding all of them, else those holding one): their seq
   * numbers (ascending, at most MAX_MATCH_SEQS), how many there are in all, and the first one's text around the
   * word. Absent when the words matched only the session itself (its id, vendor, profile...).
   */
  matches?: { seqs: number[]; total: number; snippet?: string };
}

export interface IndexStatus {
  /** `indexing`: sessions recorded before this start are still being added (results are partial meanwhile). */
  state: 'ready' | 'indexing' | 'unavailable';
  /** Sessions in the index. */
  sessions: number;
  /** Sessions still to index in the current catch-up, and how many it started with. */
  pending: number;
  total: number;
  /** Why the index was rebuilt at this start (it is rebuilt from the session records). */
  rebuilt?: 'missing' | 'corrupt' | 'old-schema';
  /** Why the index cannot be used (state `unavailable`), in words a user can act on. */
  reason?: string;
  /** Size of the index file on disk. */
  bytes: number;
}

export const DEFAULT_LIMIT = 200;
/** Seq numbers listed per result; `matches.total` says how many more there are. */
export const MAX_MATCH_SEQS = 500;
