import type { VendorUi } from '../registry.ts';

export const neteaseUi = {
  id: 'netease',
  extras: () => import('./Extras.vue'),
} as const satisfies VendorUi;
