import type { VendorDescriptor, VendorId } from './types.ts';
import { convai } from './convai/index.ts';
import { netease } from './netease/index.ts';
import { mindcraft } from './mindcraft/index.ts';
import { tencent } from './tencent/index.ts';

export const VENDORS: readonly VendorDescriptor[] = [convai, netease, mindcraft, tencent];

export function vendorById(id: string): VendorDescriptor {
  const v = VENDORS.find((x) => x.id === id);
  if (!v) throw new Error(`vendor: expected one of ${VENDORS.map((x) => x.id).join(', ')}, got "${id}"`);
  return v;
}

export function credentialEnvName(vendor: VendorId, name: string): string {
  return `PARLEY_${vendor.toUpperCase()}_${name}`;
}
