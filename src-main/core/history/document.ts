/**
 * What of a session is searchable: its summary fields, what was said, its error codes and request ids, and one text
 * line per distinct event text (kind + summary + error code + request ids). Identical event texts (thousands of
 * "640 B PCM · turn 1" frames) are one line carrying all their seq numbers, so a 150-event session is ~40 lines.
 */
import type { SessionEvent, SessionSummary } from '../events.ts';
import { sessionFigures, type SessionFigures } from '../workflows/metrics.ts';
import type { FigureValues } from './types.ts';
import { sessionRates } from '../voice/recognition-record.ts';

/** Seq numbers of one line, as ranges; occurrences beyond MAX_RANGES are counted, not listed. */
export class SeqRanges {
  static readonly MAX_RANGES = 1000;
  private ranges: number[] = [];
  total = 0;

  add(seq: number): void {
    this.total++;
    const n = this.ranges.length;
    if (n && this.ranges[n - 1] === seq - 1) this.ranges[n - 1] = seq;
    else if (n < SeqRanges.MAX_RANGES * 2) this.ranges.push(seq, seq);
  }

  /** "11-135,140" (+ "/total" when some occurrences are not listed). */
  toString(): string {
    const parts: string[] = [];
    let listed = 0;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const [a, b] = [this.ranges[i]!, this.ranges[i + 1]!];
      parts.push(a === b ? String(a) : `${a}-${b}`);
      listed += b - a + 1;
    }
    return listed < this.total ? `${parts.join(',')}/${this.total}` : parts.join(',');
  }
}

/** Expand "11-13,20/40" into up to `max` seqs, and the total count. */
export function parseSeqRanges(text: string, max: number): { seqs: number[]; total: number } {
  const [list = '', totalText] = text.split('/');
  const seqs: number[] = [];
  let listed = 0;
  for (const part of list ? list.split(',') : []) {
    const [a, b = a] = part.split('-').map(Number) as [number, number?];
    listed += b - a + 1;
    for (let s = a; s <= b && seqs.length < max; s++) seqs.push(s);
  }
  return { seqs, total: totalText ? Number(totalText) : listed };
}

const MAX_LINE = 2000;
const REQUEST_ID_KEYS = new Set(['requestid', 'request_id', 'x-request-id', 'x-requestid', 'x-amzn-requestid', 'x-tc-requestid']);

/** Request ids anywhere in an event's data (headers, Tencent `Response.RequestId`, NetEase `requestId`), bounded. */
export function requestIdsOf(data: unknown): string[] {
  const found = new Set<string>();
  let budget = 300;
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 4 || budget <= 0) return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (--budget <= 0) return;
      if (typeof child === 'string' && child && child.length <= 200 && REQUEST_ID_KEYS.has(k.toLowerCase())) found.add(child);
      else if (child && typeof child === 'object') walk(child, depth + 1);
    }
  };
  walk(data, 0);
  return [...found];
}

/** The error code an event carries: `error` events (VendorError data) and transport errors (`http.error`). */
export function errorCodeOf(e: SessionEvent): string | undefined {
  if (e.kind !== 'error' && !e.kind.endsWith('.error')) return undefined;
  const d = e.data as { code?: unknown } | undefined;
  return d && typeof d.code === 'string' && d.code ? d.code.slice(0, 120) : undefined;
}

/**
 * Fields of an event's data that hold what was said (the ones the transcript and bot text are read from, plus a
 * turn's recognised text): added to its line when its summary does not show them, so a search for a word the user
 * said leads to the events that carried it (Mindcraft's llm events carry the question in `asr_content`).
 */
const SAID_KEYS = ['text', 'asr_content', 'transcript', 'llm_response', 'bot_text', 'asrText'];

/** The searchable text of one event. */
export function eventLine(e: SessionEvent): string {
  let line = `${e.kind} ${e.summary ?? ''}`;
  const d = e.data;
  if (d && typeof d === 'object' && !Array.isArray(d)) {
    for (const k of SAID_KEYS) {
      const said = (d as Record<string, unknown>)[k];
      if (typeof said === 'string' && said.trim() && said.length <= MAX_LINE && !line.includes(said.trim())) line += ` · ${said.trim()}`;
    }
    const code = errorCodeOf(e);
    const error = d as { message?: unknown; httpStatus?: unknown };
    if (code && !line.includes(code)) line += ` ${code}`;
    if (code && typeof error.message === 'string' && !line.includes(error.message)) line += ` ${error.message}`;
    if (code && typeof error.httpStatus === 'number') line += ` HTTP ${error.httpStatus}`;
    for (const id of requestIdsOf(d)) if (!line.includes(id)) line += ` request ${id}`;
  }
  line = line.replace(/[\r\n]+/g, ' ');
  return line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
}

