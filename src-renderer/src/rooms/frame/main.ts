/**
 * The room frame's entry (room.html?vendor=…&sdk=…, served on its own origin with that vendor's CSP; see
 * src-main/app/csp.ts). It waits for the one connect message from the Parley page that embeds it, then serves the
 * room channel, with the driver of that one SDK, on the port that message carries. Nothing else reaches it: no
 * window.parley, no access to the page.
 */
import { roomOriginFor } from '../../../../src-main/app/app-origin.ts';
import { CONNECT_MESSAGE, isRoomSdk, type RoomSdk } from '../protocol.ts';
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
  serveRoom(port, SDK_DRIVERS[sdk as RoomSdk]());
  port.postMessage({ type: 'ready' });
}

/** One driver per RTC SDK (core's ROOM_SDKS): the type checker refuses an SDK without its driver. */
const SDK_DRIVERS: Record<RoomSdk, () => DriverFactory> = { livekit: livekitDriver, trtc: trtcDriver, nertc: nertcDriver };
const sdk = new URLSearchParams(location.search).get('sdk');
// Served only for a known SDK; anything else has nothing to run.
if (isRoomSdk(sdk)) window.addEventListener('message', onConnect);
