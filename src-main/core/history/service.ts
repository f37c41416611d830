/**
 * The history index at work: catch-up from the session records (first start, after a crash, sessions another
 * process wrote), live sessions fed event batch by event batch, queries and session details. Synchronous: the app
 * hosts it in a worker thread (worker.ts), the CLI and the benchmarks call it directly.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEvent, SessionSummary } from '../events.ts';
import type { Notices } from '../notices.ts';
import { interruptedSummary, readEvents, SessionDirectory } from '../session/event-store.ts';
import { sessionFigures } from '../workflows/metrics.ts';
import { sessionFiles, type SessionDetail } from '../workflows/history.ts';
import { EventLines, sessionDocument } from './document.ts';
import { HistoryIndexDb, isCorruption, type LiveText, type RebuildReason } from './index-db.ts';
import type { HistoryEntry, HistoryQuery, IndexStatus } from './types.ts';

/** Session ids as the session engine makes them (start time, vendor, random part). Other names are not sessions. */
export const SESSION_ID = /^[0-9]{8}T[0-9]{6}-[a-z]+-[0-9a-f]{8}$/;

/** Distinct event texts a running session keeps in memory for search; all of them are indexed once it ends. */
export const MAX_LIVE_LINES = 50_000;
/** A catch-up step runs for about this long before answering the queries waiting for it. */
export const STEP_MS = 10;
/** How often a query may trigger a look for sessions another process (the CLI) recorded meanwhile. */
const RESCAN_MS = 30_000;

export interface StaleSession {
  id: string;
  eventCount: number;
  durationMs: number;
}

export interface HistoryServiceOptions {
  dataDir: string;
  /**
   * Treat a session still marked running, started before this service and not fed live, as interrupted (its
   * process is gone) and report it through `onStale` so its summary file can be corrected. The app does; the CLI,
   * which cannot know what the app is running, does not.
   */
  markStale: boolean;
  onStale?: (s: StaleSession) => void;
  /** Sessions already running when the service starts (a restarted worker). */
  live?: string[];
  /**
   * When the owning process asked for this service (ISO time; default: construction). A worker thread is built
   * seconds later on a busy machine, and a session started in between is this process's, not a stale one.
   */
  startedAt?: string;
  /** Told of a summary file that cannot be used and is set aside while reading the records. */
  notices?: Notices;
}

interface Live extends LiveText {
  id: string;
}

export class HistoryService {
  readonly dataDir: string;
  readonly directory: SessionDirectory;
  private db: HistoryIndexDb | null = null;
  private unavailable: string | undefined;
  private rebuilt: RebuildReason | undefined;
  private readonly options: HistoryServiceOptions;
  private readonly startedAt: string;
  private readonly live = new Map<string, Live>();
  /** Sessions fed live (running or ended) in this service's lifetime: never stale. */
  private readonly seenLive = new Set<string>();
  private queue: string[] = [];
  private total = 0;
  private lastScan = 0;
  private lastDirMtime = 0;

  constructor(options: HistoryServiceOptions) {
    this.options = options;
    this.startedAt = options.startedAt ?? new Date().toISOString();
    this.dataDir = options.dataDir;
    this.directory = new SessionDirectory(join(options.dataDir, 'sessions'), options.notices);
    for (const id of options.live ?? []) this.seenLive.add(id);
    try {
      this.db = HistoryIndexDb.open(join(options.dataDir, 'history.sqlite'));
      this.rebuilt = this.db.rebuilt;
      this.plan();
      if (options.markStale) this.settleLeftRunning();
    } catch (err) {
      this.db = null;
      this.unavailable = unavailableReason(err);
    }
  }

  /** Run `fn` on the index; damage met on the way sets the file aside and starts a rebuild from the records. */
  private use<T>(fn: (db: HistoryIndexDb) => T, fallback: T): T {
    if (!this.db) return fallback;
    try {
      return fn(this.db);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      this.db = this.db.reset();
      this.rebuilt = 'corrupt';
      for (const l of this.live.values()) {
        const s = this.directory.readSummary(l.id);
        if (s) l.n = this.db.putRunning(s, null);
      }
      this.plan();
      return fallback;
    }
  }

