import type { VendorUi } from '../registry.ts';
import { PAYLOAD_RULES } from '../../../../src-main/core/vendors/tencent/common/schemas.ts';
import { messages } from './messages.ts';
import { tencentTasks } from './tasks.ts';

export const tencentUi = {
  id: 'tencent',
  extras: () => import('./Extras.vue'),
  messages,
  payloadRules: PAYLOAD_RULES,
  tasks: tencentTasks,
} as const satisfies VendorUi;
