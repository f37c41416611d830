import type { VendorUi } from '../registry.ts';
import { messages } from './messages.ts';

export const neteaseUi = {
  id: 'netease',
  extras: () => import('./Extras.vue'),
  messages,
} as const satisfies VendorUi;
