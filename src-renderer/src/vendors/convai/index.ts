import type { VendorUi } from '../registry.ts';
import { PAYLOAD_RULES } from '../../../../src-main/core/vendors/convai/common/schema.ts';
import { messages } from './messages.ts';

export const convaiUi = {
  id: 'convai',
  extras: () => import('./Extras.vue'),
  messages,
  payloadRules: PAYLOAD_RULES,
} as const satisfies VendorUi;
