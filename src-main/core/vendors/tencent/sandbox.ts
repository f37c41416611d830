/**
 * A loopback Tencent Cloud API 3.0 endpoint for the TRTC AI conversation actions (docs/vendors/tencent.md#sandbox).
 * It verifies the TC3 signature, refuses only what the documents refuse (documented constraints, regions outside
 * the four the document lists), lets undocumented parameters through with a warning (X-Parley-Sandbox-Warnings
 * header and the `parley sandbox` console), keeps tasks with a status lifecycle, rate-limits, and answers in the
 * API 3.0 envelope (HTTP 200, JSON, Response.Error). Every documented error code can be injected as a fault.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { warningHeaders, type SandboxHost, type SandboxRequest, type SandboxResponse } from '../../sandbox/host.ts';
import type { VendorErrorEntry } from '../../sandbox/faults.ts';
import { blockingErrors, findingLine, fromWire, validatePayload, warningsOf } from '../../payload.ts';
import { ACTIONS, API_VERSION, REGIONS, SCHEMAS, extraRules, type TencentAction } from './common/schemas.ts';
import { MAX_CLOCK_SKEW_S, expectedSignature, parseAuthorization, sameHex, utcDate } from './tc3.ts';
import { verifyUserSig } from './usersig.ts';
import { SandboxRooms } from '../../sandbox/rooms/service.ts';
import { tencentBotSpec, tencentRoomKey } from '../../sandbox/rooms/tencent-persona.ts';

export const SANDBOX_CREDENTIALS = {
  SECRET_ID: 'AKIDsandbox-tencent-id-0001',
  SECRET_KEY: 'sandbox-tencent-key-0001',
  SDK_APP_ID: '1400000001',
  SDK_SECRET_KEY: 'sandbox-tencent-sdk-key-0001',
  LLM_API_KEY: 'sandbox-tencent-llm-key-0001',
  TTS_SECRET_ID: 'sandbox-tencent-tts-id-0001',
  TTS_SECRET_KEY: 'sandbox-tencent-tts-key-0001',
};

export type TaskStatus = 'Idle' | 'Preparing' | 'InProgress' | 'Stopped';

interface Task {
  taskId: string;
  sessionId: string;
  sdkAppId: number;
  roomId: string;
  startedAt: number;
  stoppedAt: number | null;
  payload: Record<string, unknown>;
  /** Takes the task's bot out of its sandbox room. */
  leaveRoom?: () => void;
}

export interface TencentSandboxOptions {
  now?: () => number;
  /** Status walk: Idle until idleMs after start, Preparing until preparingMs, then InProgress until stopped. */
  idleMs?: number;
  preparingMs?: number;
  /** A stopped task is reported as Stopped (cleaning up) this long, then forgotten. */
  stoppedMs?: number;
  /** Requests per second per SecretId and action. */
  rateLimit?: number;
  /** SecretId → SecretKey accepted by the endpoint; SdkAppId → SDK secret key for UserSig checks. */
  keys?: Record<string, string>;
  sdkKeys?: Record<number, string>;
}

