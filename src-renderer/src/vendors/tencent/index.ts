import type { VendorUi } from '../registry.ts';
import { messages } from './messages.ts';

export const tencentUi = {
  id: 'tencent',
  extras: () => import('./Extras.vue'),
  messages,
} as const satisfies VendorUi;
