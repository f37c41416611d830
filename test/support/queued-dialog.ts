import type { FileDialog } from '../../src-main/core/grants.ts';

/**
 * The native file dialog as tests drive it: each dialog.open / dialog.save answers the next queued path (null is
 * "cancelled"). An empty queue is an error, so a test that forgets to answer fails with a reason instead of hanging.
 */
export interface QueuedDialog extends FileDialog {
  /** Queue answers for the next dialogs, in order. */
  answer(...paths: (string | null)[]): void;
  /** The purposes the dialogs were opened for, in order. */
  readonly asked: string[];
}

export function queuedDialog(): QueuedDialog {
  const queue: (string | null)[] = [];
  const asked: string[] = [];
  const next = (purpose: string) => {
    asked.push(purpose);
    if (queue.length === 0) throw new Error(`test dialog: no answer queued for a ${purpose} dialog`);
    return queue.shift()!;
  };
  return {
    asked,
    answer: (...paths) => void queue.push(...paths),
    open: async ({ purpose }) => next(purpose),
    save: async ({ purpose }) => next(purpose),
  };
}
