import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync, renameSync } from 'node:fs';
import type { SessionEvent, SessionSummary } from '../events.ts';
import { setAside, type Notices } from '../notices.ts';
import { join } from 'node:path';
import { assertId, confined, FileRefusedError, isId, MiB, PathRefusedError, readRegularFile } from '../paths.ts';

/** Records are read whole; a file larger than this is not a record Parley wrote (or the user must split it). */
const MAX_RECORD_BYTES = 1024 * MiB;
const MAX_SUMMARY_BYTES = 64 * MiB;

/** Events are on disk at most this long after they happen (the crash-safety promise). */
export const FLUSH_INTERVAL_MS = 100;

/**
 * Append-only NDJSON record of one session. Lines are buffered and written with a synchronous write every
 * FLUSH_INTERVAL_MS and at close, so a killed process loses at most that window.
 */
export class EventWriter {
  private fd: number;
  private pending: string[] = [];
  private timer: NodeJS.Timeout;

  readonly file: string;

  constructor(file: string) {
    this.file = file;
    this.fd = openSync(file, 'a');
    this.timer = setInterval(() => this.flushInBackground(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Why the last background flush failed (a full disk), or null; the lines are kept and written by the next flush. */
  lastError: string | null = null;

  private flushInBackground(): void {
    try {
      this.flush();
      this.lastError = null;
    } catch (err) {
      // A timer callback that throws ends the process: every session with it.
      this.lastError = (err as Error).message;
    }
  }

  append(event: SessionEvent): void {
    this.pending.push(JSON.stringify(event));
  }

  /** Append an event already serialised as one JSON line (no newline). */
  appendLine(line: string): void {
    this.pending.push(line);
  }

  flush(): void {
    if (this.pending.length === 0 || this.fd < 0) return;
    const text = this.pending.join('\n') + '\n';
    writeSync(this.fd, text);
    this.pending = [];
  }

  close(): void {
    clearInterval(this.timer);
    try {
      this.flush();
    } finally {
      if (this.fd >= 0) closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** An event line Parley can use: an object with a numeric seq and t, a kind and a summary. */
export function isEvent(v: unknown): v is SessionEvent {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return typeof e.seq === 'number' && typeof e.t === 'number' && typeof e.kind === 'string' && typeof e.summary === 'string';
}

/** Parse NDJSON event lines. A torn last line (crash mid-write), `null` or any line that is not an event is counted, never thrown. */
export function parseEventLines(text: string): { events: SessionEvent[]; badLines: number } {
  const events: SessionEvent[] = [];
  let badLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e: unknown = JSON.parse(line);
      if (isEvent(e)) events.push(e);
      else badLines++;
    } catch {
      badLines++;
    }
  }
  return { events, badLines };
}

/** Read a session record (see parseEventLines). A missing record is an empty one. */
export function readEvents(file: string): { events: SessionEvent[]; badLines: number } {
  return parseEventLines(readRecordText(file));
}

/** The text of a record file, '' when there is none; only regular files are read. */
export function readRecordText(file: string): string {
  if (!existsSync(file)) return '';
  return readRegularFile(file, MAX_RECORD_BYTES, 'session record').toString('utf8');
}

const STATES = new Set(['running', 'ended', 'failed', 'interrupted']);

/** A stored summary Parley can list: the fields every view relies on, with the right types. */
export function isSummary(v: unknown, id: string): v is SessionSummary & Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const s = v as Record<string, unknown>;
  const stringOrNull = (v: unknown) => v === undefined || v === null || typeof v === 'string';
  const numberOrNull = (v: unknown) => v === undefined || v === null || typeof v === 'number';
  return (
    s.id === id &&
    typeof s.vendor === 'string' &&
    typeof s.operation === 'string' &&
    typeof s.startedAt === 'string' &&
    typeof s.state === 'string' &&
    STATES.has(s.state) &&
    (s.target === 'sandbox' || s.target === 'live') &&
    stringOrNull(s.profileId) &&
    stringOrNull(s.endedAt) &&
    stringOrNull(s.outcome) &&
    numberOrNull(s.durationMs) &&
    numberOrNull(s.eventCount) &&
    (s.payload === undefined || (!!s.payload && typeof s.payload === 'object' && !Array.isArray(s.payload))) &&
    (s.input === undefined || (!!s.input && typeof s.input === 'object'))
  );
}

/**
 * The folder holding `<id>.ndjson`, `<id>.json` (summary) and `<id>/` (audio and other artifacts). Every path is built
 * from an id (ID_PATTERN) through confined(), so no id reaches outside the folder, links included.
 */
export class SessionDirectory {
  readonly dir: string;
  private readonly notices: Notices | undefined;

  constructor(dir: string, notices?: Notices) {
    this.dir = dir;
    this.notices = notices;
    mkdirSync(dir, { recursive: true });
  }

  eventsFile(id: string): string {
    return confined(this.dir, `${assertId(id, 'session id')}.ndjson`);
  }

  /** The artifacts folder of a session, created for writing. */
  artifactsDir(id: string): string {
    const d = confined(this.dir, assertId(id, 'session id'));
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** Where a session's artifact is (or would be); nothing is created. */
  artifactFile(id: string, name: string): string {
    return confined(this.dir, assertId(id, 'session id'), name);
  }

  private summaryFile(id: string): string {
    return confined(this.dir, `${assertId(id, 'session id')}.json`);
  }

  writeSummary(summary: SessionSummary & Record<string, unknown>): void {
    const file = this.summaryFile(summary.id);
    writeFileSync(file + '.tmp', JSON.stringify(summary, null, 2));
    renameSync(file + '.tmp', file);
  }

  /** A session's stored summary, or null when there is none or it cannot be used (it is then set aside, once). */
  readSummary(id: string): (SessionSummary & Record<string, unknown>) | null {
    if (!isId(id)) return null;
    const file = this.summaryFile(id);
    if (!existsSync(file)) return null;
    let value: unknown;
    try {
      value = JSON.parse(readRegularFile(file, MAX_SUMMARY_BYTES, `${id}.json`).toString('utf8'));
    } catch {
      value = undefined;
    }
    if (isSummary(value, id)) return value;
    setAside(file, value === undefined ? 'not-json' : 'wrong-shape', this.notices);
    return null;
  }

  /**
   * Every recorded session. One left `running` by a process that is gone is reported as `interrupted`. A summary
   * that cannot be used (a stray or damaged `.json`) is set aside and reported; the others are listed.
   */
  list(live: Set<string>): (SessionSummary & Record<string, unknown>)[] {
    const out: (SessionSummary & Record<string, unknown>)[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -5);
      try {
        if (!isId(id)) throw new PathRefusedError(`${name}: not a session record name`);
        const s = this.readSummary(id);
        if (!s) continue;
        if (s.state === 'running' && !live.has(s.id)) {
          const { events } = readEvents(this.eventsFile(s.id));
          const marked = interruptedSummary(s, events.length, events.length ? events[events.length - 1]!.t : 0);
          this.writeSummary(marked);
          out.push(marked);
        } else out.push(s);
      } catch (err) {
        // A stray name, a link out of the folder, a pipe where a record should be: set aside, the rest is listed.
        if (!(err instanceof PathRefusedError || err instanceof FileRefusedError)) throw err;
        setAside(join(this.dir, name), 'not-a-file', this.notices);
      }
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}

/** A summary still marked running whose process is gone: interrupted, with what its record holds. */
export function interruptedSummary<S extends SessionSummary>(s: S, eventCount: number, durationMs: number): S {
  return { ...s, state: 'interrupted', outcome: 'interrupted: the app stopped while this session was running', eventCount, durationMs };
}
