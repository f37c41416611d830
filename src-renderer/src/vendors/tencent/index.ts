import type { VendorUi } from '../registry.ts';

export const tencentUi = {
  id: 'tencent',
  extras: () => import('./Extras.vue'),
} as const satisfies VendorUi;
