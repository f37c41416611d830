/**
 * The main thread's side of the history index: a worker thread (worker.ts) does every query and indexing step, so
 * the main process (IPC, live event delivery) is never blocked by them. Live event batches are forwarded as the
 * JSON the session engine already made, batched every FLUSH_MS or FLUSH_EVENTS events.
 */
import { Worker } from 'node:worker_threads';
import type { Notice, Notices } from '../notices.ts';
import type { SessionManager } from '../session/manager.ts';
import { interruptedSummary } from '../session/event-store.ts';
import type { StaleSession } from './service.ts';
import type { HistoryService } from './service.ts';
import type { HistoryEntry, HistoryQuery, IndexStatus } from './types.ts';

export const FLUSH_MS = 100;
export const FLUSH_EVENTS = 500;
/** Restarts of a worker that died, before the index is reported unavailable. */
const MAX_RESTARTS = 3;

export interface WorkerData {
  dataDir: string;
  live: string[];
  /** When this process started the worker: sessions started since are never taken for stale ones. */
  startedAt: string;
}

type CallOp = 'query' | 'recent' | 'detail' | 'status';
export type ToWorker =
  { t: 'call'; id: number; op: CallOp; args: unknown } | { t: 'events'; batches: [string, string][] } | { t: 'ended'; id: string } | { t: 'close' };
export type FromWorker =
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: { message: string; code?: string } }
  | { t: 'stale'; session: StaleSession }
  | { t: 'notice'; notice: Omit<Notice, 'id' | 'at' | 'kind'> }
  | { t: 'closed' };

/** The worker script: next to this file in the sources (Node strips the types), next to the main bundle when built. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./worker.ts', import.meta.url) : new URL('./history-worker.js', import.meta.url);
}

export class HistoryIndex {
  private readonly dataDir: string;
  private readonly sessions: SessionManager;
  private readonly notices: Notices | undefined;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private batches: [string, string][] = [];
  private buffered = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Sessions this process is running (fed to the index live). */
  private readonly live = new Set<string>();
  private restarts = 0;
  private closing = false;
  private unavailable: string | undefined;
  private readonly detach: (() => void)[];

  constructor(options: { dataDir: string; sessions: SessionManager; notices?: Notices }) {
    this.dataDir = options.dataDir;
    this.sessions = options.sessions;
    this.notices = options.notices;
    this.start();
    this.detach = [
      this.sessions.onEvents((id, events, json) => {
        this.live.add(id);
        this.batches.push([id, json]);
        this.buffered += events.length;
        if (this.buffered >= FLUSH_EVENTS) this.flush();
        else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
      }),
      this.sessions.onState((summary) => {
        // The session engine delivers a session's last batch before its final state: the batch goes first.
        this.flush();
        this.live.delete(summary.id);
        this.post({ t: 'ended', id: summary.id });
      }),
    ];
  }

  private start(): void {
    const worker = new Worker(workerUrl(), {
      workerData: { dataDir: this.dataDir, live: [...this.live], startedAt: new Date().toISOString() } satisfies WorkerData,
    });
    // An idle index does not keep the process alive; a pending call does (see call()).
    worker.unref();
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', (err) => this.stopped(worker, err.message));
    worker.on('exit', (code) => this.stopped(worker, `it exited with code ${code}`));
    this.worker = worker;
  }

  private stopped(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error(`history index: the index worker stopped (${reason}); try again`));
    this.pending.clear();
    if (this.closing) return;
    if (++this.restarts > MAX_RESTARTS) {
      this.unavailable = `history search is off: its worker stopped ${MAX_RESTARTS + 1} times (last: ${reason}). The session records are intact.`;
      return;
    }
    // A new worker catches up from the records, which hold everything the lost one had not indexed yet.
    this.start();
  }

  private receive(m: FromWorker): void {
    if (m.t === 'reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!this.pending.size) this.worker?.unref();
      if (!p) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
    } else if (m.t === 'stale') this.markInterrupted(m.session);
    else if (m.t === 'notice') this.notices?.add(m.notice);
  }

  /** Correct the summary file of a session the index found left running by a process that is gone. */
  private markInterrupted({ id, eventCount, durationMs }: StaleSession): void {
    if (this.sessions.isLive(id)) return;
    const s = this.sessions.directory.readSummary(id);
    if (s?.state === 'running') this.sessions.directory.writeSummary(interruptedSummary(s, eventCount, durationMs));
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.batches.length) return;
    this.post({ t: 'events', batches: this.batches });
    this.batches = [];
    this.buffered = 0;
  }

  private call<T>(op: CallOp, args: unknown): Promise<T> {
    if (this.unavailable) return Promise.reject(Object.assign(new Error(this.unavailable), { code: 'HISTORY_UNAVAILABLE' }));
    if (!this.worker) return Promise.reject(new Error('history index: the index worker is restarting; try again'));
    // Everything delivered so far reaches the index before this call does.
    this.flush();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker!.ref();
      this.post({ t: 'call', id, op, args });
    });
  }

  query(q: HistoryQuery): Promise<HistoryEntry[]> {
    return this.call('query', q);
  }

  recent(limit: number): Promise<HistoryEntry[]> {
    return this.call('recent', limit);
  }

  detail(id: string): Promise<ReturnType<HistoryService['detail']>> {
    return this.call('detail', id);
  }

  async status(): Promise<IndexStatus> {
    if (this.unavailable) return { state: 'unavailable', sessions: 0, pending: 0, total: 0, reason: this.unavailable, bytes: 0 };
    return this.call('status', undefined);
  }

  /** Hand the last batches over and close the index (the worker finishes what it is doing first). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.flush();
    this.closing = true;
    for (const off of this.detach) off();
    const worker = this.worker;
    if (!worker) return;
    worker.ref();
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage({ t: 'close' } satisfies ToWorker);
    });
  }
}
