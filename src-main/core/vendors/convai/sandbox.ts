import { createHmac, randomUUID } from 'node:crypto';
import { warningHeaders, type SandboxHost, type SandboxRequest, type SandboxResponse } from '../../sandbox/host.ts';
import type { VendorErrorEntry } from '../../sandbox/faults.ts';
import { blockingErrors, findingLine, validatePayload, warningsOf } from '../../payload.ts';
import type { OperationDescriptor } from '../types.ts';
import { SANDBOX_CHARACTER_ID } from './common/schema.ts';
import { toPydanticErrors } from './pydantic.ts';
import { ConvaiSandboxRooms } from './sandbox-room.ts';
import { roomOptionsOf } from './sandbox-bot.ts';

/** The demo key the sandbox accepts (a public value, handled as a secret anyway). */
export const SANDBOX_API_KEY = 'sandbox-convai-key-0001';

/** Characters the sandbox knows. Any other id gets the documented 404. */
export const SANDBOX_CHARACTERS: Record<string, string> = {
  [SANDBOX_CHARACTER_ID]: 'Ava, museum guide (sandbox)',
  'c0ffee00-1111-4222-8333-944455556666': 'Kai, support agent (sandbox)',
};

export const NOT_FOUND_DETAIL = "Character not found or doesn't belong to user";

// Signs the tokens of the room nothing serves (no livekit-server here). Not a secret of anyone's; no server checks it.
const TOKEN_SIGNING_KEY = 'parley-convai-sandbox-livekit-secret';

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

/** A LiveKit access token (HS256 JWT with a video grant), shaped like the real thing, for the room nothing serves. */
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

/**
 * POST /convai/connect (docs/vendors/convai.md#sandbox): X-API-Key check (missing 401, wrong 403, both inferred and
 * labelled so), the documented constraints of the operation's own schema as pydantic 422 details, the documented 404
 * for unknown characters, and a 200 with session and room fields. With livekit-server on this machine the room is
 * real: room_url is the loopback LiveKit server, the token is minted for it, and the sandbox character is in the room
 * before the answer (sandbox-room.ts). Without it room_url has nothing behind it, a warning says why, and the room is
 * exercised with recorded sequences.
 */
export function mountConvaiSandbox(
  host: SandboxHost,
  connect: OperationDescriptor,
  rooms = new ConvaiSandboxRooms({ note: (m) => host.note('convai', m) }),
): void {
  host.declareErrors('convai', CONVAI_ERRORS, injectedError);
  host.onClose(() => rooms.close());
  host.http('convai', 'POST', '/connect', (req) => handleConnect(req, connect, host, rooms));
}

export async function handleConnect(
  req: SandboxRequest,
  connect: OperationDescriptor,
  host?: SandboxHost,
  rooms?: ConvaiSandboxRooms,
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
  if (rooms && available?.found) {
    try {
      const opened = await rooms.open(roomName, identity, roomOptionsOf(payload), host?.fault('convai')?.kind === 'mishear' ? { mishear: true } : {});
      room = { room_url: opened.url, token: opened.token };
    } catch (err) {
      const message = `[sandbox] the sandbox room could not be started: ${(err as Error).message}`;
      host?.note('convai', message);
      return json(503, { detail: message }, requestId, noted(host, warnings));
    }
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
