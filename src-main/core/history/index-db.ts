/**
 * The history index: an SQLite file (`history.sqlite` in the data folder, WAL mode) with one row per session, its
 * searchable text in two full-text tables (trigram, and Chinese characters / pairs), and its error codes.
 *
 * It is derived data: the session records (sessions/<id>.json + <id>.ndjson) are the truth, and an index that is
 * missing, not a database, damaged or of an older schema is set aside and built again from them. This class is
 * synchronous (node:sqlite): the app runs it in a worker thread, the CLI and the benchmarks directly.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { SessionSummary } from '../events.ts';
import type { TurnInput } from '../workflows/turn.ts';
import { cjkTokens, parseSeqRanges, type EventLines, type SessionDocument } from './document.ts';
import { buildQuery, parseTerms, type Terms } from './query.ts';
import { DEFAULT_LIMIT, FIGURE_NAMES, MAX_MATCH_SEQS, type FigureValues, type HistoryEntry, type HistoryQuery } from './types.ts';

/** Bump when the tables or what is indexed change: an index of another version is rebuilt from the records. */
export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE sessions (
  n INTEGER PRIMARY KEY,            -- start time in ms (made unique): newest first is key order
  id TEXT NOT NULL UNIQUE,
  vendor TEXT NOT NULL,
  operation TEXT NOT NULL,
  profile_id TEXT,
  profile_name TEXT,
  target TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  duration_ms REAL,
  state TEXT NOT NULL,
  outcome TEXT,
  event_count INTEGER NOT NULL,
  input TEXT,
  setup_ms REAL, first_server_event_ms REAL, first_audio_ms REAL, turn_latency_ms REAL, bot_audio_s REAL, cer REAL, wer REAL
);
CREATE INDEX sessions_vendor ON sessions (vendor, n);
CREATE INDEX sessions_state ON sessions (state, n);
-- Sorting by a figure or the duration walks one of these (descending puts sessions without the figure last).
CREATE INDEX sessions_duration ON sessions (duration_ms);
CREATE INDEX sessions_setup ON sessions (setup_ms);
CREATE INDEX sessions_first_server_event ON sessions (first_server_event_ms);
CREATE INDEX sessions_first_audio ON sessions (first_audio_ms);
CREATE INDEX sessions_turn_latency ON sessions (turn_latency_ms);
CREATE INDEX sessions_bot_audio ON sessions (bot_audio_s);
CREATE INDEX sessions_cer ON sessions (cer);
CREATE INDEX sessions_wer ON sessions (wer);
-- The searchable text (header lines, then event lines) and, per event line, its seq numbers.
CREATE TABLE docs (n INTEGER PRIMARY KEY, text TEXT NOT NULL, header_lines INTEGER NOT NULL, seqs TEXT NOT NULL);
CREATE TABLE errors (session INTEGER NOT NULL, code TEXT NOT NULL, tail TEXT NOT NULL);
CREATE INDEX errors_session ON errors (session);
CREATE INDEX errors_code ON errors (code);
CREATE INDEX errors_tail ON errors (tail);
CREATE VIRTUAL TABLE fts USING fts5 (text, content='', contentless_delete=1, tokenize='trigram');
CREATE VIRTUAL TABLE fts_cjk USING fts5 (text, content='', contentless_delete=1, detail='none');
`;

const TABLES = ['sessions', 'docs', 'errors', 'fts', 'fts_cjk'];

export type RebuildReason = 'missing' | 'corrupt' | 'old-schema';

/** SQLITE_CORRUPT / SQLITE_NOTADB (primary codes of node:sqlite's errcode). */
export function isCorruption(err: unknown): boolean {
  const code = (err as { errcode?: unknown }).errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

/** A live session's text, searched in memory until it ends and its record is indexed. */
export interface LiveText {
  n: number;
  header: string;
  lines: EventLines;
}

type Row = Record<string, string | number | null>;

/** A result row with its document, for the matching events. */
const ROW_AND_DOC = 's.*, d.text AS doc_text, d.header_lines AS doc_header_lines, d.seqs AS doc_seqs';

export class HistoryIndexDb {
  readonly file: string;
  /** Why this open started from an empty index (the catch-up then indexes every record). */
  readonly rebuilt: RebuildReason | undefined;
  private db: DatabaseSync;
  private statements = new Map<string, StatementSync>();

  private constructor(file: string, db: DatabaseSync, rebuilt: RebuildReason | undefined) {
    this.file = file;
    this.db = db;
    this.rebuilt = rebuilt;
  }

  /**
   * Open the index, creating it when missing. One that is not a database, fails its check or has another schema
   * version is set aside (`<file>.corrupt`, kept for a bug report; an old schema is simply deleted) and recreated.
   */
  static open(file: string): HistoryIndexDb {
    let rebuilt: RebuildReason | undefined = existsSync(file) ? undefined : 'missing';
    if (!rebuilt) {
      const verdict = check(file);
      if (verdict) {
        setAside(file, verdict);
        rebuilt = verdict;
      }
    }
    const db = connect(file);
    if (rebuilt) {
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    }
    return new HistoryIndexDb(file, db, rebuilt);
  }

  /** After a corruption error at run time: set the file aside and start an empty index. */
  reset(): HistoryIndexDb {
    this.close();
    setAside(this.file, 'corrupt');
    return HistoryIndexDb.open(this.file);
  }

  close(): void {
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Every indexed session id with its state and whether its text is indexed. */
  indexed(): Map<string, { state: string; hasDoc: boolean }> {
    const out = new Map<string, { state: string; hasDoc: boolean }>();
    for (const r of this.stmt('SELECT s.id, s.state, d.n IS NOT NULL AS has_doc FROM sessions s LEFT JOIN docs d ON d.n = s.n').all() as Row[])
      out.set(String(r.id), { state: String(r.state), hasDoc: !!r.has_doc });
    return out;
  }

  count(): number {
    return Number((this.stmt('SELECT count(*) AS c FROM sessions').get() as Row).c);
  }

  bytes(): number {
    let total = 0;
    for (const f of [this.file, `${this.file}-wal`]) total += existsSync(f) ? statSync(f).size : 0;
    return total;
  }

  /** Fold the write-ahead log into the file (after a large build), so `bytes()` is the index's own size. */
  checkpoint(): void {
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  keyOf(id: string): number | undefined {
    const r = this.stmt('SELECT n FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r ? Number(r.n) : undefined;
  }

  /** The key of a session: its start time in ms, moved on by 1 ms while another session holds it. */
  private claimKey(id: string, startedAt: string): number {
    const existing = this.keyOf(id);
    if (existing !== undefined) return existing;
    let n = Date.parse(startedAt);
    if (!Number.isFinite(n)) n = 0;
    while (this.stmt('SELECT 1 FROM sessions WHERE n = ?').get(n)) n++;
    return n;
  }

  private writeRow(n: number, s: SessionSummary & Record<string, unknown>, profileName: string | null, figures: FigureValues): void {
    const input = s.input && typeof s.input === 'object' ? JSON.stringify(s.input) : null;
    this.stmt(
      `INSERT INTO sessions (n, id, vendor, operation, profile_id, profile_name, target, started_at, ended_at, duration_ms, state, outcome, event_count, input, ${FIGURE_NAMES.join(', ')})
       VALUES (${Array(14 + FIGURE_NAMES.length)
         .fill('?')
         .join(', ')})
       ON CONFLICT (n) DO UPDATE SET vendor = excluded.vendor, operation = excluded.operation, profile_id = excluded.profile_id, profile_name = excluded.profile_name,
         target = excluded.target, started_at = excluded.started_at, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, state = excluded.state,
         outcome = excluded.outcome, event_count = excluded.event_count, input = excluded.input,
         ${FIGURE_NAMES.map((f) => `${f} = excluded.${f}`).join(', ')}`,
    ).run(
      n,
      s.id,
      s.vendor,
      s.operation,
      s.profileId ?? null,
      profileName,
      s.target,
      s.startedAt,
      s.endedAt ?? null,
      s.durationMs ?? null,
      s.state,
      s.outcome ?? null,
      s.eventCount ?? 0,
      input,
      ...FIGURE_NAMES.map((f) => figures[f] ?? null),
    );
  }

  private dropText(n: number): void {
    if (!this.stmt('SELECT 1 FROM docs WHERE n = ?').get(n)) return;
    this.stmt('DELETE FROM docs WHERE n = ?').run(n);
    this.stmt('DELETE FROM fts WHERE rowid = ?').run(n);
    this.stmt('DELETE FROM fts_cjk WHERE rowid = ?').run(n);
    this.stmt('DELETE FROM errors WHERE session = ?').run(n);
  }

  /** Index (or re-index) a whole session. */
  put(doc: SessionDocument): number {
    const s = doc.summary;
    const n = this.claimKey(s.id, s.startedAt);
    this.writeRow(n, s, doc.profileName, doc.figures);
    this.dropText(n);
    const text = [...doc.header, ...doc.lines].join('\n');
    this.stmt('INSERT INTO docs (n, text, header_lines, seqs) VALUES (?, ?, ?, ?)').run(n, text, doc.header.length, JSON.stringify(doc.seqs));
    this.stmt('INSERT INTO fts (rowid, text) VALUES (?, ?)').run(n, text);
    const cjk = cjkTokens(text);
    if (cjk) this.stmt('INSERT INTO fts_cjk (rowid, text) VALUES (?, ?)').run(n, cjk);
    for (const code of doc.errorCodes) {
      const lower = code.toLowerCase();
      this.stmt('INSERT INTO errors (session, code, tail) VALUES (?, ?, ?)').run(n, lower, lower.slice(lower.lastIndexOf('.') + 1));
    }
    return n;
  }

  /** A running session: its row (for filters and lists); its text is searched in memory (LiveText). */
  putRunning(s: SessionSummary & Record<string, unknown>, profileName: string | null): number {
    const n = this.claimKey(s.id, s.startedAt);
    this.writeRow(n, s, profileName, {});
    return n;
  }

  setEventCount(n: number, count: number): void {
    this.stmt('UPDATE sessions SET event_count = ? WHERE n = ? AND event_count < ?').run(count, n, count);
  }

  remove(id: string): void {
    const n = this.keyOf(id);
    if (n === undefined) return;
    this.dropText(n);
    this.stmt('DELETE FROM sessions WHERE n = ?').run(n);
  }

  /** The indexed entry of one session. */
  entry(id: string): HistoryEntry | undefined {
    const r = this.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r && entryOf(r);
  }

  /**
   * Sessions matching a query, in its order, each with the events its words are found in. `live` are the
   * running sessions' texts (not yet in the full-text tables).
   */
  query(q: HistoryQuery, live: Iterable<LiveText> = []): HistoryEntry[] {
    const terms = parseTerms(q.text);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.offset ?? 0;
    const columns = terms.all.length ? ROW_AND_DOC : 's.*';
    let rows: Row[];
    if ((q.sort?.by ?? 'startedAt') === 'startedAt') {
      // Key order: the index is walked once up to the limit, rows and documents read on the way.
      const { sql, params } = buildQuery(q, terms, limit + offset, 0, undefined, columns);
      rows = this.stmt(sql).all(...params) as Row[];
    } else {
      // Another order sorts every match: sort keys only, then read the rows of the page.
      const { sql, params } = buildQuery(q, terms, limit + offset, 0);
      const keys = (this.stmt(sql).all(...params) as Row[]).map((r) => Number(r.n));
      const docs = terms.all.length ? ' LEFT JOIN docs d ON d.n = s.n' : '';
      const byKey = new Map(
        keys.length
          ? (this.db.prepare(`SELECT ${columns} FROM sessions s${docs} WHERE s.n IN (${keys.join(',')})`).all() as Row[]).map((r) => [Number(r.n), r])
          : [],
      );
      rows = keys.map((n) => byKey.get(n)).filter((r): r is Row => !!r);
    }
    const liveHits = new Map<number, LiveText>();
    if (terms.all.length) {
      const byKey = new Map([...live].map((l) => [l.n, l]));
      if (byKey.size) {
        // Filters in SQL over just the running sessions' rows, the words in memory.
        const filters = buildQuery({ ...q, text: undefined }, parseTerms(undefined), byKey.size, 0, [...byKey.keys()], 's.*');
        const seen = new Set(rows.map((r) => Number(r.n)));
        const extra: Row[] = [];
        for (const r of this.db.prepare(filters.sql).all(...filters.params) as Row[]) {
          const l = byKey.get(Number(r.n))!;
          if (!liveHolds(l, terms)) continue;
          liveHits.set(l.n, l);
          if (!seen.has(l.n)) extra.push(r);
        }
        if (extra.length) {
          const by = q.sort?.by ?? 'startedAt';
          const dir = q.sort?.dir === 'asc' ? 1 : -1;
          // Running sessions have no figures yet: in any other order they come last.
          rows = by === 'startedAt' ? [...rows, ...extra].sort((a, b) => dir * (Number(a.n) - Number(b.n))) : [...rows, ...extra];
        }
      }
    }
    const out: HistoryEntry[] = [];
    for (const r of rows.slice(offset, offset + limit)) {
      const e = entryOf(r);
      const live = liveHits.get(Number(r.n));
      const m =
        typeof r.doc_text === 'string'
          ? docMatches(r.doc_text, Number(r.doc_header_lines), String(r.doc_seqs), terms)
          : live
            ? liveMatches(live, terms)
            : undefined;
      if (m) e.matches = m;
      out.push(e);
    }
    return out;
  }

  /** The newest sessions (what the sidebar lists). */
  recent(limit: number): HistoryEntry[] {
    return (this.stmt('SELECT * FROM sessions ORDER BY n DESC LIMIT ?').all(limit) as Row[]).map(entryOf);
  }
}

function liveHolds(l: LiveText, terms: Terms): boolean {
  const header = l.header.toLowerCase();
  return terms.all.every((t) => {
    if (header.includes(t)) return true;
    for (const line of l.lines.lines.keys()) if (line.toLowerCase().includes(t)) return true;
    return false;
  });
}

function collect(found: { seqs: number[]; total: number }, ranges: string): void {
  const { seqs, total } = parseSeqRanges(ranges, MAX_MATCH_SEQS);
  found.total += total;
  for (const s of seqs) if (found.seqs.length < MAX_MATCH_SEQS * 4) found.seqs.push(s);
}

function finish(found: { seqs: number[]; total: number }): Matches | undefined {
  if (!found.total) return undefined;
  return { seqs: found.seqs.sort((a, b) => a - b).slice(0, MAX_MATCH_SEQS), total: found.total };
}

type Matches = NonNullable<HistoryEntry['matches']>;

/**
 * The events a result links to: those holding every word, else those holding one of them. `lines` and `lower` are
 * the event lines and the same lines lower-cased; `ranges(i)` the seqs of line i.
 */
function matchingLines(lines: string[], lower: string[], ranges: (i: number) => string, terms: Terms): Matches | undefined {
  const every: number[] = [];
  const any: number[] = [];
  for (let i = 0; i < lower.length; i++) {
    let all = true;
    let one = false;
    for (const t of terms.all) {
      if (lower[i]!.includes(t)) one = true;
      else all = false;
    }
    if (all) every.push(i);
    else if (one) any.push(i);
  }
  const chosen = every.length ? every : any;
  if (!chosen.length) return undefined;
  const found = { seqs: [] as number[], total: 0 };
  for (const i of chosen) collect(found, ranges(i));
  const m = finish(found);
  if (m) m.snippet = snippet(lines[chosen[0]!]!, lower[chosen[0]!]!, terms);
  return m;
}

const SNIPPET = 160;
const SNIPPET_LEAD = 40;

/** The first matching event's text from a little before the first word found in it (narrow columns show the word). */
function snippet(text: string, lower: string, terms: Terms): string {
  const at = Math.max(0, Math.min(...terms.all.map((t) => lower.indexOf(t)).filter((i) => i >= 0)));
  let start = at <= SNIPPET_LEAD ? 0 : at - SNIPPET_LEAD;
  // Start at a word where there is one close by.
  const space = start ? text.indexOf(' ', start) : -1;
  if (space >= 0 && space < at) start = space + 1;
  const end = Math.min(text.length, start + SNIPPET);
  return `${start ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

function docMatches(text: string, headerLines: number, seqsJson: string, terms: Terms): Matches | undefined {
  // Lower-casing keeps the line breaks, so the two splits line up.
  const lines = text.split('\n').slice(headerLines);
  const lower = text.toLowerCase().split('\n').slice(headerLines);
  let seqs: string[] | undefined;
  return matchingLines(lines, lower, (i) => (seqs ??= JSON.parse(seqsJson) as string[])[i] ?? '', terms);
}

function liveMatches(l: LiveText, terms: Terms): Matches | undefined {
  const lines = [...l.lines.lines.keys()];
  const ranges = [...l.lines.lines.values()];
  return matchingLines(
    lines,
    lines.map((x) => x.toLowerCase()),
    (i) => ranges[i]!.toString(),
    terms,
  );
}

function entryOf(r: Row): HistoryEntry {
  const figures: FigureValues = {};
  for (const f of FIGURE_NAMES) if (r[f] !== null && r[f] !== undefined) figures[f] = Number(r[f]);
  const e: HistoryEntry = {
    id: String(r.id),
    vendor: String(r.vendor),
    operation: String(r.operation),
    profileId: r.profile_id === null ? null : String(r.profile_id),
    target: r.target === 'live' ? 'live' : 'sandbox',
    startedAt: String(r.started_at),
    endedAt: r.ended_at === null ? null : String(r.ended_at),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    state: String(r.state) as HistoryEntry['state'],
    outcome: r.outcome === null ? null : String(r.outcome),
    eventCount: Number(r.event_count),
    profileName: r.profile_name === null ? null : String(r.profile_name),
    figures,
  };
  if (typeof r.input === 'string') e.input = JSON.parse(r.input) as TurnInput;
  return e;
}

function connect(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000');
  return db;
}

/** Why an existing index file cannot be used as it is, or undefined when it can. */
function check(file: string): RebuildReason | undefined {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { timeout: 5000 });
    const version = Number((db.prepare('PRAGMA user_version').get() as Row).user_version);
    if (version !== SCHEMA_VERSION) return 'old-schema';
    // Structure check of the small tables and the full-text indexes' own metadata. Damage deeper in a large file
    // is met as SQLITE_CORRUPT when read, and handled the same way (set aside, rebuilt).
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]).map((r) => String(r.name)));
    if (!TABLES.every((t) => tables.has(t))) return 'corrupt';
    db.prepare('SELECT count(*) FROM sessions').get();
    db.prepare('SELECT count(*) FROM docs').get();
    db.prepare('SELECT count(*) FROM errors').get();
    db.prepare("SELECT rowid FROM fts WHERE fts MATCH 'parley' LIMIT 1").all();
    db.prepare("SELECT rowid FROM fts_cjk WHERE fts_cjk MATCH '天' LIMIT 1").all();
    return undefined;
  } catch (err) {
    if (isCorruption(err) || /no such table|malformed/i.test((err as Error).message)) return 'corrupt';
    throw err;
  } finally {
    if (db?.isOpen) db.close();
  }
}

function setAside(file: string, reason: RebuildReason): void {
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  if (reason === 'corrupt') renameSync(file, `${file}.corrupt`);
  else rmSync(file, { force: true });
}
