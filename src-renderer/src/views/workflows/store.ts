import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

const DIR_KEY = 'parley.workflows.caseDir';

/** State the workflow views share: the case folder (a path, not sensitive, remembered) and cross-view requests. */
export const useWorkflowsStore = defineStore('workflows', () => {
  const caseDir = ref(safeGet(DIR_KEY) ?? '');
  watch(caseDir, (d) => safeSet(DIR_KEY, d));
  /** Sessions chosen for the diff view (from the history). */
  const diffPair = ref<[string | null, string | null]>([null, null]);
  return { caseDir, diffPair };
});

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage disabled */
  }
}
