/**
 * The NetEase RTC-AI sandbox: both API variants on the shared loopback host, checking auth the way the vendor does
 * and validating bodies with the descriptor's own schemas and rules (docs/vendors/netease.md#sandbox).
 *
 * Every answer is HTTP 200 with the code in the body and the message in `errmsg` (the doc, both variants).
 * - Failed authentication (missing or wrong headers, a CheckSum mismatch, a CurTime more than 5 minutes away, a
 *   wrong Token): 402, the doc's code for it.
 * - Documented constraints broken: 400 for the request's shape (missing field, wrong type), 601 for a value the
 *   doc's ranges or lists exclude. Inferred constraints and undocumented fields pass, with the warnings in the
 *   X-Parley-Sandbox-Warnings header and the `parley sandbox` console.
 * - A room may hold several tasks (the doc says a taskId is unique within its room, nothing more).
 * - Close of a task the room does not have: 400 with the reason; the close page's own codes were not captured, so
 *   this answer is labelled inferred in its errmsg.
 * - Every documented code (and 414 from the IM server-API overview) can be injected with a vendor-error fault.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { warningHeaders, type SandboxHost, type SandboxRequest, type SandboxResponse } from '../../sandbox/host.ts';
import type { VendorErrorEntry } from '../../sandbox/faults.ts';
import { blockingErrors, findingLine, warningsOf } from '../../payload.ts';
import type { PayloadError } from '../types.ts';
import { CHECKSUM_VALIDITY_S, checkSum } from './checksum.ts';
import { PATHS, type TaskCall, type Variant } from './client.ts';
import { closeBodyFindings, createBodyFindings } from './common/rules.ts';
import { SandboxRooms } from '../../sandbox/rooms/service.ts';
import { neteaseBotSpec } from '../../sandbox/rooms/netease-persona.ts';

export const SANDBOX_APP_KEY = 'sandbox-netease-key-0001';
export const SANDBOX_APP_SECRET = 'sandbox-netease-secret-0001';
export const SANDBOX_TOKEN = 'sandbox-netease-token-0001';

interface Task {
  taskId: string;
  cname: string;
  createdAt: number;
  variant: Variant;
  /** Takes the task's bot out of its sandbox room. */
  leaveRoom?: () => void;
}

const ref = 'docs/vendors/netease.md#error-codes';
const E = (code: number, meaning: string, kind: 'documented' | 'inferred' = 'documented', when = 'every create and close call'): VendorErrorEntry => ({
  code: String(code),
  meaning,
  kind,
  ref,
  when,
});
/** The doc's code table, plus 414 from Yunxin's IM server-API overview (not in the RTC-AI table). */
export const NETEASE_ERRORS: VendorErrorEntry[] = [
  E(400, '无效信令: invalid signalling, check the request parameters'),
  E(402, '用户未登录状态: user not logged in, check the authentication'),
  E(601, '消息内容不合法: illegal message content, check the parameter values'),
  E(611, '该应用没有字幕权限: this app has no subtitle permission'),
  E(612, '服务不支持字幕功能: the service does not support subtitles'),
  E(414, 'CheckSum verification failed (Yunxin IM server-API overview; not in the RTC-AI table)', 'inferred'),
];

/** Shape errors (the request is not well-formed) answer 400; value errors 601. */
const SHAPE_ERROR = /: (required( when .*)?|expected (object|array|string|integer|number|boolean)|unknown field)$|must match exactly one schema/;

export function classifyValidation(errors: PayloadError[]): 400 | 601 {
  return errors.some((e) => SHAPE_ERROR.test(e.message)) ? 400 : 601;
}

export class NeteaseSandboxState {
  /** Running tasks by taskId. */
  readonly tasks = new Map<string, Task>();
  /** The sandbox NERTC rooms (by `<appkey>/<cname>`): a created task's bot joins cname (sandbox/rooms/). */
  rooms: SandboxRooms | null = null;
  private readonly cids = new Map<string, number>();

  cidOf(cname: string): number {
    let cid = this.cids.get(cname);
    if (cid === undefined) {
      // 16 digits like the doc's 1144707127429101, below 2^53 so it stays exact in JSON.
      cid = 1_000_000_000_000_000 + Math.floor(Math.random() * 7_000_000_000_000_000);
      this.cids.set(cname, cid);
    }
    return cid;
  }
}

export function mountNeteaseSandbox(host: SandboxHost, nowMs: () => number = Date.now): NeteaseSandboxState {
  const state = new NeteaseSandboxState();
  // join checks the appkey, and the token when one is given (an app in debug mode joins without one).
  state.rooms = new SandboxRooms(host, 'netease', (room, _user, token) => {
    const appkey = room.slice(0, room.indexOf('/'));
    if (appkey !== SANDBOX_APP_KEY) return { code: '414', message: `join: appkey ${appkey} is not registered` };
    if (token && token !== SANDBOX_TOKEN) return { code: '401', message: 'join: the token is not valid for this uid and channel' };
    return null;
  });
  host.declareErrors('netease', NETEASE_ERRORS, (entry, req) => answer(Number(entry.code), `${entry.meaning} (injected fault)`, requestIdOf(parseBody(req))));
  for (const variant of ['server', 'client'] as const)
    for (const call of ['create', 'close'] as const)
      host.http('netease', 'POST', PATHS[variant][call], (req) => handle(host, state, variant, call, req, nowMs()));
  return state;
}

