import { VENDORS } from '../core/vendors/registry.ts';
import type { RoomFrameSpec } from '../core/vendors/types.ts';

/**
 * The network origins a room frame may connect to (CSP connect-src). The renderer talks to main over IPC; the only
 * network traffic it makes itself is joining a vendor's WebRTC room, so these are the hosts the room SDKs dial. Each
 * room vendor's descriptor lists its own (`room.connectSources`, read from the SDK sources in node_modules, versions
 * in package-lock.json, with why each is there), and each list is allowed only in the frame that runs that vendor's
 * SDK (csp.ts), so one vendor's SDK can reach no other vendor's hosts. Reporting hosts the SDKs always use are the
 * vendor's own servers and are allowed for that vendor only. Dynamic signalling hosts are allowed by the vendor's
 * domain wildcard; if a vendor answers with a bare IP address, joining fails with a CSP violation in the room frame's
 * console (visible, not silent) and the host belongs in that vendor's list. Loopback is allowed for the built-in
 * sandbox rooms, which run on 127.0.0.1 only.
 */
export const SANDBOX_ROOM_SOURCES: readonly string[] = ['ws://127.0.0.1:*', 'http://127.0.0.1:*'];

/** A registered vendor's room-frame needs, undefined for a vendor without a room (or no such vendor). */
export function roomSpecOf(vendor: string): RoomFrameSpec | undefined {
  return VENDORS.find((v) => v.id === vendor)?.room;
}

/** The ids of the registered vendors that have a room. */
export function roomVendorIds(): string[] {
  return VENDORS.filter((v) => v.room).map((v) => v.id);
}

/** Every room vendor's hosts and loopback: the policy of the frame's script and asset files, which run no SDK by themselves. */
export function rtcConnectSources(): string[] {
  return [...new Set([...VENDORS.flatMap((v) => v.room?.connectSources ?? []), ...SANDBOX_ROOM_SOURCES])];
}
