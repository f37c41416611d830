/** Tasks this console created and has not closed, per profile, kept across restarts (no secrets in them). */
import type { Variant } from '../../../../src-main/core/vendors/netease/client.ts';

export interface RememberedTask {
  cname: string;
  taskId: string;
  variant: Variant;
  cid?: number | string;
  requestId?: string;
  sessionId: string;
  createdAt: string;
}

const key = (profileId: string) => `parley.netease.tasks.${profileId}`;

export function loadTasks(profileId: string): RememberedTask[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key(profileId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((t) => t && typeof t.taskId === 'string' && typeof t.cname === 'string') : [];
  } catch {
    return [];
  }
}

function save(profileId: string, tasks: RememberedTask[]): RememberedTask[] {
  localStorage.setItem(key(profileId), JSON.stringify(tasks.slice(0, 50)));
  return tasks;
}

export function rememberTask(profileId: string, task: RememberedTask): RememberedTask[] {
  return save(profileId, [task, ...loadTasks(profileId).filter((t) => t.taskId !== task.taskId)]);
}

export function forgetTask(profileId: string, taskId: string): RememberedTask[] {
  return save(profileId, loadTasks(profileId).filter((t) => t.taskId !== taskId));
}
