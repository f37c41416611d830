import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { safeGet, safeSet } from '../../local-storage.ts';

const DIR_KEY = 'parley.workflows.caseDir';

/** State the workflow views share: the case folder (a path, not sensitive, remembered) and cross-view requests. */
export const useWorkflowsStore = defineStore('workflows', () => {
  const caseDir = ref(safeGet(DIR_KEY) ?? '');
  watch(caseDir, (d) => safeSet(DIR_KEY, d));
  /** Sessions chosen for the diff view (from the history). */
  const diffPair = ref<[string | null, string | null]>([null, null]);
  return { caseDir, diffPair };
});