  /** List what the index lacks: records it has not seen, sessions left running; forget records that are gone. */
  plan(): void {
    this.use((db) => {
      const names = readdirSync(this.directory.dir);
      this.lastScan = Date.now();
      this.lastDirMtime = statSync(this.directory.dir).mtimeMs;
      const onDisk = new Set(
        names
          .filter((n) => n.endsWith('.json'))
          .map((n) => n.slice(0, -5))
          .filter((id) => SESSION_ID.test(id)),
      );
      const indexed = db.indexed();
      const queued = new Set(this.queue);
      for (const id of onDisk) {
        if (this.live.has(id) || queued.has(id)) continue;
        const i = indexed.get(id);
        if (!i || !i.hasDoc || i.state === 'running') this.queue.push(id);
      }
      const gone = [...indexed.keys()].filter((id) => !onDisk.has(id) && !this.live.has(id));
      if (gone.length) db.transaction(() => gone.forEach((id) => db.remove(id)));
      // Oldest first in the queue: work pops from the end, so the newest sessions are searchable first.
      this.queue.sort();
      this.total = this.queue.length;
    }, undefined);
  }

  /**
   * Sessions the index has as running but nobody is running any more (the app was killed): settled before the
   * first query is answered, so no list shows a dead session as running. There are few of them.
   */
  private settleLeftRunning(): void {
    this.use((db) => {
      const running = new Set([...db.indexed()].filter(([, i]) => i.state === 'running').map(([id]) => id));
      const now = this.queue.filter((id) => running.has(id));
      if (!now.length) return;
      this.queue = this.queue.filter((id) => !running.has(id));
      db.transaction(() => now.forEach((id) => this.indexRecord(db, id)));
    }, undefined);
  }

  hasWork(): boolean {
    return !!this.db && this.queue.length > 0;
  }

  /** Index queued records for about `budgetMs` in one transaction. */
  work(budgetMs = STEP_MS): void {
    this.use((db) => {
      const started = performance.now();
      db.transaction(() => {
        // At least one record per step: on a busy machine a step's budget can pass before the first record, and a
        // step that indexes nothing would leave the newest sessions unsearchable for as long as the load lasts.
        do {
          const id = this.queue.pop();
          if (id === undefined) break;
          this.indexRecord(db, id);
        } while (this.queue.length && performance.now() - started < budgetMs);
      });
      if (!this.queue.length) db.checkpoint();
    }, undefined);
  }

  /** The whole catch-up at once (CLI, tests), reporting progress. */
  catchUp(onProgress?: (done: number, total: number) => void): void {
    while (this.hasWork()) {
      this.work(250);
      onProgress?.(this.total - this.queue.length, this.total);
    }
  }

  private indexRecord(db: HistoryIndexDb, id: string): void {
    let summary = this.directory.readSummary(id);
    if (!summary) return;
    const { events } = readEvents(this.directory.eventsFile(id));
    if (summary.state === 'running' && this.isStale(summary)) {
      summary = interruptedSummary(summary, events.length, events.length ? events[events.length - 1]!.t : 0);
      this.options.onStale?.({ id, eventCount: summary.eventCount, durationMs: summary.durationMs ?? 0 });
    }
    db.put(sessionDocument(summary, events));
  }

  private isStale(s: SessionSummary): boolean {
    return this.options.markStale && !this.seenLive.has(s.id) && s.startedAt < this.startedAt;
  }

