import { computed, ref, watch, type WritableComputedRef } from 'vue';
import { safeGet, safeSet } from '../../local-storage.ts';

/** The window's inner size, reactive: pane sizes are kept as a share of it, so a layout follows the window. */
const windowSize = ref({ width: window.innerWidth, height: window.innerHeight });
window.addEventListener('resize', () => (windowSize.value = { width: window.innerWidth, height: window.innerHeight }));

export function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

/**
 * A pane size the user sets by dragging a splitter, in pixels, remembered per pane in web storage (a layout
 * preference, nothing sensitive) as a share of the window's width or height: the layout made on a large screen
 * keeps its proportions in a small window. What is shown stays within [minPx, maxShare × the window].
 */
export function usePaneSize(key: string, axis: 'width' | 'height', initialShare: number, minPx: number, maxShare: number): WritableComputedRef<number> {
  const stored = Number(safeGet(`parley.pane.${key}`));
  const share = ref(Number.isFinite(stored) && stored > 0 && stored < 1 ? stored : initialShare);
  watch(share, (v) => safeSet(`parley.pane.${key}`, v.toFixed(4)));
  const total = () => windowSize.value[axis];
  return computed({
    get: () => Math.round(clamp(share.value * total(), minPx, Math.max(minPx, maxShare * total()))),
    set: (px) => (share.value = clamp(px / total(), 0.01, maxShare)),
  });
}
