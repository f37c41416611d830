import type { VendorId } from '../vendors/types.ts';

export interface Profile {
  id: string;
  name: string;
  vendor: VendorId;
  target: 'sandbox' | 'live';
  /** Non-secret settings validated against the vendor's `settingsSchema` (endpoint, region, ...). */
  settings: Record<string, unknown>;
  /** Timeouts in ms; defaults in `DEFAULT_TIMEOUTS`. */
  timeouts?: Partial<Timeouts>;
  createdAt: string;
  updatedAt: string;
}

export interface Timeouts {
  connectMs: number;
  responseMs: number;
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, responseMs: 15_000, idleMs: 60_000 };
