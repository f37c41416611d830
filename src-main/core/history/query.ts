/**
 * A history query as SQL over the index, and the matching of its words against event lines.
 *
 * Words of three characters or more go to the trigram full-text table (substring match, any script). One- and
 * two-character words of Chinese (and Japanese, Korean) go to the character / character-pair table. Other short
 * words ("ok", "42") are a LIKE substring test over the stored session text: quick when combined with a longer word
 * or a filter, a scan of the stored text (~60 ms per 100,000 sessions) when alone.
 */
import { FIGURE_NAMES, type FigureName, type HistoryQuery, type SortKey } from './types.ts';
import { isCjk } from './document.ts';

export interface Terms {
  /** Lower-cased words, for matching event lines. */
  all: string[];
  trigram: string[];
  cjk: string[];
  like: string[];
}

const MAX_TERMS = 16;

/** Words of a query text: whitespace-separated, "double quotes" keep a phrase. */
export function parseTerms(text: string | undefined): Terms {
  const terms: Terms = { all: [], trigram: [], cjk: [], like: [] };
  if (!text) return terms;
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"?|(\S+)/g)) {
    const w = (m[1] ?? m[2] ?? '').trim();
    if (w && !words.includes(w)) words.push(w);
  }
  for (const w of words.slice(0, MAX_TERMS)) {
    const lower = w.toLowerCase();
    terms.all.push(lower);
    const length = [...w].length;
    if (length >= 3) terms.trigram.push(w);
    else if (isCjk(w)) terms.cjk.push(w);
    else terms.like.push(lower);
  }
  return terms;
}

const ftsPhrase = (w: string) => `"${w.replace(/"/g, '""')}"`;
const likePattern = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface SqlQuery {
  sql: string;
  params: (string | number | null)[];
}

const SORT_COLUMNS: Record<SortKey, string> = {
  startedAt: 's.n',
  durationMs: 's.duration_ms',
  setup_ms: 's.setup_ms',
  first_server_event_ms: 's.first_server_event_ms',
  first_audio_ms: 's.first_audio_ms',
  turn_latency_ms: 's.turn_latency_ms',
  bot_audio_s: 's.bot_audio_s',
  cer: 's.cer',
  wer: 's.wer',
};

export class QueryError extends Error {
  readonly code = 'BAD_QUERY';
}

/** startedAt bound → the index key (sessions are keyed by their start time in ms). */
function timeBound(field: 'from' | 'to', iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new QueryError(`${field}: expected an ISO date or date-time such as 2026-03-01 or 2026-03-01T09:30:00Z, got "${iso}"`);
  return ms;
}

/**
 * The rows (`columns` of the session `s` and, named, of its document `d`) matching the filters and the indexed text,
 * in the requested order, optionally among some sessions only. Sessions without a document (running ones, searched in
 * memory) are not found by text here.
 */
export function buildQuery(q: HistoryQuery, terms: Terms, limit: number, offset: number, within?: number[], columns = 's.n'): SqlQuery {
  const where: string[] = [];
  const params: (string | number | null)[] = [];
  if (within) where.push(`s.n IN (${within.map(Number).join(',')})`);
  let from = 'sessions s';
  if (terms.trigram.length) {
    from = 'fts f JOIN sessions s ON s.n = f.rowid';
    where.push('fts MATCH ?');
    params.push(terms.trigram.map(ftsPhrase).join(' AND '));
  } else if (terms.cjk.length) {
    from = 'fts_cjk c JOIN sessions s ON s.n = c.rowid';
    where.push('fts_cjk MATCH ?');
    params.push(terms.cjk.map(ftsPhrase).join(' AND '));
  }
  const cjkRest = terms.trigram.length ? terms.cjk : [];
  for (const w of cjkRest) {
    where.push('s.n IN (SELECT rowid FROM fts_cjk WHERE fts_cjk MATCH ?)');
    params.push(ftsPhrase(w));
  }
  for (const w of terms.like) {
    where.push("EXISTS (SELECT 1 FROM docs d WHERE d.n = s.n AND d.text LIKE ? ESCAPE '\\')");
    params.push(likePattern(w));
  }
  for (const col of ['vendor', 'operation', 'target', 'state'] as const) {
    const v = q[col];
    if (v) {
      where.push(`s.${col} = ?`);
      params.push(v);
    }
  }
  if (q.profileId) {
    where.push('s.profile_id = ?');
    params.push(q.profileId);
  }
  if (q.from) {
    where.push('s.n >= ?');
    params.push(timeBound('from', q.from));
  }
  if (q.to) {
    where.push('s.n <= ?');
    params.push(timeBound('to', q.to));
  }
  if (q.errorCode) {
    // A dotted Tencent code is found by its full name or its last part (TaskExist for FailedOperation.TaskExist).
    where.push('s.n IN (SELECT session FROM errors WHERE code = ? OR tail = ?)');
    const code = q.errorCode.toLowerCase();
    params.push(code, code);
  }
  for (const f of q.figures ?? []) {
    if (!(FIGURE_NAMES as readonly string[]).includes(f.name))
      throw new QueryError(`figures: unknown figure "${f.name}" (expected one of ${FIGURE_NAMES.join(', ')})`);
    const col = SORT_COLUMNS[f.name as FigureName];
    if (f.over === undefined && f.under === undefined) throw new QueryError(`figures: ${f.name} needs a bound (over or under)`);
    if (f.over !== undefined) {
      where.push(`${col} > ?`);
      params.push(f.over);
    }
    if (f.under !== undefined) {
      where.push(`${col} < ?`);
      params.push(f.under);
    }
  }
  const by = q.sort?.by ?? 'startedAt';
  const dir = q.sort?.dir === 'asc' ? 'ASC' : 'DESC';
  const col = SORT_COLUMNS[by];
  if (!col) throw new QueryError(`sort: unknown key "${by}"`);
  // Newest first walks the full-text index in key order and stops at the limit; other orders sort the matches.
  // SQLite sorts NULL lowest: descending, sessions without the figure come last by themselves (and the column's
  // index serves the order); ascending needs them moved to the end explicitly.
  const order =
    by === 'startedAt'
      ? `${terms.trigram.length ? 'f.rowid' : terms.cjk.length ? 'c.rowid' : 's.n'} ${dir}`
      : dir === 'DESC'
        ? `${col} DESC, s.n DESC`
        : `${col} IS NULL, ${col} ASC, s.n DESC`;
  const docs = columns.includes('d.') ? ' LEFT JOIN docs d ON d.n = s.n' : '';
  const sql = `SELECT ${columns} FROM ${from}${docs}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ? OFFSET ?`;
  params.push(limit, offset);
  return { sql, params };
}