const E = (code: string, meaning: string, anchor: string, when: string): VendorErrorEntry => ({
  code,
  meaning,
  kind: 'documented',
  ref: `docs/vendors/tencent.md#${anchor}`,
  when,
});
const EVERY_CALL = 'every API call while the fault is set';
/** The business codes of the AI conversation pages, then the API 3.0 common codes those pages refer to. */
export const TENCENT_ERRORS: VendorErrorEntry[] = [
  E('FailedOperation.NotAbility', 'Need to unlock the required ability', 'error-codes', EVERY_CALL),
  E('FailedOperation.NotAllowed', 'This operation is not allowed, please submit a ticket to contact us', 'error-codes', EVERY_CALL),
  E('FailedOperation.TaskExist', 'Task already exists', 'error-codes', EVERY_CALL),
  E('InvalidParameter.UserSig', 'UserSig is expired or wrong', 'error-codes', EVERY_CALL),
  E('ResourceInsufficient.RequestRejection', 'Insufficient resources', 'error-codes', EVERY_CALL),
  E('FailedOperation.TaskNotExist', 'The task does not exist', 'error-codes', EVERY_CALL),
  E('InvalidParameter.TaskId', 'Invalid TaskId', 'error-codes', EVERY_CALL),
  ...(
    [
      ['ActionOffline', 'This API has been deprecated'],
      ['AuthFailure.InvalidAuthorization', 'Authorization in the request header is invalid'],
      ['AuthFailure.InvalidSecretId', 'Invalid key (not a TencentCloud API key type)'],
      ['AuthFailure.MFAFailure', 'MFA failed'],
      ['AuthFailure.SecretIdNotFound', 'The key does not exist'],
      ['AuthFailure.SignatureExpire', 'Signature expired: timestamp and server time differ by more than five minutes'],
      ['AuthFailure.SignatureFailure', 'Invalid signature'],
      ['AuthFailure.TokenFailure', 'Token error'],
      ['AuthFailure.UnauthorizedOperation', 'The request is not authorized'],
      ['DryRunOperation', 'DryRun operation: the request would have succeeded'],
      ['FailedOperation', 'Operation failed'],
      ['InternalError', 'Internal error'],
      ['InvalidAction', 'The API does not exist'],
      ['InvalidParameter', 'Incorrect parameter'],
      ['InvalidParameterValue', 'Invalid parameter value'],
      ['InvalidRequest', 'The multipart format of the request body is incorrect'],
      ['IpInBlacklist', 'Your IP is in the uin IP blocklist'],
      ['IpNotInWhitelist', 'Your IP is not in the uin IP allowlist'],
      ['LimitExceeded', 'Quota limit exceeded'],
      ['MissingParameter', 'A parameter is missing'],
      ['NoSuchProduct', 'The product does not exist'],
      ['NoSuchVersion', 'The API version does not exist'],
      ['RequestLimitExceeded', 'The number of requests exceeds the frequency limit'],
      ['RequestLimitExceeded.GlobalRegionUinLimitExceeded', 'The global region request limit for this account is exceeded'],
      ['RequestLimitExceeded.IPLimitExceeded', 'The number of requests from this IP exceeds the frequency limit'],
      ['RequestLimitExceeded.UinLimitExceeded', 'The number of requests from this account exceeds the frequency limit'],
      ['RequestSizeLimitExceeded', 'The request size exceeds the limit'],
      ['ResourceInUse', 'The resource is in use'],
      ['ResourceInsufficient', 'Insufficient resources'],
      ['ResourceNotFound', 'The resource does not exist'],
      ['ResourceUnavailable', 'The resource is unavailable'],
      ['ResponseSizeLimitExceeded', 'The response size exceeds the limit'],
      ['ServiceUnavailable', 'The service is unavailable now'],
      ['UnauthorizedOperation', 'Unauthorized operation'],
      ['UnknownParameter', 'Unknown parameter'],
      ['UnsupportedOperation', 'Unsupported operation'],
      ['UnsupportedProtocol', 'The HTTP(S) request protocol is invalid: only GET and POST are supported'],
      ['UnsupportedRegion', 'The API does not support the region'],
    ] as const
  ).map(([code, meaning]) => E(code, meaning, 'common-error-codes', EVERY_CALL)),
];

/** Tencent's error envelope: HTTP 200, JSON, `{"Response":{"Error":{"Code","Message"},"RequestId"}}`. */
export function errorResponse(code: string, message: string, requestId: string = randomUUID(), headers: Record<string, string> = {}): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: { Response: { Error: { Code: code, Message: message }, RequestId: requestId } },
  };
}

class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class TencentSandbox {
  private tasks = new Map<string, Task>();
  private hits = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly preparingMs: number;
  private readonly stoppedMs: number;
  private readonly rateLimit: number;
  private readonly keys: Record<string, string>;
  private readonly sdkKeys: Record<number, string>;

