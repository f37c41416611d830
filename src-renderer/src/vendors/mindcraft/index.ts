import type { VendorUi } from '../registry.ts';

export const mindcraftUi = {
  id: 'mindcraft',
  extras: () => import('./Extras.vue'),
} as const satisfies VendorUi;
