import { defineAsyncComponent, type Component } from 'vue';
import type { VendorId } from '../../../src-main/core/vendors/types.ts';

/**
 * Vendor-specific parts of a vendor panel (room join, client-message forms, metrics), loaded only when the
 * vendor is opened so the RTC SDKs stay out of the initial bundle. Each receives the props in `VendorExtrasProps`.
 */
export const vendorExtras: Record<VendorId, Component> = {
  convai: defineAsyncComponent(() => import('./convai/Extras.vue')),
  netease: defineAsyncComponent(() => import('./netease/Extras.vue')),
  mindcraft: defineAsyncComponent(() => import('./mindcraft/Extras.vue')),
  tencent: defineAsyncComponent(() => import('./tencent/Extras.vue')),
};

export interface VendorExtrasProps {
  /** Profile id the panel is using. */
  profileId: string;
  /** The running or last session of this panel, if any. */
  sessionId: string | null;
  /** Operation id selected in the payload builder. */
  operation: string;
  /** The payload currently in the builder (with secret references, never values). */
  payload: Record<string, unknown>;
}

/**
 * What an Extras component may ask of its panel: `update:payload` replaces the builder's payload (e.g. Tencent's
 * "Fill AgentConfig.UserSig" and "Use TaskId"). The panel should bind it: `@update:payload="p => payload = p"`.
 */
export interface VendorExtrasEmits {
  'update:payload': [payload: Record<string, unknown>];
}
