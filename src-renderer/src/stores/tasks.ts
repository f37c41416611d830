import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { call } from '../api.ts';
import { safeGet, safeSet } from '../local-storage.ts';
import { useSessionsStore } from './sessions.ts';

/**
 * Vendor tasks (a Tencent AI conversation, a NetEase realtime task) that sessions started and nothing has closed
 * yet: a bot that may still be running and billing. Followed across every session the renderer sees (the panels'
 * own, compare and case runs) and kept in web storage across restarts (ids and room names only, nothing secret).
 */
export interface OpenTask {
  vendor: 'tencent' | 'netease';
  profileId: string;
  taskId: string;
  /** The room it runs in (RoomId / cname). */
  room: string;
  /** NetEase: which API created it (close must use the same). */
  variant?: 'server' | 'client';
  sessionId: string;
  openedAt: string;
}

const KEY = 'parley.openTasks';
const MAX_KEPT = 100;

function load(): OpenTask[] {
  try {
    const parsed = JSON.parse(safeGet(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed)
      ? parsed.filter(
          (t): t is OpenTask => !!t && typeof t.taskId === 'string' && typeof t.profileId === 'string' && (t.vendor === 'tencent' || t.vendor === 'netease'),
        )
      : [];
  } catch {
    return [];
  }
}

interface StartData {
  payload?: { RoomId?: unknown; TaskId?: unknown; cname?: unknown };
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
    const profileId = summary?.profileId ?? '';
    if (e.kind === 'tencent.StartAIConversation' && typeof d.TaskId === 'string')
      opened({ vendor: 'tencent', profileId, taskId: d.TaskId, room: String(payload?.RoomId ?? ''), sessionId, openedAt: e.at });
    else if (e.kind === 'tencent.StopAIConversation') closed(typeof payload?.TaskId === 'string' && payload.TaskId ? payload.TaskId : taskOfSession(sessionId));
    else if (e.kind === 'netease.task-created' && typeof d.taskId === 'string')
      opened({
        vendor: 'netease',
        profileId,
        taskId: d.taskId,
        room: String(d.cname ?? payload?.cname ?? ''),
        variant: d.variant === 'client' ? 'client' : 'server',
        sessionId,
        openedAt: e.at,
      });
    else if (e.kind === 'netease.task-closed') closed(typeof d.taskId === 'string' ? d.taskId : undefined);
    // A vendor that answers "no such task" (stopped elsewhere, expired) has no task to close either.
    else if (e.kind === 'error' && /TaskNotExist|not found in room/i.test(`${String(d.code)} ${String(d.message)}`))
      closed(typeof payload?.TaskId === 'string' ? payload.TaskId : undefined);
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
    const [operation, payload] =
      task.vendor === 'tencent'
        ? ['StopAIConversation', { TaskId: task.taskId }]
        : ['close', { cname: task.room, taskId: task.taskId, taskType: 7, variant: task.variant ?? 'server' }];
    const started = await call('session.start', { profileId: task.profileId, operation, payload });
    if (started.errors?.length) return started.errors.map((x) => x.message).join('; ');
    if (started.sessionId) sessions.started({ id: started.sessionId, vendor: task.vendor, operation, profileId: task.profileId, target });
    return '';
  }
  return { open, forProfile, closed, closeTask };
});
