import type { VendorUi } from '../../../../src-renderer/src/vendors/registry.ts';

/** The renderer's side of the test-only Parrot vendor: registered with registerVendorUi by the tests that use it. */
export const parrotUi = {
  id: 'parrot',
  extras: () => import('./Extras.vue'),
  messages: {
    en: { turns: 'Turns', none: 'No turns yet', heard: 'heard', replies: '{n} replies' },
    zh: { turns: '轮次', none: '暂无轮次', heard: '听到', replies: '{n} 条回复' },
  },
} as const satisfies VendorUi;
