import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEvent, SessionSummary } from '../events.ts';

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
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
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
    this.pending = [];
    writeSync(this.fd, text);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Read a session record. A torn last line (crash mid-write) is skipped; other bad lines are reported, not thrown. */
export function readEvents(file: string): { events: SessionEvent[]; badLines: number } {
  if (!existsSync(file)) return { events: [], badLines: 0 };
  const lines = readFileSync(file, 'utf8').split('\n');
  const events: SessionEvent[] = [];
  let badLines = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as SessionEvent);
    } catch {
      badLines++;
    }
  }
  return { events, badLines };
}

/** The folder holding `<id>.ndjson`, `<id>.json` (summary) and `<id>/` (audio and other artifacts). */
export class SessionDirectory {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  eventsFile(id: string): string {
    return join(this.dir, `${id}.ndjson`);
  }

  artifactsDir(id: string): string {
    const d = join(this.dir, id);
    mkdirSync(d, { recursive: true });
    return d;
  }

  writeSummary(summary: SessionSummary & Record<string, unknown>): void {
    const file = join(this.dir, `${summary.id}.json`);
    writeFileSync(file + '.tmp', JSON.stringify(summary, null, 2));
    renameSync(file + '.tmp', file);
  }

  readSummary(id: string): (SessionSummary & Record<string, unknown>) | null {
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8'));
    } catch {
      return null;
    }
  }

  /** Every recorded session. One left `running` by a process that is gone is reported as `interrupted`. */
  list(live: Set<string>): (SessionSummary & Record<string, unknown>)[] {
    const out: (SessionSummary & Record<string, unknown>)[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const s = this.readSummary(name.slice(0, -5));
      if (!s) continue;
      if (s.state === 'running' && !live.has(s.id)) {
        const { events } = readEvents(this.eventsFile(s.id));
        const marked = interruptedSummary(s, events.length, events.length ? events[events.length - 1]!.t : 0);
        this.writeSummary(marked);
        out.push(marked);
      } else out.push(s);
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}

/** A summary still marked running whose process is gone: interrupted, with what its record holds. */
export function interruptedSummary<S extends SessionSummary>(s: S, eventCount: number, durationMs: number): S {
  return { ...s, state: 'interrupted', outcome: 'interrupted: the app stopped while this session was running', eventCount, durationMs };
}
