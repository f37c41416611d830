import type { VendorUi } from '../registry.ts';
import { PAYLOAD_RULES } from '../../../../src-main/core/vendors/netease/common/rules.ts';
import { messages } from './messages.ts';
import { neteaseTasks } from './tasks.ts';

export const neteaseUi = {
  id: 'netease',
  extras: () => import('./Extras.vue'),
  messages,
  payloadRules: PAYLOAD_RULES,
  tasks: neteaseTasks,
} as const satisfies VendorUi;
