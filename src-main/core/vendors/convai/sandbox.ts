import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { warningHeaders, type SandboxHost, type SandboxRequest, type SandboxResponse } from '../../sandbox/host.ts';
import type { VendorErrorEntry } from '../../sandbox/faults.ts';
import { blockingErrors, findingLine, validatePayload, warningsOf } from '../../payload.ts';
import type { OperationDescriptor } from '../types.ts';
import { SANDBOX_CHARACTER_ID } from './common/schema.ts';
import { toPydanticErrors } from './pydantic.ts';
import { ConvaiSandboxRooms } from './sandbox-room.ts';
import { roomOptionsOf } from './sandbox-bot.ts';
import { SandboxRooms } from '../../sandbox/rooms/service.ts';
import { convaiBotSpec } from '../../sandbox/rooms/convai-persona.ts';
import { roomBaseUrl } from '../../sandbox/rooms/wire.ts';

/** The demo key the sandbox accepts (a public value, handled as a secret anyway). */
export const SANDBOX_API_KEY = 'sandbox-convai-key-0001';

/** Characters the sandbox knows. Any other id gets the documented 404. */
export const SANDBOX_CHARACTERS: Record<string, string> = {
  [SANDBOX_CHARACTER_ID]: 'Ava, museum guide (sandbox)',
  'c0ffee00-1111-4222-8333-944455556666': 'Kai, support agent (sandbox)',
};

export const NOT_FOUND_DETAIL = "Character not found or doesn't belong to user";

// Signs the tokens of the loopback room (no livekit-server here). Not a secret of anyone's; only the sandbox checks it.
const TOKEN_SIGNING_KEY = 'parley-convai-sandbox-livekit-secret';

/** A loopback room's character leaves a room nobody joined after this long (as the LiveKit character does). */
const LOOPBACK_IDLE_MS = 10 * 60_000;

function json(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers }, body };
}

/** The status codes the Connect page documents, and the two the sandbox chose for a bad key (docs/vendors/convai.md#error-codes). */
export const CONVAI_ERRORS: VendorErrorEntry[] = [
  {
    code: '404',
    meaning: "Character not found or doesn't belong to user",
    kind: 'documented',
    ref: 'docs/vendors/convai.md#error-codes',
    when: 'every POST /connect',
  },
  {
    code: '422',
    meaning: 'Validation error: a pydantic detail list with type, loc, msg, input, ctx',
    kind: 'documented',
    ref: 'docs/vendors/convai.md#error-codes',
    when: 'every POST /connect',
  },
  {
    code: '401',
    meaning: 'Missing X-API-Key (status not in the Connect page)',
    kind: 'inferred',
    ref: 'docs/vendors/convai.md#error-codes',
    when: 'every POST /connect',
  },
  {
    code: '403',
    meaning: 'Invalid API key (status not in the Connect page)',
    kind: 'inferred',
    ref: 'docs/vendors/convai.md#error-codes',
    when: 'every POST /connect',
  },
];

const INFERRED_STATUS = '[sandbox, inferred: the Connect page documents no status for this]';

/** An injected error in Convai's own shape: `{"detail": …}`, JSON, with a request id. */
function injectedError(entry: VendorErrorEntry): SandboxResponse {
  const requestId = `req_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  if (entry.code === '422')
    return json(
      422,
      { detail: [{ type: 'value_error', loc: ['body', 'character_id'], msg: 'Value error, injected fault', input: null, ctx: { error: 'injected fault' } }] },
      requestId,
    );
  if (entry.code === '404') return json(404, { detail: NOT_FOUND_DETAIL }, requestId);
  return json(Number(entry.code), { detail: `${entry.meaning} (injected fault)` }, requestId);
}

/** A LiveKit access token (HS256 JWT with a video grant), shaped like the real thing, for the loopback room. */
export function sandboxLiveKitToken(roomName: string, identity: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ alg: 'HS256', typ: 'JWT' });
  const claims = b64({
    iss: 'APIsandboxconvai',
    sub: identity,
    nbf: nowSeconds,
    exp: nowSeconds + 3600,
    video: { room: roomName, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
  });
  const sig = createHmac('sha256', TOKEN_SIGNING_KEY).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${sig}`;
}

/** A loopback room join's check, as livekit-server checks a token: signed by the sandbox, for this room and identity, not expired. */
export function checkSandboxLiveKitToken(
  token: string,
  roomName: string,
  identity: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): { code: string; message: string } | null {
  const [header, claims, sig] = token.split('.');
  const expected = createHmac('sha256', TOKEN_SIGNING_KEY).update(`${header}.${claims}`).digest();
  const given = Buffer.from(sig ?? '', 'base64url');
  if (!header || !claims || given.length !== expected.length || !timingSafeEqual(given, expected))
    return { code: 'UNAUTHORIZED', message: 'invalid token: not signed by this sandbox (use the token /connect returned)' };
  let c: { sub?: unknown; exp?: unknown; video?: { room?: unknown; roomJoin?: unknown } };
  try {
    c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as typeof c;
  } catch {
    return { code: 'UNAUTHORIZED', message: 'invalid token: its claims are not JSON' };
  }
  if (typeof c.exp === 'number' && c.exp < nowSeconds) return { code: 'UNAUTHORIZED', message: 'invalid token: expired (call /connect again)' };
  if (c.video?.room !== roomName || c.video?.roomJoin !== true) return { code: 'UNAUTHORIZED', message: `invalid token: no grant to join room "${roomName}"` };
  if (c.sub !== identity) return { code: 'UNAUTHORIZED', message: `invalid token: it is for "${String(c.sub)}", not "${identity}"` };
  return null;
}

