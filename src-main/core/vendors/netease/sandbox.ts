/**
 * The NetEase RTC-AI sandbox: both API variants on the shared loopback host, checking auth the way the vendor does
 * and validating bodies with the descriptor's own schemas and rules.
 *
 * Decisions where the vendor doc is silent (all answers are HTTP 200 with the code in the body, as Yunxin server
 * APIs do):
 * - Missing/invalid auth headers, a CheckSum mismatch, or a CurTime more than 5 minutes away: code 414 (server API).
 * - Client API with a wrong or missing Token/Uid, or an unknown AppKey: code 402 ("user not logged in").
 * - Body shape errors (missing field, wrong type, unknown field, bad JSON): 400; bad values (range, enum): 601.
 * - A second create while a task runs in the same room: code 400 naming the running taskId (in `result.taskId`
 *   too), because a room hosts one realtime-conversation task; close it first.
 * - Close of a task the room does not have (never created or already closed): code 404.
 * - Server-API errors carry `errmsg` (the doc); client-API errors carry `message` (what the client sample reads).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SandboxHost, SandboxRequest, SandboxResponse } from '../../sandbox/host.ts';
import type { PayloadError } from '../types.ts';
import { CHECKSUM_VALIDITY_S, checkSum } from './checksum.ts';
import { PATHS, type TaskCall, type Variant } from './client.ts';
import { closeBodyErrors, createBodyErrors } from './rules.ts';

export const SANDBOX_APP_KEY = 'sandbox-netease-key-0001';
export const SANDBOX_APP_SECRET = 'sandbox-netease-secret-0001';
export const SANDBOX_TOKEN = 'sandbox-netease-token-0001';

interface Task {
  taskId: string;
  cname: string;
  createdAt: number;
  variant: Variant;
}

/** Shape errors (the request is not well-formed) answer 400; value errors 601. */
const SHAPE_ERROR = /: (required( when .*)?|expected (object|array|string|integer|number|boolean)|unknown field)$|must match exactly one schema/;

export function classifyValidation(errors: PayloadError[]): 400 | 601 {
  return errors.some((e) => SHAPE_ERROR.test(e.message)) ? 400 : 601;
}

export class NeteaseSandboxState {
  /** Active tasks by room (one realtime-conversation task per room). */
  readonly tasks = new Map<string, Task>();
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
  for (const variant of ['server', 'client'] as const)
    for (const call of ['create', 'close'] as const) host.http('netease', 'POST', PATHS[variant][call], (req) => handle(state, variant, call, req, nowMs()));
  return state;
}

function handle(state: NeteaseSandboxState, variant: Variant, call: TaskCall, req: SandboxRequest, nowMs: number): SandboxResponse {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    return answer(variant, 400, 'request body is not valid JSON');
  }
  const requestId = body && typeof body === 'object' && typeof (body as Record<string, unknown>).requestId === 'string' ? ((body as Record<string, unknown>).requestId as string) : randomUUID();
  const denied = variant === 'server' ? checkServerAuth(req.headers, nowMs) : checkClientAuth(req.headers, body);
  if (denied) return answer(variant, denied.code, denied.message, requestId);

  const errors = call === 'create' ? createBodyErrors(body) : closeBodyErrors(body);
  if (errors.length) return answer(variant, classifyValidation(errors), errors.map((e) => e.message).join('; '), requestId);
  const b = body as Record<string, unknown>;
  const cname = b.cname as string;

  if (call === 'create') {
    const running = state.tasks.get(cname);
    if (running) return answer(variant, 400, `a realtime conversation task is already running in room ${cname} (taskId ${running.taskId}); close it first`, requestId, { result: { taskId: running.taskId } });
    const task: Task = { taskId: randomBytes(16).toString('hex'), cname, createdAt: nowMs, variant };
    state.tasks.set(cname, task);
    return { status: 200, body: { code: 200, requestId, cid: state.cidOf(cname), result: { taskId: task.taskId } } };
  }
  const task = state.tasks.get(cname);
  if (!task || task.taskId !== b.taskId) return answer(variant, 404, `task ${String(b.taskId)} not found in room ${cname} (never created, or already closed)`, requestId);
  state.tasks.delete(cname);
  return { status: 200, body: { code: 200, requestId, cid: state.cidOf(cname), result: { taskId: task.taskId } } };
}

function checkServerAuth(h: Record<string, string>, nowMs: number): { code: number; message: string } | null {
  for (const name of ['appkey', 'nonce', 'curtime', 'checksum']) if (!h[name]) return { code: 414, message: `missing header ${name === 'appkey' ? 'AppKey' : name === 'curtime' ? 'CurTime' : name === 'checksum' ? 'CheckSum' : 'Nonce'}` };
  if (h.appkey !== SANDBOX_APP_KEY) return { code: 414, message: `AppKey ${h.appkey} is not registered` };
  if (h.nonce!.length > 128) return { code: 414, message: 'Nonce longer than 128 characters' };
  if (!/^\d+$/.test(h.curtime!)) return { code: 414, message: 'CurTime must be Unix time in seconds' };
  const age = Math.floor(nowMs / 1000) - Number(h.curtime);
  if (Math.abs(age) > CHECKSUM_VALIDITY_S) return { code: 414, message: `CheckSum expired: CurTime is ${Math.abs(age)} s ${age > 0 ? 'old' : 'in the future'} (valid for ${CHECKSUM_VALIDITY_S} s)` };
  if (!safeEqual(h.checksum!, checkSum(SANDBOX_APP_SECRET, h.nonce!, h.curtime!))) return { code: 414, message: 'CheckSum mismatch: expected sha1(AppSecret + Nonce + CurTime), lowercase hex' };
  return null;
}

function checkClientAuth(h: Record<string, string>, body: unknown): { code: number; message: string } | null {
  if (h.appkey !== SANDBOX_APP_KEY) return { code: 402, message: h.appkey ? `AppKey ${h.appkey} is not registered` : 'missing header AppKey' };
  if (!h.token) return { code: 402, message: 'missing header Token' };
  if (!safeEqual(h.token, SANDBOX_TOKEN)) return { code: 402, message: 'Token is invalid or expired' };
  if (!h.uid) return { code: 402, message: 'missing header Uid (the uid the Token was issued for)' };
  const cname = isObject(body) ? body.cname : undefined;
  if (!h.cname) return { code: 402, message: 'missing header Cname (the channel the Token was issued for)' };
  if (typeof cname === 'string' && h.cname !== cname) return { code: 402, message: `Cname header "${h.cname}" does not match the body cname "${cname}"` };
  return null;
}

function answer(variant: Variant, code: number, text: string, requestId: string = randomUUID(), extra: Record<string, unknown> = {}): SandboxResponse {
  return { status: 200, body: { code, ...(variant === 'server' ? { errmsg: text } : { message: text }), requestId, ...extra } };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
