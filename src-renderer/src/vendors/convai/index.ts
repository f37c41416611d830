import type { VendorUi } from '../registry.ts';
import { messages } from './messages.ts';

export const convaiUi = {
  id: 'convai',
  extras: () => import('./Extras.vue'),
  messages,
} as const satisfies VendorUi;