  constructor(opts: TencentSandboxOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.idleMs = opts.idleMs ?? 300;
    this.preparingMs = opts.preparingMs ?? 1000;
    this.stoppedMs = opts.stoppedMs ?? 60_000;
    this.rateLimit = opts.rateLimit ?? 20;
    this.keys = opts.keys ?? { [SANDBOX_CREDENTIALS.SECRET_ID]: SANDBOX_CREDENTIALS.SECRET_KEY };
    // Any SdkAppId is accepted with the sandbox SDK secret key, so the doc example's app id works after "Fill UserSig".
    this.sdkKeys = opts.sdkKeys ?? {};
  }

  private host: SandboxHost | null = null;
  /** The sandbox TRTC rooms: a started task's bot joins its RoomId as AgentConfig.UserId (sandbox/rooms/). */
  rooms: SandboxRooms | null = null;

  mount(host: SandboxHost, vendor = 'tencent'): void {
    this.host = host;
    // enterRoom checks the UserSig of the user who enters, for the room's SdkAppId (the key starts with it).
    this.rooms = new SandboxRooms(host, vendor, (room, user, sig) => {
      const sdkAppId = Number(room.split('/')[0]);
      const check = verifyUserSig({
        userSig: sig,
        sdkAppId,
        userId: user,
        secretKey: this.sdkKeys[sdkAppId] ?? SANDBOX_CREDENTIALS.SDK_SECRET_KEY,
        now: this.now(),
      });
      return check.ok ? null : { code: 'USERSIG_INVALID', message: `enterRoom: UserSig is expired or wrong for ${user} (${check.reason})` };
    });
    host.declareErrors(vendor, TENCENT_ERRORS, (entry) => errorResponse(entry.code, `${entry.meaning} (injected fault)`));
    host.http(vendor, 'POST', '/', (req) => this.handle(req));
  }

  /** One API 3.0 call. Always HTTP 200; errors are in Response.Error. */
  handle(req: SandboxRequest): SandboxResponse {
    const requestId = randomUUID();
    const warnings: string[] = [];
    try {
      const action = this.authenticate(req);
      this.limit(req, action);
      const payload = this.parameters(action, req.body, warnings);
      return {
        status: 200,
        headers: { 'content-type': 'application/json', ...warningHeaders(warnings) },
        body: { Response: { ...this.dispatch(action, payload), RequestId: requestId } },
      };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return errorResponse(err.code, err.message, requestId, warningHeaders(warnings));
    }
  }

  status(task: Task): TaskStatus {
    if (task.stoppedAt !== null) return 'Stopped';
    const age = this.now() - task.startedAt;
    return age < this.idleMs ? 'Idle' : age < this.preparingMs ? 'Preparing' : 'InProgress';
  }

