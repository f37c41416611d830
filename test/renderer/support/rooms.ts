/**
 * The room channel without the frame: the frame's server (rooms/frame/server.ts, with the real drivers over a
 * replaced SDK) and the page's RoomSession on the two ends of one MessageChannel in the test page. Everything but the
 * iframe and its origin is real; the frame itself is exercised by the E2E tests.
 */
import { serveRoom } from '../../../src-renderer/src/rooms/frame/server.ts';
import type { DriverFactory } from '../../../src-renderer/src/rooms/frame/driver.ts';
import { RoomSession, type RoomOpener } from '../../../src-renderer/src/rooms/session.ts';
import type { RoomVendor } from '../../../src-renderer/src/rooms/protocol.ts';

export function localRoom(drivers: Partial<Record<RoomVendor, DriverFactory>>): RoomOpener & { opened: number; closed: number } {
  const opener = Object.assign(
    async (vendor: RoomVendor) => {
      const channel = new MessageChannel();
      const server = serveRoom(channel.port2, { [vendor]: drivers[vendor] });
      opener.opened++;
      return new RoomSession(channel.port1, () => {
        opener.closed++;
        server.close();
      });
    },
    { opened: 0, closed: 0 },
  );
  return opener;
}
