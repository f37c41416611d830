/**
 * The vendor registry: the one list every other list of vendors is derived from (contract, profiles, case files,
 * bundles, CLI commands and credential variables, external links, room-frame policies; in the renderer, through
 * vendors.list, the sidebar, the panels and the log filter). Adding a vendor is its folder here, its folder under
 * src-renderer/src/vendors, one line below and one line in src-renderer/src/vendors/registry.ts.
 *
 * `registerVendor` is how the built-in vendors are added, and the only way: a test registers a vendor of its own the
 * same way (a vendor under test/vendors/), in its own process.
 */
import { VENDOR_ID_PATTERN, type RoomJoinContext, type VendorDescriptor, type VendorId } from './types.ts';
import { convai } from './convai/index.ts';
import { netease } from './netease/index.ts';
import { mindcraft } from './mindcraft/index.ts';
import { tencent } from './tencent/index.ts';
// A vendor registered at run time (a test's) has no generated validators: Node compiles its schemas on first use.
import '../validation/node-compiler.ts';

/** The vendors Parley ships, in sidebar order. One line a vendor. */
export const BUILT_IN_VENDORS = [convai, netease, mindcraft, tencent] as const;

/** The ids of the built-in vendors: the renderer's registry must have an entry for each (and for no other). */
export type BuiltInVendorId = (typeof BUILT_IN_VENDORS)[number]['id'];

/**
 * A built-in room vendor without its voice-turn path is half-registered (cases, compare and scenarios could only
 * reach its control plane): the type checker names it here. `satisfies VendorDescriptor` keeps what a vendor has.
 */
type RoomVendorWithoutVoiceTurns = Exclude<Extract<(typeof BUILT_IN_VENDORS)[number], { room: object }>, { voiceTurns: object }>['id'];
const everyRoomVendorHasVoiceTurns: [RoomVendorWithoutVoiceTurns] extends [never] ? true : { missingVoiceTurns: RoomVendorWithoutVoiceTurns } = true;
void everyRoomVendorHasVoiceTurns;

type RoomJoinOf<V> = V extends { roomJoin(ctx: RoomJoinContext): Promise<infer Info> } ? Info : never;
/**
 * What room.join answers: the join information of one of the built-in room vendors, each with its own params type,
 * told apart by `vendor` (the renderer narrows on it; no cast between core and renderer).
 */
export type BuiltInRoomJoinInfo = RoomJoinOf<(typeof BUILT_IN_VENDORS)[number]>;
/** One built-in room vendor's join parameters, as its core builds them (`JoinParamsOf<'netease'>`). */
export type JoinParamsOf<Id extends BuiltInRoomJoinInfo['vendor']> = Extract<BuiltInRoomJoinInfo, { vendor: Id }>['params'];

const VENDOR_ID = new RegExp(VENDOR_ID_PATTERN);

const registered: VendorDescriptor[] = [];

/** Every registered vendor, in registration order (a live view: it grows when a vendor is registered). */
export const VENDORS: readonly VendorDescriptor[] = registered;

/** Add a vendor. Refuses a malformed descriptor or a second vendor with the same id, naming what is wrong. */
export function registerVendor(vendor: VendorDescriptor): void {
  const problem = descriptorProblem(vendor);
  if (problem) throw new Error(`vendor registry: ${vendor?.id ?? '?'}: ${problem}`);
  registered.push(vendor);
}

function descriptorProblem(v: VendorDescriptor): string | null {
  if (!v || typeof v.id !== 'string' || !VENDOR_ID.test(v.id)) return `id: expected lower-case letters, digits and '-' (${VENDOR_ID_PATTERN})`;
  if (registered.some((x) => x.id === v.id)) return 'is registered already';
  if (!/^#[0-9a-f]{6}$/i.test(v.color)) return 'color: expected #rrggbb';
  if (!v.operations.length) return 'operations: expected at least one';
  const names = new Set<string>();
  for (const c of v.credentials) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(c.name)) return `credentials: "${c.name}" is not an UPPER_SNAKE name (it becomes PARLEY_${v.id.toUpperCase()}_${c.name})`;
    if (names.has(c.name)) return `credentials: "${c.name}" appears twice`;
    names.add(c.name);
  }
  for (const name of Object.keys(v.sandboxCredentials)) if (!names.has(name)) return `sandboxCredentials: "${name}" is not one of its credentials`;
  if (!!v.room !== !!v.roomJoin) return 'room and roomJoin: a room vendor needs both (its frame policy and its join parameters)';
  if (v.voiceTurns?.via === 'agent' && !v.room) return "voiceTurns: the turn agent joins the vendor's room, so it needs room and roomJoin";
  if (v.voiceTurns?.via === 'core' && typeof v.voiceTurns.open !== 'function') return 'voiceTurns: open must be a function (the conversation opener)';
  return null;
}

for (const v of BUILT_IN_VENDORS) registerVendor(v);

export function isVendorId(id: unknown): id is VendorId {
  return typeof id === 'string' && registered.some((v) => v.id === id);
}

/** "convai, netease, …" for messages that say what was expected. */
export function vendorIdList(): string {
  return registered.map((v) => v.id).join(', ');
}

export function vendorById(id: string): VendorDescriptor {
  const v = registered.find((x) => x.id === id);
  if (!v) throw Object.assign(new Error(`vendor: expected one of ${vendorIdList()}, got "${id}"`), { code: 'BAD_ARGUMENTS' });
  return v;
}

/** The environment variable the CLI reads a credential from: `PARLEY_<VENDOR>_<NAME>` (derived here, nowhere else). */
export function credentialEnvName(vendor: VendorId, name: string): string {
  return `PARLEY_${vendor.toUpperCase().replace(/-/g, '_')}_${name}`;
}

/** The prefix of a vendor's variables (`PARLEY_TENCENT`), for generated code that names them. */
export function credentialEnvPrefix(vendor: VendorId): string {
  return credentialEnvName(vendor, '').replace(/_$/, '');
}
