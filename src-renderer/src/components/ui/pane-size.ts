import { ref, watch, type Ref } from 'vue';
import { safeGet, safeSet } from '../../local-storage.ts';

/**
 * A pane size in pixels that the user sets by dragging a splitter, remembered per pane in web storage (a layout
 * preference, nothing sensitive) and kept within [min, max].
 */
export function usePaneSize(key: string, initial: number, min: number, max: number): Ref<number> {
  const stored = Number(safeGet(`parley.pane.${key}`));
  const size = ref(Number.isFinite(stored) && stored > 0 ? clamp(stored, min, max) : initial);
  watch(size, (v) => safeSet(`parley.pane.${key}`, String(Math.round(v))));
  return size;
}

export function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}