function parseBody(req: SandboxRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const requestIdOf = (body: unknown): string => (isObject(body) && typeof body.requestId === 'string' ? body.requestId : randomUUID());

function handle(host: SandboxHost, state: NeteaseSandboxState, variant: Variant, call: TaskCall, req: SandboxRequest, nowMs: number): SandboxResponse {
  const body = parseBody(req);
  if (body === undefined) return answer(400, 'request body is not valid JSON');
  const requestId = requestIdOf(body);
  const denied = variant === 'server' ? checkServerAuth(req.headers, nowMs) : checkClientAuth(req.headers, body);
  if (denied) return answer(402, denied, requestId);

  const findings = call === 'create' ? createBodyFindings(body) : closeBodyFindings(body);
  const warnings = warningsOf(findings).map(findingLine);
  for (const w of warnings) host.note('netease', `${call}: ${w}`);
  const errors = blockingErrors(findings);
  if (errors.length) return answer(classifyValidation(errors), errors.map((e) => e.message).join('; '), requestId, {}, warnings);
  const b = body as Record<string, unknown>;
  const cname = String(b.cname ?? '');

  if (call === 'create') {
    const task: Task = { taskId: randomBytes(16).toString('hex'), cname, createdAt: nowMs, variant };
    state.tasks.set(task.taskId, task);
    task.leaveRoom = state.rooms?.startBot(`${SANDBOX_APP_KEY}/${cname}`, neteaseBotSpec(b));
    return { status: 200, headers: warningHeaders(warnings), body: { code: 200, requestId, cid: state.cidOf(cname), result: { taskId: task.taskId } } };
  }
  const task = state.tasks.get(String(b.taskId));
  if (!task || task.cname !== cname)
    return answer(
      400,
      `task ${String(b.taskId)} not found in room ${cname} (never created, or already closed) [sandbox, inferred: the close page's error codes were not captured]`,
      requestId,
      {},
      warnings,
    );
  state.tasks.delete(task.taskId);
  task.leaveRoom?.();
  return { status: 200, headers: warningHeaders(warnings), body: { code: 200, requestId, cid: state.cidOf(cname), result: { taskId: task.taskId } } };
}

/** Server API: the four headers and the CheckSum. Any failure is the doc's "user not logged in" (402). */
function checkServerAuth(h: Record<string, string>, nowMs: number): string | null {
  for (const name of ['appkey', 'nonce', 'curtime', 'checksum'])
    if (!h[name]) return `missing header ${name === 'appkey' ? 'AppKey' : name === 'curtime' ? 'CurTime' : name === 'checksum' ? 'CheckSum' : 'Nonce'}`;
  if (h.appkey !== SANDBOX_APP_KEY) return `AppKey ${h.appkey} is not registered`;
  if (h.nonce!.length > 128) return 'Nonce longer than 128 characters';
  if (!/^\d+$/.test(h.curtime!)) return 'CurTime must be Unix time in seconds';
  const age = Math.floor(nowMs / 1000) - Number(h.curtime);
  if (Math.abs(age) > CHECKSUM_VALIDITY_S)
    return `CheckSum expired: CurTime is ${Math.abs(age)} s ${age > 0 ? 'old' : 'in the future'} (valid for ${CHECKSUM_VALIDITY_S} s)`;
  if (!safeEqual(h.checksum!, checkSum(SANDBOX_APP_SECRET, h.nonce!, h.curtime!)))
    return 'CheckSum mismatch: expected sha1(AppSecret + Nonce + CurTime), lowercase hex';
  return null;
}

function checkClientAuth(h: Record<string, string>, body: unknown): string | null {
  if (h.appkey !== SANDBOX_APP_KEY) return h.appkey ? `AppKey ${h.appkey} is not registered` : 'missing header AppKey';
  if (!h.token) return 'missing header Token';
  if (!safeEqual(h.token, SANDBOX_TOKEN)) return 'Token is invalid or expired';
  if (!h.uid) return 'missing header Uid (the uid the Token was issued for)';
  const cname = isObject(body) ? body.cname : undefined;
  if (!h.cname) return 'missing header Cname (the channel the Token was issued for)';
  if (typeof cname === 'string' && h.cname !== cname) return `Cname header "${h.cname}" does not match the body cname "${cname}"`;
  return null;
}

/** An error answer: HTTP 200, JSON, `{code, errmsg, requestId}` (the doc's shape for both variants). */
function answer(code: number, errmsg: string, requestId: string = randomUUID(), extra: Record<string, unknown> = {}, warnings: string[] = []): SandboxResponse {
  return { status: 200, headers: { 'content-type': 'application/json', ...warningHeaders(warnings) }, body: { code, errmsg, requestId, ...extra } };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