  /** Event batches of running sessions, as the session engine delivered them (JSON arrays of events). */
  ingest(batches: [sessionId: string, json: string][]): void {
    this.use((db) => {
      db.transaction(() => {
        for (const [id, json] of batches) {
          if (!SESSION_ID.test(id)) continue;
          let events: SessionEvent[];
          try {
            events = JSON.parse(json) as SessionEvent[];
          } catch {
            continue;
          }
          let l = this.live.get(id);
          if (!l) {
            const summary = this.directory.readSummary(id);
            if (!summary) continue;
            const profile = (events.find((e) => e.kind === 'session.start')?.data as { profile?: unknown } | undefined)?.profile;
            const profileName = typeof profile === 'string' ? profile : null;
            this.seenLive.add(id);
            l = {
              id,
              n: db.putRunning(summary, profileName),
              header: [id, summary.vendor, summary.operation, profileName ?? '', summary.target, 'running'].join(' '),
              lines: new EventLines(MAX_LIVE_LINES),
            };
            this.live.set(id, l);
          }
          for (const e of events) l.lines.add(e);
          db.setEventCount(l.n, l.lines.lastSeq);
        }
      });
    }, undefined);
  }

  /** A session ended: its record and final summary are complete, index them. */
  ended(id: string): void {
    if (!SESSION_ID.test(id)) return;
    this.live.delete(id);
    this.seenLive.add(id);
    this.use((db) => db.transaction(() => this.indexRecord(db, id)), undefined);
  }

  query(q: HistoryQuery): HistoryEntry[] {
    this.rescanIfChanged();
    return this.use((db) => db.query(q, this.live.values()), []);
  }

  recent(limit: number): HistoryEntry[] {
    return this.use((db) => db.recent(limit), []);
  }

  /** A session with its payload, figures (from its record) and files; undefined when it does not exist. */
  detail(id: string): Omit<SessionDetail, 'entry'> & { entry: HistoryEntry } {
    const summary = SESSION_ID.test(id) ? this.directory.readSummary(id) : null;
    if (!summary) throw Object.assign(new Error(`session ${id} does not exist`), { code: 'NOT_FOUND' });
    const indexed = this.use((db) => db.entry(id), undefined);
    const { events } = readEvents(this.directory.eventsFile(id));
    const { vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount } = summary;
    const input = summary.input && typeof summary.input === 'object' ? (summary.input as HistoryEntry['input']) : undefined;
    const entry: HistoryEntry = {
      id,
      vendor,
      operation,
      profileId,
      target,
      startedAt,
      endedAt,
      durationMs,
      state,
      outcome,
      eventCount: state === 'running' ? Math.max(eventCount, events.length) : eventCount,
      profileName: indexed?.profileName ?? null,
      ...(input ? { input } : {}),
    };
    return { entry, payload: (summary.payload as Record<string, unknown>) ?? {}, figures: sessionFigures(events), files: sessionFiles(this.directory, id) };
  }

  status(): IndexStatus {
    if (!this.db) return { state: 'unavailable', sessions: 0, pending: 0, total: 0, reason: this.unavailable, bytes: 0 };
    const sessions = this.use((db) => db.count(), 0);
    const bytes = this.db.bytes();
    return {
      state: this.queue.length ? 'indexing' : 'ready',
      sessions,
      pending: this.queue.length,
      total: this.total,
      ...(this.rebuilt ? { rebuilt: this.rebuilt } : {}),
      bytes,
    };
  }

  /** Sessions another process recorded while this one runs (a CLI run into the same data folder). */
  private rescanIfChanged(): void {
    if (!this.db || this.queue.length || Date.now() - this.lastScan < RESCAN_MS) return;
    if (statSync(this.directory.dir).mtimeMs === this.lastDirMtime) return;
    this.plan();
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.unavailable = 'the history index is closed';
  }
}

function unavailableReason(err: unknown): string {
  const message = (err as Error).message ?? String(err);
  if (/no such (module|tokenizer)|fts5|trigram/i.test(message))
    return `history search needs SQLite with full-text search (FTS5, trigram tokenizer), which this build's node:sqlite lacks (${message}). The session records are intact; only search is off.`;
  return `the history index could not be opened: ${message}. The session records are intact; only search is off.`;
}
