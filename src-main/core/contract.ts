/**
 * The one table of operations the renderer may call. The Electron IPC router and the E2E WebSocket bridge
 * both serve exactly this table; arguments are validated here at run time before any handler runs.
 */
import type { JsonSchema, Localized } from './schema.ts';
import type { SessionEvent, SessionSummary, NewEvent } from './events.ts';
import type { Profile } from './profiles/types.ts';
import type { CredentialField, PayloadError, RequestInspection, RoomCredential, RoomJoinInfo, VendorId } from './vendors/types.ts';
import type { Fault } from './sandbox/faults.ts';
import { validateSchema } from './payload.ts';

export interface OperationSpec<A, R> {
  args: JsonSchema;
  doc: string;
  /** Phantom field carrying the TypeScript types. */
  readonly _types?: { args: A; result: R };
}

function op<A, R>(args: JsonSchema, doc: string): OperationSpec<A, R> {
  return { args, doc };
}

const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const str: JsonSchema = { type: 'string', minLength: 1, maxLength: 512 };
const vendorId: JsonSchema = { type: 'string', enum: ['convai', 'netease', 'mindcraft', 'tencent'] };
const anyObject: JsonSchema = { type: 'object' };
const none = obj({});

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  dataDir: string;
  locale: string;
}

export interface VendorView {
  id: VendorId;
  title: Localized;
  credentials: CredentialField[];
  settingsSchema: JsonSchema;
  operations: {
    id: string;
    title: Localized;
    description?: Localized;
    transport: 'http' | 'socket' | 'room';
    schema: JsonSchema;
    example: Record<string, unknown>;
    actions?: { id: string; title: Localized; schema?: JsonSchema }[];
    inspectable: boolean;
  }[];
  hasRoom: boolean;
}

export interface SecretStatus {
  name: string;
  label: Localized;
  set: boolean;
  /** Last four characters, only when set and longer than four. */
  last4: string;
}

export interface StartResult {
  sessionId?: string;
  /** Present instead of a session when the payload fails validation and sendAnyway is false. */
  errors?: PayloadError[];
}

