import type { VendorUi } from '../registry.ts';
import { messages } from './messages.ts';

export const mindcraftUi = {
  id: 'mindcraft',
  extras: () => import('./Extras.vue'),
  messages,
} as const satisfies VendorUi;
