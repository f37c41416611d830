/**
 * One shape for a room vendor's room, whatever its SDK: the three room adapters (TencentRoom, NeteaseRoom, Convai's
 * joinRoom with its data-channel pipeline) each have a join function here that returns it, typed by the join
 * parameters core builds for that vendor (JoinParamsOf), so the parameters keep their type from core's room.join to
 * the adapter. The room's vendor messages go into the session record through `record` (the adapters' own parsers);
 * its remote audio plays at the RoomOpener's player. The type checker rejects a room vendor without a join here.
 */
import type { NewEvent } from '../../../src-main/core/events.ts';
import type { BuiltInRoomJoinInfo, JoinParamsOf } from '../../../src-main/core/vendors/registry.ts';
import type { SpeechSource } from './protocol.ts';
import type { RoomOpener } from './session.ts';
import { joinTencentRoomSession } from '../vendors/tencent/trtc-room.ts';
import { joinNeteaseRoomSession } from '../vendors/netease/room.ts';
import { joinConvaiRoomSession } from '../vendors/convai/room.ts';

export interface VendorRoomSession {
  /** Play the speech into the published track (a file once, or the microphone); rejects when it could not. */
  publish(source: SpeechSource): Promise<void>;
  /** The vendor's own interrupt (TRTC 20001, aiManualInterrupt, Convai interrupt-bot). */
  interrupt(): Promise<void>;
  leave(): Promise<void>;
  /** The bot's id in the room ('' until it is known). */
  readonly botId: string;
}

export interface VendorRoomDeps {
  open: RoomOpener;
  record(events: NewEvent[]): void;
}

type RoomVendor = BuiltInRoomJoinInfo['vendor'];
export type VendorRoomJoin<V extends RoomVendor> = (params: JoinParamsOf<V>, deps: VendorRoomDeps) => Promise<VendorRoomSession>;

export const VENDOR_ROOMS: { [V in RoomVendor]: VendorRoomJoin<V> } = {
  tencent: joinTencentRoomSession,
  netease: joinNeteaseRoomSession,
  convai: joinConvaiRoomSession,
};

/** Join the room core's room.join describes, with its vendor's adapter. */
export function joinVendorRoom(info: BuiltInRoomJoinInfo, deps: VendorRoomDeps): Promise<VendorRoomSession> {
  // Each entry takes its own vendor's parameters (the map's type); `info` pairs a vendor with its parameters.
  const join = VENDOR_ROOMS[info.vendor] as VendorRoomJoin<RoomVendor> | undefined;
  if (!join) return Promise.reject(new Error(`no room adapter for ${String((info as { vendor: unknown }).vendor)}`));
  return join(info.params, deps);
}