export const contract = {
  'app.info': op<Record<string, never>, AppInfo>(none, 'Version, platform and data folder.'),
  'vendors.list': op<Record<string, never>, VendorView[]>(none, 'Vendor descriptors: credentials, settings schema, operations with payload schemas.'),

  'profiles.list': op<Record<string, never>, Profile[]>(none, 'All profiles (no secrets in them).'),
  'profiles.save': op<{ profile: Partial<Profile> & Pick<Profile, 'name' | 'vendor' | 'target'> }, Profile>(
    obj(
      {
        profile: {
          type: 'object',
          required: ['name', 'vendor', 'target'],
          properties: {
            id: str,
            name: { type: 'string', minLength: 1, maxLength: 120 },
            vendor: vendorId,
            target: { type: 'string', enum: ['sandbox', 'live'] },
            settings: anyObject,
            timeouts: obj({ connectMs: { type: 'integer', minimum: 100, maximum: 600000 }, responseMs: { type: 'integer', minimum: 100, maximum: 600000 }, idleMs: { type: 'integer', minimum: 100, maximum: 3600000 } }),
          },
        },
      },
      ['profile'],
    ),
    'Create or update a profile; settings are validated against the vendor settings schema.',
  ),
  'profiles.delete': op<{ id: string }, { ok: true }>(obj({ id: str }, ['id']), 'Delete a profile and its keychain secrets.'),

  'secrets.status': op<{ profileId: string }, SecretStatus[]>(obj({ profileId: str }, ['profileId']), 'Set / not set and last four characters of each credential.'),
  'secrets.set': op<{ profileId: string; name: string; value: string }, SecretStatus>(
    obj({ profileId: str, name: str, value: { type: 'string', minLength: 1, maxLength: 16384 } }, ['profileId', 'name', 'value']),
    'Store a credential in the OS keychain. The value never comes back.',
  ),
  'secrets.delete': op<{ profileId: string; name: string }, SecretStatus>(obj({ profileId: str, name: str }, ['profileId', 'name']), 'Remove a credential from the keychain.'),

  'payload.validate': op<{ vendor: VendorId; operation: string; payload: Record<string, unknown> }, PayloadError[]>(
    obj({ vendor: vendorId, operation: str, payload: anyObject }, ['vendor', 'operation', 'payload']),
    'Field-level errors of a payload against the operation schema.',
  ),
  'payload.inspect': op<{ profileId: string; operation: string; payload: Record<string, unknown> }, RequestInspection>(
    obj({ profileId: str, operation: str, payload: anyObject }, ['profileId', 'operation', 'payload']),
    'Build and sign a request without sending it; secrets masked.',
  ),

  'session.start': op<{ profileId: string; operation: string; payload: Record<string, unknown>; sendAnyway?: boolean }, StartResult>(
    obj({ profileId: str, operation: str, payload: anyObject, sendAnyway: { type: 'boolean' } }, ['profileId', 'operation', 'payload']),
    'Validate and run an operation; events follow on the session.events channel.',
  ),
  'session.send': op<{ sessionId: string; action: string; data?: unknown }, unknown>(
    obj({ sessionId: str, action: str, data: {} }, ['sessionId', 'action']),
    'An action on a running socket session (audio frame, stop upload, stop output ...).',
  ),
  'session.stop': op<{ sessionId: string }, { ok: boolean; summary: string } | null>(obj({ sessionId: str }, ['sessionId']), 'Stop a running session.'),
  'session.list': op<Record<string, never>, SessionSummary[]>(none, 'Every recorded session, newest first.'),
  'session.events': op<{ sessionId: string; from?: number; limit?: number }, { events: SessionEvent[]; total: number; badLines: number }>(
    obj({ sessionId: str, from: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 100000 } }, ['sessionId']),
    'A page of a session record.',
  ),
  'session.record': op<{ sessionId: string; events: NewEvent[] }, { seq: number }>(
    obj(
      {
        sessionId: str,
        events: {
          type: 'array',
          maxItems: 5000,
          items: obj({ kind: { type: 'string', minLength: 1, maxLength: 80 }, dir: { type: 'string', enum: ['in', 'out', 'local'] }, summary: { type: 'string', maxLength: 4000 }, data: {} }, ['kind', 'dir', 'summary']),
        },
      },
      ['sessionId', 'events'],
    ),
    'Events the renderer saw in an RTC room, appended to the session record.',
  ),
  'session.readFile': op<{ sessionId: string; name: string }, { base64: string; mime: string; bytes: number }>(
    obj({ sessionId: str, name: { type: 'string', pattern: '^[A-Za-z0-9._-]+$', maxLength: 200 } }, ['sessionId', 'name']),
    'An artifact of a session (audio), as base64.',
  ),
  'room.join': op<{ sessionId: string }, RoomJoinInfo>(obj({ sessionId: str }, ['sessionId']), 'Join parameters for the console user in the session room, minted per join.'),
  'room.credential': op<{ profileId: string; userId: string; expireSeconds?: number }, RoomCredential>(
    obj({ profileId: str, userId: { type: 'string', minLength: 1, maxLength: 64 }, expireSeconds: { type: 'integer', minimum: 60, maximum: 15552000 } }, ['profileId', 'userId']),
    'Mint a short-lived room credential (TRTC UserSig) for a user id of this profile, e.g. the bot UserSig of a payload.',
  ),

  'sandbox.info': op<Record<string, never>, { baseUrl: string; vendors: Record<string, string> }>(none, 'Start the sandboxes if needed and return their base URLs.'),
  'sandbox.fault': op<{ vendor: VendorId; fault: Fault | null }, { ok: true }>(obj({ vendor: vendorId, fault: { type: ['object', 'null'] } }, ['vendor', 'fault']), 'Inject a fault into a vendor sandbox.'),
} as const;

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type ArgsOf<N extends OpName> = NonNullable<Contract[N]['_types']>['args'];
export type ResultOf<N extends OpName> = NonNullable<Contract[N]['_types']>['result'];
export type Handlers = { [N in OpName]: (args: ArgsOf<N>) => Promise<ResultOf<N>> };

/** Channels main pushes to the renderer. */
export interface PushEvents {
  'session.events': { sessionId: string; events: SessionEvent[] };
  'session.state': SessionSummary;
}
export const PUSH_CHANNELS = ['session.events', 'session.state'] as const satisfies readonly (keyof PushEvents)[];

export const OP_NAMES = Object.keys(contract) as OpName[];

export class ContractError extends Error {
  readonly code = 'BAD_ARGUMENTS';
}

/** Validate and dispatch one call. Unknown operations and bad arguments never reach a handler. */
export async function dispatch(handlers: Handlers, name: string, args: unknown): Promise<unknown> {
  if (!Object.hasOwn(contract, name)) throw new ContractError(`unknown operation "${name}"`);
  const spec = contract[name as OpName];
  const errors = validateSchema(spec.args, args ?? {});
  if (errors.length) throw new ContractError(`${name}: ${errors.map((e) => e.message).join('; ')}`);
  return (handlers[name as OpName] as (a: unknown) => Promise<unknown>)(args ?? {});
}
