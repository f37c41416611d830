/**
 * The room channel without the frame: the frame's server (rooms/frame/server.ts, with the real drivers over a
 * replaced SDK) and the page's RoomSession on the two ends of one MessageChannel in the test page. Everything but the
 * iframe and its origin is real; the frame itself is exercised by the E2E tests.
 */
import { serveRoom } from '../../../src-renderer/src/rooms/frame/server.ts';
import type { DriverFactory } from '../../../src-renderer/src/rooms/frame/driver.ts';
import { RoomSession, type RoomOpener } from '../../../src-renderer/src/rooms/session.ts';
import type { RoomKind, RoomSdk } from '../../../src-renderer/src/rooms/protocol.ts';

/** `drivers` by SDK, as the frame has them; a room on an SDK without one fails to open, as a frame without its driver would. */
export function localRoom(drivers: Partial<Record<RoomSdk, DriverFactory>>): RoomOpener & { opened: number; closed: number } {
  const opener = Object.assign(
    async (room: RoomKind) => {
      const factory = drivers[room.sdk];
      if (!factory) throw new Error(`localRoom: no ${room.sdk} driver`);
      const channel = new MessageChannel();
      const server = serveRoom(channel.port2, factory);
      opener.opened++;
      return new RoomSession(
        channel.port1,
        () => {
          opener.closed++;
          server.close();
        },
        { vendor: room.vendor },
      );
    },
    { opened: 0, closed: 0 },
  );
  return opener;
}
