/**
 * The room frame's entry (room.html?vendor=…, served on its own origin with that vendor's CSP; see
 * src-main/app/csp.ts). It waits for the one connect message from the Parley page that embeds it, then serves the
 * room channel, for that one vendor, on the port that message carries. Nothing else reaches it: no window.parley,
 * no access to the page.
 */
import { roomOriginFor } from '../../../../src-main/app/app-origin.ts';
import { CONNECT_MESSAGE, ROOM_VENDORS, type RoomVendor } from '../protocol.ts';
import type { DriverFactory } from './driver.ts';
import { livekitDriver } from './drivers/livekit.ts';
import { nertcDriver } from './drivers/nertc.ts';
import { trtcDriver } from './drivers/trtc.ts';
import { serveRoom } from './server.ts';

function onConnect(e: MessageEvent): void {
  // Only our page, from the origin that pairs with ours, and only once.
  if (e.source !== window.parent || window.parent === window || roomOriginFor(e.origin) !== location.origin) return;
  if ((e.data as { type?: unknown } | null)?.type !== CONNECT_MESSAGE || !e.ports[0]) return;
  window.removeEventListener('message', onConnect);
  const port = e.ports[0];
  serveRoom(port, { [vendor!]: DRIVERS[vendor!]() });
  port.postMessage({ type: 'ready' });
}

const DRIVERS: Record<RoomVendor, () => DriverFactory> = { convai: livekitDriver, tencent: trtcDriver, netease: nertcDriver };
const vendor = ROOM_VENDORS.find((v) => v === new URLSearchParams(location.search).get('vendor'));
// Served only for a known vendor; anything else has no SDK to run.
if (vendor) window.addEventListener('message', onConnect);
