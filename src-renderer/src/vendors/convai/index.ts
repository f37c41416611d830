import type { VendorUi } from '../registry.ts';

export const convaiUi = {
  id: 'convai',
  extras: () => import('./Extras.vue'),
} as const satisfies VendorUi;
