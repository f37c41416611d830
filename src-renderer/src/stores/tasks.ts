import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { call } from '../api.ts';
import { safeGet, safeSet } from '../local-storage.ts';
import { useSessionsStore } from './sessions.ts';
import { vendorUi, type VendorTask } from '../vendors/registry.ts';

/**
 * Vendor tasks (a Tencent AI conversation, a NetEase realtime task) that sessions started and nothing has closed
 * yet: a bot that may still be running and billing. Followed across every session the renderer sees (the panels'
 * own, compare and case runs) and kept in web storage across restarts (ids and room names only, nothing secret).
 */
export interface OpenTask extends VendorTask {
  /** A vendor with `tasks` in its VendorUi (it knows how they open and close). */
  vendor: string;
  profileId: string;
  sessionId: string;
  openedAt: string;
}

const KEY = 'parley.openTasks';
const MAX_KEPT = 100;

function load(): OpenTask[] {
  try {
    const parsed = JSON.parse(safeGet(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed)
      ? parsed.filter((t): t is OpenTask => !!t && typeof t.taskId === 'string' && typeof t.profileId === 'string' && !!vendorUi(String(t.vendor))?.tasks)
      : [];
  } catch {
    return [];
  }
}

interface StartData {
  payload?: Record<string, unknown>;
}

export const useTasksStore = defineStore('tasks', () => {
  const sessions = useSessionsStore();
  const open = ref<OpenTask[]>(load());
  /** Per session: the payload it was started with (room, TaskId of a Stop call), read from its session.start. */
  const starts = new Map<string, StartData['payload']>();

  function save(): void {
    safeSet(KEY, JSON.stringify(open.value.slice(0, MAX_KEPT)));
  }
  function opened(task: OpenTask): void {
    open.value = [task, ...open.value.filter((t) => t.taskId !== task.taskId)];
    save();
  }
  function closed(taskId: string | undefined): void {
    if (!taskId || !open.value.some((t) => t.taskId === taskId)) return;
    open.value = open.value.filter((t) => t.taskId !== taskId);
    save();
  }

  function follow(sessionId: string, e: SessionEvent): void {
    const summary = sessions.summaries[sessionId];
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (e.kind === 'session.start') starts.set(sessionId, (d as StartData).payload);
    const payload = starts.get(sessionId);
    const vendor = summary?.vendor ?? e.kind.split('.')[0]!;
    const change = vendorUi(vendor)?.tasks?.follow(e, payload, taskOfSession(sessionId));
    if (change?.opened) opened({ ...change.opened, vendor, profileId: summary?.profileId ?? '', sessionId, openedAt: e.at });
    if (change?.closed) closed(change.closed);
  }
  function taskOfSession(sessionId: string): string | undefined {
    return open.value.find((t) => t.sessionId === sessionId)?.taskId;
  }

  // Only what happens now: a record loaded from the history replays old opens whose close may be in another session.
  sessions.onIngest((sessionId, batch, live) => {
    if (live) for (const e of batch) follow(sessionId, e);
  });

  function forProfile(profileId: string): OpenTask[] {
    return open.value.filter((t) => t.profileId === profileId);
  }

  /**
   * End a task: its own session is stopped (which closes the task in that session's record) when it still runs;
   * otherwise a Stop / close call is made as a session of its own. Resolves with an error text, or '' when sent.
   */
  async function closeTask(task: OpenTask, target: 'sandbox' | 'live'): Promise<string> {
    if (sessions.summaries[task.sessionId]?.state === 'running') {
      const outcome = await call('session.stop', { sessionId: task.sessionId, closeTask: true });
      return outcome && !outcome.ok ? outcome.summary : '';
    }
    const closeCall = vendorUi(task.vendor)?.tasks?.closeCall(task);
    if (!closeCall) return `${task.vendor}: no way to close its tasks`;
    const { operation, payload } = closeCall;
    const started = await call('session.start', { profileId: task.profileId, operation, payload });
    if (started.errors?.length) return started.errors.map((x) => x.message).join('; ');
    if (started.sessionId) sessions.started({ id: started.sessionId, vendor: task.vendor, operation, profileId: task.profileId, target });
    return '';
  }
  return { open, forProfile, closed, closeTask };
});