/**
 * POST /convai/connect (docs/vendors/convai.md#sandbox): X-API-Key check (missing 401, wrong 403, both inferred and
 * labelled so), the documented constraints of the operation's own schema as pydantic 422 details, the documented 404
 * for unknown characters, and a 200 with session and room fields. With livekit-server on this machine the room is
 * real: room_url is the loopback LiveKit server, the token is minted for it, and the sandbox character is in the room
 * before the answer (sandbox-room.ts). Without it (or with PARLEY_LIVEKIT_SERVER=none) the room is the loopback
 * sandbox room the Tencent and NetEase sandboxes use (sandbox/rooms/): room_url is its WebSocket URL
 * (ws://127.0.0.1:<port>/convai/_room), the token is signed by the sandbox and checked at the join, the same
 * character (convai-persona.ts) is in the room before the answer, and a warning says which room it is.
 */
export function mountConvaiSandbox(
  host: SandboxHost,
  connect: OperationDescriptor,
  rooms = new ConvaiSandboxRooms({ note: (m) => host.note('convai', m) }),
): void {
  host.declareErrors('convai', CONVAI_ERRORS, injectedError);
  host.onClose(() => rooms.close());
  const loopback = new SandboxRooms(host, 'convai', (room, user, token) => checkSandboxLiveKitToken(token, room, user));
  host.http('convai', 'POST', '/connect', (req) => handleConnect(req, connect, host, rooms, loopback));
}

export async function handleConnect(
  req: SandboxRequest,
  connect: OperationDescriptor,
  host?: SandboxHost,
  rooms?: ConvaiSandboxRooms,
  loopback?: SandboxRooms,
): Promise<SandboxResponse> {
  const requestId = `req_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const key = req.headers['x-api-key'];
  // The key is required (the Connect page) but the page gives no status for a missing or wrong one: 401/403 are inferred.
  if (!key) return json(401, { detail: `Missing X-API-Key header ${INFERRED_STATUS}` }, requestId);
  if (key !== SANDBOX_API_KEY) return json(403, { detail: `Invalid API key ${INFERRED_STATUS}` }, requestId);

  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    const detail = [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: (err as Error).message } }];
    return json(422, { detail }, requestId);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return json(
      422,
      { detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }] },
      requestId,
    );
  }
  const payload = body as Record<string, unknown>;
  // Only documented constraints make a 422; inferred ones, advice and undocumented fields are warnings.
  const findings = validatePayload(connect, payload);
  const warnings = warningsOf(findings).map(findingLine);
  const errors = blockingErrors(findings);
  if (errors.length) return json(422, { detail: toPydanticErrors(connect.schema, payload, errors) }, requestId, noted(host, warnings));

  const characterId = String(payload.character_id);
  if (!SANDBOX_CHARACTERS[characterId]) return json(404, { detail: NOT_FOUND_DETAIL }, requestId, noted(host, warnings));

  const sessionId = randomUUID();
  const roomName = `convai-${sessionId.slice(0, 8)}`;
  const endUser = (payload.end_user_id as string | undefined) ?? null;
  const identity = endUser ?? `user-${sessionId.slice(0, 8)}`;
  let room: { room_url: string; token: string };
  const available = rooms?.availability();
  // The host's bot settings (POST /_sandbox/bot/convai: think time, barge-in) reach the character as in the other rooms.
  const bot = { ...host?.botSettings('convai'), ...(host?.fault('convai')?.kind === 'mishear' ? { mishear: true } : {}) };
  if (rooms && available?.found) {
    try {
      const opened = await rooms.open(roomName, identity, roomOptionsOf(payload), bot);
      room = { room_url: opened.url, token: opened.token };
    } catch (err) {
      const message = `[sandbox] the sandbox room could not be started: ${(err as Error).message}`;
      host?.note('convai', message);
      return json(503, { detail: message }, requestId, noted(host, warnings));
    }
  } else if (host && loopback) {
    const character = `character-${randomUUID().slice(0, 8)}`;
    loopback.startBot(roomName, convaiBotSpec({ identity: character, room: roomOptionsOf(payload), settings: bot, idleMs: LOOPBACK_IDLE_MS }));
    warnings.push(`[sandbox] room_url is the loopback sandbox room (no LiveKit server: ${available && !available.found ? available.reason : 'none here'})`);
    room = { room_url: roomBaseUrl(host.vendorUrl('convai')), token: sandboxLiveKitToken(roomName, identity) };
  } else {
    warnings.push(
      `[sandbox] no LiveKit server behind room_url: ${available && !available.found ? available.reason : 'this sandbox runs no rooms'}; replay a recorded sequence instead`,
    );
    room = { room_url: `ws://${req.headers.host ?? '127.0.0.1'}/convai/livekit`, token: sandboxLiveKitToken(roomName, identity) };
  }
  return json(
    200,
    {
      session_id: sessionId,
      character_session_id: (payload.character_session_id as string | undefined) ?? randomUUID(),
      room_url: room.room_url,
      room_name: roomName,
      token: room.token,
      end_user_id: endUser,
    },
    requestId,
    noted(host, warnings),
  );
}

/** The warnings as sandbox notes and as the warnings header. */
function noted(host: SandboxHost | undefined, warnings: string[]): Record<string, string> {
  for (const w of warnings) host?.note('convai', `connect: ${w}`);
  return warningHeaders(warnings);
}
