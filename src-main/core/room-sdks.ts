/**
 * The RTC SDKs Parley's room frame can run (src-renderer/src/rooms/frame/drivers, one driver each). A room vendor's
 * descriptor names the one its rooms use; a second vendor on the same SDK needs no new driver.
 */
export const ROOM_SDKS = ['livekit', 'trtc', 'nertc'] as const;
export type RoomSdk = (typeof ROOM_SDKS)[number];

export function isRoomSdk(value: unknown): value is RoomSdk {
  return typeof value === 'string' && (ROOM_SDKS as readonly string[]).includes(value);
}