/** Distinct event lines of a session with their seqs, built event by event (live batches or a whole record). */
export class EventLines {
  readonly lines = new Map<string, SeqRanges>();
  readonly errorCodes = new Set<string>();
  lastSeq = 0;
  /** Events seen (a live session may skip seqs it has already seen). */
  count = 0;
  private readonly maxLines: number;

  constructor(maxLines = Infinity) {
    this.maxLines = maxLines;
  }

  add(e: SessionEvent): void {
    if (e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    this.count++;
    const code = errorCodeOf(e);
    if (code) this.errorCodes.add(code);
    const line = eventLine(e);
    let seqs = this.lines.get(line);
    if (!seqs) {
      if (this.lines.size >= this.maxLines) return;
      seqs = new SeqRanges();
      this.lines.set(line, seqs);
    }
    seqs.add(e.seq);
  }
}

/** One session as the index stores it. */
export interface SessionDocument {
  summary: SessionSummary & Record<string, unknown>;
  profileName: string | null;
  figures: FigureValues;
  errorCodes: string[];
  /** Header lines (summary, what was said, errors), then one line per distinct event text. */
  header: string[];
  lines: string[];
  /** SeqRanges text per event line. */
  seqs: string[];
}

function figureValues(f: SessionFigures): FigureValues {
  const out: FigureValues = {};
  if (f.setupMs) out.setup_ms = f.setupMs.value;
  if (f.firstServerEventMs) out.first_server_event_ms = f.firstServerEventMs.value;
  if (f.firstAudioMs) out.first_audio_ms = f.firstAudioMs.value;
  if (f.turnLatencyMs) out.turn_latency_ms = f.turnLatencyMs.value;
  if (f.botAudioS) out.bot_audio_s = f.botAudioS.value;
  const rates = sessionRates(f.recognition ?? []);
  if (rates.cer !== undefined) out.cer = rates.cer;
  if (rates.wer !== undefined) out.wer = rates.wer;
  return out;
}

/** The index document of a whole session record. */
export function sessionDocument(summary: SessionSummary & Record<string, unknown>, events: SessionEvent[]): SessionDocument {
  const lines = new EventLines();
  for (const e of events) lines.add(e);
  const figures = sessionFigures(events);
  const start = events.find((e) => e.kind === 'session.start')?.data as { profile?: unknown } | undefined;
  const profileName = typeof summary.profileName === 'string' ? summary.profileName : typeof start?.profile === 'string' ? start.profile : null;
  const error = summary.error as { code?: unknown; message?: unknown; requestId?: unknown } | undefined;
  const errorCodes = new Set(lines.errorCodes);
  if (error && typeof error.code === 'string' && error.code) errorCodes.add(error.code.slice(0, 120));
  const header = [
    [summary.id, summary.vendor, summary.operation, profileName ?? '', summary.target, summary.state, summary.outcome ?? ''].join(' '),
    figures.transcript && `user: ${figures.transcript}`,
    figures.botText && `bot: ${figures.botText}`,
    errorCodes.size ? `errors: ${[...errorCodes].join(' ')}` : '',
    error && typeof error.message === 'string' ? error.message : '',
    error && typeof error.requestId === 'string' ? `request ${error.requestId}` : '',
  ]
    .filter(Boolean)
    .map((l) => l.replace(/[\r\n]+/g, ' '));
  return {
    summary,
    profileName,
    figures: figureValues(figures),
    errorCodes: [...errorCodes],
    header,
    lines: [...lines.lines.keys()],
    seqs: [...lines.lines.values()].map((s) => s.toString()),
  };
}

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

/**
 * Chinese (and Japanese, Korean) characters and character pairs of a text, space-separated and deduplicated: the
 * tokens of the second full-text table, which answers 1–2 character words (most Chinese words) that the trigram
 * table cannot. Longer words go to the trigram table.
 */
export function cjkTokens(text: string): string {
  const tokens = new Set<string>();
  for (const [run] of text.matchAll(CJK_RUN)) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      tokens.add(chars[i]!);
      if (i + 1 < chars.length) tokens.add(chars[i]! + chars[i + 1]!);
    }
  }
  return [...tokens].join(' ');
}

export function isCjk(text: string): boolean {
  return text.replace(CJK_RUN, '') === '';
}
