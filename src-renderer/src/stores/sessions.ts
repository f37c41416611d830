import { defineStore } from 'pinia';
import { computed, reactive } from 'vue';
import type { SessionEvent, SessionSummary } from '../../../src-main/core/events.ts';
import { bridge, call, type ParleyBridge } from '../api.ts';

/**
 * Events kept in memory per session. Older events stay in the session's NDJSON record (session.events pages
 * them back in); 200k covers a long voice session with audio chunks while bounding memory.
 */
export const EVENT_WINDOW = 200_000;

interface EventWindow {
  /** Plain (non-reactive) array: 100k reactive proxies would make every push slow. Watch `version` instead. */
  events: SessionEvent[];
  /** Events dropped from the front of the window. */
  dropped: number;
}

/**
 * Session index plus a window of events per session. It subscribes to the bridge once, at app start, so it keeps
 * recording whatever panel (if any) is showing the log.
 */
export const useSessionsStore = defineStore('sessions', () => {
  const summaries = reactive<Record<string, SessionSummary>>({});
  const versions = reactive<Record<string, number>>({});
  const windows = new Map<string, EventWindow>();
  /**
   * Per session, the seq of the first event this renderer received as it happened (pushed, not loaded from the
   * record). Events before it are history: showing them must not act on them again (join a room, autoplay).
   */
  const liveFrom = new Map<string, number>();
  const ingestListeners = new Set<(sessionId: string, batch: SessionEvent[], live: boolean) => void>();

  const list = computed(() => Object.values(summaries).sort((a, b) => b.startedAt.localeCompare(a.startedAt)));

  function windowOf(id: string): EventWindow {
    let w = windows.get(id);
    if (!w) {
      w = { events: [], dropped: 0 };
      windows.set(id, w);
    }
    return w;
  }

  function ingest(sessionId: string, batch: SessionEvent[], live = false): void {
    if (!batch.length) return;
    if (live && !liveFrom.has(sessionId)) liveFrom.set(sessionId, batch[0]!.seq);
    for (const l of ingestListeners) l(sessionId, batch, live);
    const w = windowOf(sessionId);
    const last = w.events.length ? w.events[w.events.length - 1]!.seq : 0;
    // A page loaded from the record can overlap live batches: keep seq strictly increasing.
    for (const e of batch) if (e.seq > last || !w.events.length) w.events.push(e);
    if (w.events.length > EVENT_WINDOW) {
      const extra = w.events.length - EVENT_WINDOW;
      w.events.splice(0, extra);
      w.dropped += extra;
    }
    versions[sessionId] = (versions[sessionId] ?? 0) + 1;
    const s = summaries[sessionId];
    if (s && s.state === 'running') s.eventCount = Math.max(s.eventCount, batch[batch.length - 1]!.seq);
  }

  function upsertSummary(summary: SessionSummary): void {
    summaries[summary.id] = { ...summaries[summary.id], ...summary };
  }

  /** Reactive read: components re-render when `version(id)` changes. */
  function events(id: string): SessionEvent[] {
    void versions[id];
    return windows.get(id)?.events ?? [];
  }
  function version(id: string): number {
    return versions[id] ?? 0;
  }
  /** Whether an event arrived as it happened in this renderer (so it may be acted on), not loaded from the record. */
  function isLive(id: string, seq: number): boolean {
    const from = liveFrom.get(id);
    return from !== undefined && seq >= from;
  }
  /** Every batch as it is ingested (live: pushed as it happened), for stores that follow all sessions (open tasks). */
  function onIngest(listener: (sessionId: string, batch: SessionEvent[], live: boolean) => void): () => void {
    ingestListeners.add(listener);
    return () => ingestListeners.delete(listener);
  }
  function dropped(id: string): number {
    void versions[id];
    return windows.get(id)?.dropped ?? 0;
  }

  let detach: (() => void) | null = null;
  /** Subscribe to the push channels (once). */
  function attach(b: ParleyBridge = bridge()): () => void {
    if (detach) return detach;
    const offEvents = b.on('session.events', ({ sessionId, events: batch }) => ingest(sessionId, batch, true));
    const offState = b.on('session.state', (summary) => upsertSummary(summary));
    detach = () => {
      offEvents();
      offState();
      detach = null;
    };
    return detach;
  }

  /** The session index from core; resolves with the sessions running now (after a reload: the ones to take back). */
  async function refresh(): Promise<SessionSummary[]> {
    const all = await call('session.list', {});
    for (const s of all) upsertSummary(s);
    return all.filter((s) => s.state === 'running');
  }

  /** Load a recorded session's events (history) into its window, page by page. */
  async function loadRecord(id: string): Promise<void> {
    const held = windows.get(id);
    // Complete from its first event (or already trimmed from the front): nothing older to fetch.
    if (held?.events.length && (held.events[0]!.seq === 1 || held.dropped)) return;
    let from = 0;
    const older: SessionEvent[] = [];
    for (;;) {
      const page = await call('session.events', { sessionId: id, from, limit: 5000 });
      const w = windowOf(id);
      const firstHeld = w.events[0]?.seq ?? Infinity;
      if (!w.events.length) ingest(id, page.events);
      // Live batches got here first (a reload during a session): put the record's older events in front of them.
      else older.push(...page.events.filter((e) => e.seq < firstHeld));
      from += page.events.length;
      if (!page.events.length || from >= page.total || from >= EVENT_WINDOW) break;
    }
    if (older.length) {
      const w = windowOf(id);
      const firstHeld = w.events[0]?.seq ?? Infinity;
      w.events.unshift(...older.filter((e) => e.seq < firstHeld));
      versions[id] = (versions[id] ?? 0) + 1;
    }
  }

  /** A session this renderer just started: known before the first push arrives. */
  function started(summary: Pick<SessionSummary, 'id' | 'vendor' | 'operation' | 'profileId' | 'target'>): void {
    if (summaries[summary.id]) return;
    upsertSummary({ startedAt: new Date().toISOString(), endedAt: null, durationMs: null, state: 'running', outcome: null, eventCount: 0, ...summary });
  }

  return { summaries, list, ingest, upsertSummary, events, version, dropped, isLive, onIngest, attach, refresh, loadRecord, started };
});
