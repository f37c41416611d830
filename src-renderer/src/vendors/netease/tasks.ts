import type { VendorTasks } from '../registry.ts';

/** A realtime task: opened by task-created, closed by task-closed (or a "not found in room" answer), with its variant's close. */
export const neteaseTasks: VendorTasks = {
  follow(e, startPayload) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (e.kind === 'netease.task-created' && typeof d.taskId === 'string')
      return {
        opened: { taskId: d.taskId, room: String(d.cname ?? startPayload?.cname ?? ''), variant: d.variant === 'client' ? 'client' : 'server' },
      };
    if (e.kind === 'netease.task-closed') return { closed: typeof d.taskId === 'string' ? d.taskId : undefined };
    if (e.kind === 'error' && /not found in room/i.test(`${String(d.code)} ${String(d.message)}`))
      return { closed: typeof startPayload?.taskId === 'string' ? startPayload.taskId : undefined };
    return null;
  },
  closeCall: (task) => ({ operation: 'close', payload: { cname: task.room, taskId: task.taskId, taskType: 7, variant: task.variant ?? 'server' } }),
};
