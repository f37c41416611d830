import type { VendorTasks } from '../registry.ts';

/** A StartAIConversation task: opened by its answer's TaskId, closed by StopAIConversation (or a TaskNotExist answer). */
export const tencentTasks: VendorTasks = {
  follow(e, startPayload, sessionTask) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const stopped = typeof startPayload?.TaskId === 'string' && startPayload.TaskId ? startPayload.TaskId : undefined;
    if (e.kind === 'tencent.StartAIConversation' && typeof d.TaskId === 'string')
      return { opened: { taskId: d.TaskId, room: String(startPayload?.RoomId ?? '') } };
    if (e.kind === 'tencent.StopAIConversation') return { closed: stopped ?? sessionTask };
    // A task stopped elsewhere or expired has nothing to close either.
    if (e.kind === 'error' && /TaskNotExist/i.test(`${String(d.code)} ${String(d.message)}`)) return { closed: stopped };
    return null;
  },
  closeCall: (task) => ({ operation: 'StopAIConversation', payload: { TaskId: task.taskId } }),
};
