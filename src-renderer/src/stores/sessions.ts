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

  const list = computed(() => Object.values(summaries).sort((a, b) => b.startedAt.localeCompare(a.startedAt)));

  function windowOf(id: string): EventWindow {
    let w = windows.get(id);
    if (!w) {
      w = { events: [], dropped: 0 };
      windows.set(id, w);
    }
    return w;
  }

  function ingest(sessionId: string, batch: SessionEvent[]): void {
    if (!batch.length) return;
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
  function dropped(id: string): number {
    void versions[id];
    return windows.get(id)?.dropped ?? 0;
  }

  let detach: (() => void) | null = null;
  /** Subscribe to the push channels (once). */
  function attach(b: ParleyBridge = bridge()): () => void {
    if (detach) return detach;
    const offEvents = b.on('session.events', ({ sessionId, events: batch }) => ingest(sessionId, batch));
    const offState = b.on('session.state', (summary) => upsertSummary(summary));
    detach = () => {
      offEvents();
      offState();
      detach = null;
    };
    return detach;
  }

  async function refresh(): Promise<void> {
    for (const s of await call('session.list', {})) upsertSummary(s);
  }

  /** Load a recorded session's events (history) into its window, page by page. */
  async function loadRecord(id: string): Promise<void> {
    if (windows.get(id)?.events.length) return;
    let from = 0;
    for (;;) {
      const page = await call('session.events', { sessionId: id, from, limit: 5000 });
      ingest(id, page.events);
      from += page.events.length;
      if (!page.events.length || from >= page.total || from >= EVENT_WINDOW) break;
    }
  }

  /** A session this renderer just started: known before the first push arrives. */
  function started(summary: Pick<SessionSummary, 'id' | 'vendor' | 'operation' | 'profileId' | 'target'>): void {
    if (summaries[summary.id]) return;
    upsertSummary({ startedAt: new Date().toISOString(), endedAt: null, durationMs: null, state: 'running', outcome: null, eventCount: 0, ...summary });
  }

  return { summaries, list, ingest, upsertSummary, events, version, dropped, attach, refresh, loadRecord, started };
});