  private authenticate(req: SandboxRequest): TencentAction {
    const h = req.headers;
    const action = h['x-tc-action'];
    if (!action) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Action` (header X-TC-Action).');
    if (!(ACTIONS as readonly string[]).includes(action)) throw new ApiError('InvalidAction', `The requested action \`${action}\` does not exist.`);
    if (!h['x-tc-version']) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Version` (header X-TC-Version).');
    if (h['x-tc-version'] !== API_VERSION)
      throw new ApiError('NoSuchVersion', `The API version \`${h['x-tc-version']}\` does not exist (expected ${API_VERSION}).`);
    const region = h['x-tc-region'];
    if (!region) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Region` (header X-TC-Region).');
    // The document: "This API only supports: ap-guangzhou, ap-singapore, ap-tokyo, na-siliconvalley".
    if (!(REGIONS as readonly string[]).includes(region))
      throw new ApiError('UnsupportedRegion', `The action \`${action}\` does not support the region \`${region}\` (supported: ${REGIONS.join(', ')}).`);
    const tsText = h['x-tc-timestamp'];
    if (!tsText || !/^\d+$/.test(tsText))
      throw new ApiError('MissingParameter', 'The request is missing a required parameter `Timestamp` (header X-TC-Timestamp, Unix seconds).');

    const auth = parseAuthorization(h.authorization);
    if (!auth)
      throw new ApiError(
        'AuthFailure.InvalidAuthorization',
        'The Authorization header is not a TC3-HMAC-SHA256 header: `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.',
      );
    const secretKey = this.keys[auth.secretId];
    if (secretKey === undefined) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    const timestamp = Number(tsText);
    const skew = Math.floor(this.now() / 1000) - timestamp;
    if (Math.abs(skew) > MAX_CLOCK_SKEW_S)
      throw new ApiError(
        'AuthFailure.SignatureExpire',
        `Signature expired. Timestamp is ${timestamp}, server time is ${Math.floor(this.now() / 1000)}: the difference must be within ${MAX_CLOCK_SKEW_S} seconds.`,
      );
    if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host'))
      throw new ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must include content-type and host.');
    if (auth.date !== utcDate(timestamp) || auth.service !== 'trtc')
      throw new ApiError(
        'AuthFailure.SignatureFailure',
        `The credential scope ${auth.date}/${auth.service}/tc3_request does not match the timestamp date ${utcDate(timestamp)} and service trtc.`,
      );
    let expected: string;
    try {
      expected = expectedSignature({ secretKey, auth, headers: h, body: req.body, timestamp });
    } catch {
      throw new ApiError('AuthFailure.SignatureFailure', 'A header listed in SignedHeaders was not sent.');
    }
    if (!sameHex(expected, auth.signature))
      throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    return action as TencentAction;
  }

  private limit(req: SandboxRequest, action: TencentAction): void {
    const key = `${parseAuthorization(req.headers.authorization)!.secretId}/${action}`;
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= this.rateLimit) {
      this.hits.set(key, recent);
      throw new ApiError('RequestLimitExceeded', `Your current request count exceeds the frequency limit of this API (${this.rateLimit} requests per second).`);
    }
    recent.push(now);
    this.hits.set(key, recent);
  }

  private parameters(action: TencentAction, body: Buffer, warnings: string[]): Record<string, unknown> {
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      throw new ApiError('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('InvalidParameter', 'The request body must be a JSON object.');
    const schema = SCHEMAS[action];
    // On the wire LLMConfig, TTSConfig and AvatarConfig are documented as JSON strings.
    for (const [k, prop] of Object.entries(schema.properties ?? {}))
      if (prop['x-wire'] === 'json-string' && k in raw && typeof (raw as Record<string, unknown>)[k] !== 'string')
        throw new ApiError(invalidCode(k), `The value of the parameter \`${k}\` is invalid: expected a JSON string.`);
    const value = fromWire(schema, raw, (field) => {
      throw new ApiError(invalidCode(field), `The value of the parameter \`${field}\` is invalid: expected a JSON string.`);
    }) as Record<string, unknown>;
    // Only documented constraints refuse the call; inferred ones and undocumented parameters are warnings.
    const findings = validatePayload({ schema, validate: (p) => extraRules(action, p) }, value);
    for (const w of warningsOf(findings)) {
      warnings.push(findingLine(w));
      this.host?.note('tencent', `${action}: ${findingLine(w)}`);
    }
    const first = blockingErrors(findings)[0];
    if (first) {
      const field = first.path.replace(/^\//, '').replace(/\//g, '.') || 'body';
      if (/: required$|give TaskId or SessionId/.test(first.message))
        throw new ApiError('MissingParameter', `The request is missing a required parameter \`${field}\`. ${first.message}`);
      throw new ApiError(invalidCode(field), `The value of the parameter \`${field}\` is invalid: ${first.message}`);
    }
    return value;
  }

  private dispatch(action: TencentAction, p: Record<string, unknown>): Record<string, unknown> {
    switch (action) {
      case 'StartAIConversation':
        return this.start(p);
      case 'StopAIConversation': {
        const task = this.live(String(p.TaskId));
        task.stoppedAt = this.now();
        task.leaveRoom?.();
        return {};
      }
      case 'DescribeAIConversation': {
        const task = this.find(p);
        return { StartTime: new Date(task.startedAt).toISOString(), Status: this.status(task), TaskId: task.taskId, SessionId: task.sessionId };
      }
      case 'UpdateAIConversation':
        this.live(String(p.TaskId));
        return {};
      case 'ControlAIConversation':
        this.live(String(p.TaskId));
        return {};
    }
  }

  private start(p: Record<string, unknown>): Record<string, unknown> {
    this.forgetOld();
    const agent = p.AgentConfig as { UserId: string; UserSig: string };
    const sdkAppId = p.SdkAppId as number;
    const check = verifyUserSig({
      userSig: agent.UserSig,
      sdkAppId,
      userId: agent.UserId,
      secretKey: this.sdkKeys[sdkAppId] ?? SANDBOX_CREDENTIALS.SDK_SECRET_KEY,
      now: this.now(),
    });
    if (!check.ok) throw new ApiError('InvalidParameter.UserSig', `UserSig is expired or wrong (${check.reason}).`);
    const sessionId = typeof p.SessionId === 'string' ? p.SessionId : '';
    if (sessionId && [...this.tasks.values()].some((t) => t.sessionId === sessionId))
      throw new ApiError('FailedOperation.TaskExist', `Task already exists: SessionId \`${sessionId}\` is used by another task.`);
    const task: Task = {
      taskId: randomBytes(24).toString('base64url'),
      sessionId,
      sdkAppId,
      roomId: String(p.RoomId),
      startedAt: this.now(),
      stoppedAt: null,
      payload: p,
    };
    this.tasks.set(task.taskId, task);
    const idle = () => {
      if (task.stoppedAt === null) task.stoppedAt = this.now();
    };
    task.leaveRoom = this.rooms?.startBot(tencentRoomKey(sdkAppId, task.roomId, p.RoomIdType === 1), tencentBotSpec(task, idle));
    return { TaskId: task.taskId };
  }

  /** A task that exists and has not been stopped. */
  private live(taskId: string): Task {
    this.forgetOld();
    const task = this.tasks.get(taskId);
    if (!task || task.stoppedAt !== null) throw new ApiError('FailedOperation.TaskNotExist', `Task \`${taskId}\` does not exist or has already stopped.`);
    return task;
  }

  private find(p: Record<string, unknown>): Task {
    this.forgetOld();
    const task = typeof p.TaskId === 'string' ? this.tasks.get(p.TaskId) : [...this.tasks.values()].find((t) => t.sessionId === p.SessionId);
    if (!task || (typeof p.SdkAppId === 'number' && task.sdkAppId !== p.SdkAppId))
      throw new ApiError('FailedOperation.TaskNotExist', `Task \`${String(p.TaskId ?? p.SessionId)}\` does not exist.`);
    return task;
  }

  private forgetOld(): void {
    const now = this.now();
    for (const [id, t] of this.tasks) if (t.stoppedAt !== null && now - t.stoppedAt > this.stoppedMs) this.tasks.delete(id);
  }
}

/** Fields with their own InvalidParameter sub-code (UserSig, TaskId documented; SdkAppId, RoomId from other TRTC APIs). */
const FIELD_CODES: Record<string, string> = {
  SdkAppId: 'InvalidParameter.SdkAppId',
  RoomId: 'InvalidParameter.RoomId',
  TaskId: 'InvalidParameter.TaskId',
  'AgentConfig.UserSig': 'InvalidParameter.UserSig',
};

function invalidCode(field: string): string {
  return (
    FIELD_CODES[field] ??
    (field.startsWith('LLMConfig') ? 'InvalidParameter.LLMConfig' : field.startsWith('TTSConfig') ? 'InvalidParameter.TTSConfig' : 'InvalidParameterValue')
  );
}
