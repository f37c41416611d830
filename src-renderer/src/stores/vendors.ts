import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { VendorView } from '../../../src-main/core/contract.ts';
import { call } from '../api.ts';

export type OperationView = VendorView['operations'][number];

export const useVendorsStore = defineStore('vendors', () => {
  const list = shallowRef<VendorView[]>([]);
  async function load(): Promise<void> {
    list.value = await call('vendors.list', {});
  }
  /** For tests and the harness: use descriptors without a bridge. */
  function setVendors(vendors: VendorView[]): void {
    list.value = vendors;
  }
  /** id → colour of every vendor (the log's families). */
  const colors = computed<ReadonlyMap<string, string>>(() => new Map(list.value.map((v) => [v.id, v.color])));
  function byId(id: string): VendorView | undefined {
    return list.value.find((v) => v.id === id);
  }
  function operation(vendorId: string, opId: string): OperationView | undefined {
    return byId(vendorId)?.operations.find((o) => o.id === opId);
  }
  return { list, colors, load, setVendors, byId, operation };
});
