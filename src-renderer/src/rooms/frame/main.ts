/**
 * The room frame's entry (room.html, served on its own origin with its own CSP; see src-main/app/csp.ts). It waits
 * for the one connect message from the Parley page that embeds it, then serves the room channel on the port that
 * message carries. Nothing else reaches it: no window.parley, no access to the page.
 */
import { roomOriginFor } from '../../../../src-main/app/app-origin.ts';
import { CONNECT_MESSAGE } from '../protocol.ts';
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
  serveRoom(port, { convai: livekitDriver(), tencent: trtcDriver(), netease: nertcDriver() });
  port.postMessage({ type: 'ready' });
}
window.addEventListener('message', onConnect);
