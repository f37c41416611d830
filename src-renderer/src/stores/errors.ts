import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface ShownError {
  id: number;
  /** What went wrong, in words. */
  message: string;
  /** Where it happened (a component, "unhandled promise"), for a bug report. */
  where: string;
  at: string;
}

/** At most this many errors are kept on screen; older ones give way (the newest matters most). */
const MAX_SHOWN = 5;

/**
 * Renderer errors that nothing else handled. A failure must never be silent: the app's error handler, uncaught
 * errors and unhandled promise rejections all land here and the banner shows them until dismissed.
 */
export const useErrorsStore = defineStore('errors', () => {
  const shown = ref<ShownError[]>([]);
  let next = 1;
  function report(err: unknown, where: string): void {
    const message = err instanceof Error ? err.message || err.name : typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
    // The same error again (a render loop, a repeated handler) bumps the one shown instead of stacking copies.
    const same = shown.value.find((e) => e.message === message && e.where === where);
    if (same) {
      same.at = new Date().toISOString();
      return;
    }
    shown.value = [...shown.value, { id: next++, message, where, at: new Date().toISOString() }].slice(-MAX_SHOWN);
  }
  function dismiss(id: number): void {
    shown.value = shown.value.filter((e) => e.id !== id);
  }
  return { shown, report, dismiss };
});
