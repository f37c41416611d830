import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import { mask } from '../../../src-main/core/secrets/redact.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { OperationOutcome } from '../../../src-main/core/vendors/types.ts';
import { netease, neteaseRoomJoin } from '../../../src-main/core/vendors/netease/index.ts';
import { MODE_EXAMPLES } from '../../../src-main/core/vendors/netease/common/schema.ts';
import {
  SANDBOX_APP_KEY,
  SANDBOX_APP_SECRET,
  SANDBOX_TOKEN,
  type NeteaseSandboxState,
  mountNeteaseSandbox,
} from '../../../src-main/core/vendors/netease/sandbox.ts';
import { checkSum } from '../../../src-main/core/vendors/netease/checksum.ts';
import { INTERRUPT_WORDS_MESSAGE } from '../../../src-main/core/vendors/netease/common/rules.ts';

const SANDBOX_CREDS = { APP_KEY: SANDBOX_APP_KEY, APP_SECRET: SANDBOX_APP_SECRET, TOKEN: SANDBOX_TOKEN };
const op = (id: string) => netease.operations.find((o) => o.id === id)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('NetEase client against the sandbox, through the session engine', () => {
  const host = new SandboxHost();
  let state: NeteaseSandboxState;
  let manager: SessionManager;
  let creds: Record<string, string>;
  let room = 0;
  const profile = (settings: Record<string, unknown> = {}): Profile => ({
    id: 'ne',
    name: 'ne',
    vendor: 'netease',
    target: 'sandbox',
    settings: { ...netease.defaultSettings('sandbox'), ...settings },
    createdAt: '',
    updatedAt: '',
  });
  const events = (id: string): SessionEvent[] => manager.events(id, 0, 100000).events;

  async function waitFor(id: string, kind: string): Promise<SessionEvent> {
    for (let i = 0; i < 500; i++) {
      const e = events(id).find((x) => x.kind === kind);
      if (e) return e;
      await sleep(10);
    }
    throw new Error(
      `no ${kind} event in ${id}: ${events(id)
        .map((e) => e.kind)
        .join(', ')}`,
    );
  }

  /** Run an operation; a room session is stopped once its control plane answered, its task left open for the test. */
  async function run(operation: string, payload: Record<string, unknown>, settings?: Record<string, unknown>, drive?: (id: string) => Promise<void>) {
    const o = op(operation);
    const { sessionId, done } = await manager.start({
      vendor: netease,
      operation: o,
      profile: profile(settings),
      payload,
      sandboxUrl: host.vendorUrl('netease'),
    });
    if (drive) await drive(sessionId);
    if (o.transport === 'room') {
      await Promise.race([waitFor(sessionId, 'session.control-plane-done'), waitFor(sessionId, 'session.end')]);
      await manager.stop(sessionId, { closeTask: false });
    }
    const outcome: OperationOutcome = await done;
    return { outcome, id: sessionId, file: manager.directory.eventsFile(sessionId) };
  }

  const fresh = (mode: keyof typeof MODE_EXAMPLES = 'parameters'): Record<string, unknown> & { cname: string } => ({
    ...structuredClone(MODE_EXAMPLES[mode]),
    cname: `room-${++room}`,
  });

  beforeAll(async () => {
    state = mountNeteaseSandbox(host);
    await host.start();
    manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-netease-'))), async (_p, name) => creds[name]);
  });
  beforeEach(() => {
    creds = { ...SANDBOX_CREDS };
    host.setFault('netease', null);
  });
  afterAll(() => host.close());

  it('creates a task in each of the three modes (server API) and reports code, requestId, cid and taskId', async () => {
    for (const mode of ['parameters', 'agent', 'agentParameters'] as const) {
      const { outcome, id } = await run('create', fresh(mode));
      expect(outcome.ok, mode).toBe(true);
      const r = outcome.result as Record<string, unknown>;
      expect(r).toMatchObject({ variant: 'server', code: 200, requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475' });
      expect(r.taskId).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof r.cid).toBe('number');
      expect(state.tasks.get(r.taskId as string)?.cname).toBe(r.cname);
      const created = events(id).find((e) => e.kind === 'netease.task-created')!;
      expect(created.data).toMatchObject({ mode, taskId: r.taskId });
      expect(events(id).find((e) => e.kind === 'metric')!.data).toMatchObject({ name: 'setup_ms', unit: 'ms', source: 'measured' });
      const req = events(id).find((e) => e.kind === 'http.request')!;
      expect((req.data as { url: string }).url).toMatch(/\/netease\/v1\/api\/task\/create$/);
    }
  });

  it('keeps AppSecret and the CheckSum out of the NDJSON record', async () => {
    const { outcome, id, file } = await run('create', fresh());
    expect(outcome.ok).toBe(true);
    const headers = (events(id).find((e) => e.kind === 'http.request')!.data as { headers: Record<string, string> }).headers;
    expect(headers.CheckSum).toBe('«redacted»');
    expect(headers.Nonce).toMatch(/^[0-9a-f]{32}$/);
    const sent = checkSum(SANDBOX_APP_SECRET, headers.Nonce!, headers.CurTime!);
    const record = readFileSync(file, 'utf8');
    expect(record).not.toContain(SANDBOX_APP_SECRET);
    expect(record).not.toContain(sent);
    expect(record).toContain(SANDBOX_APP_KEY);
  });

  it('closes a created task; a second close of it is an unknown-task error with the vendor code, message and request id', async () => {
    const { outcome } = await run('create', fresh());
    const { cname, taskId } = outcome.result as { cname: string; taskId: string };
    const closed = await run('close', { cname, taskId, taskType: 7 });
    expect(closed.outcome).toMatchObject({ ok: true, result: { code: 200, taskId } });
    expect(events(closed.id).some((e) => e.kind === 'netease.task-closed')).toBe(true);
    expect(state.tasks.has(taskId)).toBe(false);
    const again = await run('close', { cname, taskId, taskType: 7, requestId: 'req-close-2' });
    expect(again.outcome.ok).toBe(false);
    // 400 (the doc's "check the parameters"), labelled inferred: the close page's own codes were not captured.
    expect(again.outcome.error).toMatchObject({
      code: '400',
      requestId: 'req-close-2',
      message: expect.stringMatching(new RegExp(`task ${taskId} not found in room ${cname}.*\\[sandbox, inferred`)),
    });
    const err = events(again.id).find((e) => e.kind === 'error')!;
    expect(err.summary).toContain('400');
    expect(err.summary).toContain('request req-close-2');
    expect(events(again.id).at(-1)!.kind).toBe('session.end');
  });

  it('closes the task from the running create session (one click, same record)', async () => {
    const payload = fresh();
    const o = op('create');
    const { sessionId, done } = await manager.start({ vendor: netease, operation: o, profile: profile(), payload, sandboxUrl: host.vendorUrl('netease') });
    await waitFor(sessionId, 'session.control-plane-done');
    const closed = (await manager.send(sessionId, 'close', {})) as OperationOutcome;
    expect(closed.ok).toBe(true);
    expect([...state.tasks.values()].some((t) => t.cname === payload.cname)).toBe(false);
    await manager.stop(sessionId);
    await done;
    expect(events(sessionId).map((e) => e.kind)).toContain('netease.task-closed');
  });

  it('a room may hold a second task (the doc only says a taskId is unique within its room)', async () => {
    const payload = fresh();
    const first = await run('create', payload);
    const second = await run('create', payload);
    expect(second.outcome.ok).toBe(true);
    expect((second.outcome.result as { taskId: string }).taskId).not.toBe((first.outcome.result as { taskId: string }).taskId);
  });

  it("a wrong AppSecret is failed authentication, 402 with errmsg (the doc's code, not 414), redacted in the record", async () => {
    creds.APP_SECRET = 'wrong-secret-value-9999';
    const { outcome, file } = await run('create', fresh());
    expect(outcome.error).toMatchObject({
      code: '402',
      requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475',
      message: expect.stringContaining('CheckSum mismatch'),
    });
    expect((outcome.error!.details as Record<string, unknown>).errmsg).toContain('CheckSum mismatch');
    expect(readFileSync(file, 'utf8')).not.toContain('wrong-secret-value-9999');
  });

  it('rejects a CheckSum older than 5 minutes with 402 (raw request: HTTP 200, JSON, errmsg)', async () => {
    const curTime = String(Math.floor(Date.now() / 1000) - 301);
    const res = await fetch(`${host.vendorUrl('netease')}/v1/api/task/create`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        AppKey: SANDBOX_APP_KEY,
        Nonce: 'n1',
        CurTime: curTime,
        CheckSum: checkSum(SANDBOX_APP_SECRET, 'n1', curTime),
      },
      body: JSON.stringify(fresh()),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { code: number; errmsg: string };
    expect(body.code).toBe(402);
    // 301 s when the request was sent; a second more if it took that long to arrive on a busy machine.
    const age = Number(/^CheckSum expired: CurTime is (\d+) s old/.exec(body.errmsg)?.[1]);
    expect(age).toBeGreaterThanOrEqual(301);
    expect(age).toBeLessThan(301 + 30);
    // Four minutes old is still accepted.
    const ok = String(Math.floor(Date.now() / 1000) - 240);
    const res2 = await fetch(`${host.vendorUrl('netease')}/v1/api/task/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', AppKey: SANDBOX_APP_KEY, Nonce: 'n2', CurTime: ok, CheckSum: checkSum(SANDBOX_APP_SECRET, 'n2', ok) },
      body: JSON.stringify(fresh()),
    });
    expect(((await res2.json()) as { code: number }).code).toBe(200);
  });

  it('validates with the same schema: shape errors 400, value errors 601, the interruptWords rule in its clear words', async () => {
    const noWords = fresh();
    delete (noWords.data as { pipeline: Record<string, unknown> }).pipeline.interruptWords;
    const a = await run('create', noWords);
    expect(a.outcome.error).toMatchObject({ code: '400', message: INTERRUPT_WORDS_MESSAGE });
    const fast = fresh();
    (fast.data as { tts: Record<string, unknown> }).tts.speed = 5;
    const b = await run('create', fast);
    expect(b.outcome.error).toMatchObject({ code: '601', message: '/data/tts/speed: expected a number <= 2' });
  });

  it('client API: waits for the room join before create, then sends AppKey/Token/Cname/Uid', async () => {
    const payload = { ...fresh('agent'), variant: 'client' };
    const { outcome, id } = await run('create', payload, { uid: '4242' }, async (sessionId) => {
      await waitFor(sessionId, 'room.awaiting-join');
      await sleep(50);
      expect(events(sessionId).some((e) => e.kind === 'http.request')).toBe(false);
      await manager.send(sessionId, 'joined', { joinMs: 12 });
    });
    expect(outcome).toMatchObject({ ok: true, result: { variant: 'client', code: 200 } });
    const req = events(id).find((e) => e.kind === 'http.request')!.data as { url: string; headers: Record<string, string>; body: Record<string, unknown> };
    expect(req.url).toMatch(/\/netease\/ai\/task\/create$/);
    expect(req.headers).toMatchObject({ AppKey: SANDBOX_APP_KEY, Token: '«redacted»', Cname: payload.cname, Uid: '4242' });
    expect(req.body.variant).toBeUndefined();
    expect(readFileSync(manager.directory.eventsFile(id), 'utf8')).not.toContain(SANDBOX_TOKEN);
  });

  it('client API: a wrong token is refused with 402 and the documented `errmsg` field', async () => {
    creds.TOKEN = 'expired-room-token-1234';
    const { outcome } = await run('create', { ...fresh('agent'), variant: 'client' }, undefined, async (id) => {
      await waitFor(id, 'room.awaiting-join');
      await manager.send(id, 'joined', {});
    });
    expect(outcome.error).toMatchObject({ code: '402', message: 'Token is invalid or expired' });
    expect(outcome.error!.details).toEqual({ code: 402, errmsg: 'Token is invalid or expired', requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475' });
  });

  it('documented constraints refuse, inferred ones and undocumented fields pass with the warnings in a header', async () => {
    const agentNoLlmVendor = fresh('agentParameters');
    delete (agentNoLlmVendor.data as { llm: Record<string, unknown> }).llm.llmVendor;
    expect((await run('create', agentNoLlmVendor)).outcome.error).toMatchObject({ code: '400', message: '/data/llm/llmVendor: required' });
    const roleEmpty = fresh();
    (roleEmpty.data as { llm: Record<string, unknown> }).llm.role = null;
    (roleEmpty.data as { llm: Record<string, unknown> }).llm.customPrompt = '你是一位耐心的老师';
    (roleEmpty.data as { tts: Record<string, unknown> }).tts.emotion = 'calm';
    const { outcome, id } = await run('create', roleEmpty);
    expect(outcome.ok).toBe(true);
    const response = events(id).find((e) => e.kind === 'http.response')!.data as { headers: Record<string, string> };
    expect(JSON.parse(response.headers['x-parley-sandbox-warnings']!)).toEqual(["/data/tts/emotion: not in the vendor's documentation (sent as is)"]);
    expect(host.recentNotes('netease').at(-1)!.message).toBe("create: /data/tts/emotion: not in the vendor's documentation (sent as is)");
  });

  it("every documented code (and 414) can be injected, in the vendor's shape, on both API variants", async () => {
    for (const code of ['400', '402', '601', '611', '612', '414']) {
      host.setFault('netease', { kind: 'vendor-error', code });
      const res = await fetch(`${host.vendorUrl('netease')}/v1/api/task/create`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ requestId: `req-${code}` }),
      });
      expect(res.status, code).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json(), code).toEqual({ code: Number(code), errmsg: expect.stringContaining('(injected fault)'), requestId: `req-${code}` });
      const { outcome } = await run('create', fresh());
      expect(outcome.error, code).toMatchObject({
        code,
        requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475',
        message: expect.stringContaining('(injected fault)'),
      });
    }
    host.setFault('netease', { kind: 'vendor-error', code: '611' });
    const client = await run('create', { ...fresh('agent'), variant: 'client' }, undefined, async (id) => {
      await waitFor(id, 'room.awaiting-join');
      await manager.send(id, 'joined', {});
    });
    expect(client.outcome.error).toMatchObject({ code: '611', message: expect.stringContaining('字幕权限') });
    expect(() => host.setFault('netease', { kind: 'vendor-error', code: '999' })).toThrow(/netease has no error code "999"/);
  });

  it('client API: stopping before the join ends the session without sending create', async () => {
    const { sessionId, done } = await manager.start({
      vendor: netease,
      operation: op('create'),
      profile: profile({ variant: 'client' }),
      payload: fresh(),
      sandboxUrl: host.vendorUrl('netease'),
    });
    await waitFor(sessionId, 'room.awaiting-join');
    await manager.stop(sessionId);
    expect((await done).summary).toMatch(/stopped before the room was joined/);
    expect(events(sessionId).some((e) => e.kind === 'http.request')).toBe(false);
  });

  it('host faults become specific error events and end the session', async () => {
    host.setFault('netease', { kind: 'status', status: 503 });
    const a = await run('create', fresh());
    expect(a.outcome.error).toMatchObject({ code: 'HTTP_503', httpStatus: 503 });
    host.setFault('netease', { kind: 'malformed' });
    const b = await run('close', { cname: 'x', taskId: 'y', taskType: 7 });
    expect(b.outcome.error).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    host.setFault('netease', { kind: 'reset' });
    const c = await run('create', fresh());
    expect(c.outcome.error!.code).toBe('connection_reset');
    for (const r of [a, b, c]) expect(events(r.id).at(-1)).toMatchObject({ kind: 'session.end', summary: expect.stringMatching(/^failed/) });
  });

  it('inspect(): signed headers with AppSecret and CheckSum masked, CheckSum computed from the shown Nonce/CurTime', async () => {
    const now = Date.parse('2026-03-01T08:00:00Z');
    const ctx = {
      profile: profile(),
      sandboxUrl: host.vendorUrl('netease'),
      payload: fresh(),
      credential: async (n: string) => SANDBOX_CREDS[n as keyof typeof SANDBOX_CREDS],
      mask,
      now: () => now,
    };
    const ins = await op('create').inspect!(ctx);
    expect(ins.url).toBe(`${host.vendorUrl('netease')}/v1/api/task/create`);
    expect(ins.headers.CurTime).toBe(String(now / 1000));
    expect(ins.headers.CheckSum).toBe(mask(checkSum(SANDBOX_APP_SECRET, ins.headers.Nonce!, ins.headers.CurTime!)));
    const text = JSON.stringify(ins);
    expect(text).not.toContain(SANDBOX_APP_SECRET);
    expect(text).not.toContain(checkSum(SANDBOX_APP_SECRET, ins.headers.Nonce!, ins.headers.CurTime!));
    expect(ins.steps.map((s) => s.label)).toEqual(expect.arrayContaining(['Mode', 'CheckSum input', 'CurTime']));
    expect(ins.steps.find((s) => s.label === 'CurTime')!.value).toContain('valid until 2026-03-01T08:05:00.000Z');
    const client = await op('close').inspect!({ ...ctx, payload: { cname: 'r', taskId: 't', taskType: 7, variant: 'client' } });
    expect(client.headers).toMatchObject({ AppKey: SANDBOX_APP_KEY, Token: mask(SANDBOX_TOKEN), Cname: 'r', Uid: '10001' });
    expect(JSON.parse(client.body)).toEqual({ cname: 'r', taskId: 't', taskType: 7 });
  });

  it('roomJoin(): appkey, channel, uid and the room token', async () => {
    const info = await neteaseRoomJoin({
      profile: profile({ uid: '777', botUid: '99' }),
      payload: { cname: 'room-x' },
      result: { taskId: 'abc', cname: 'room-x' },
      credential: async (n) => SANDBOX_CREDS[n as keyof typeof SANDBOX_CREDS],
    });
    expect(info).toEqual({
      vendor: 'netease',
      params: {
        appkey: SANDBOX_APP_KEY,
        channelName: 'room-x',
        uid: '777',
        token: SANDBOX_TOKEN,
        variant: 'server',
        taskId: 'abc',
        botUid: '99',
        captionLanguage: 'AUTO',
      },
      sensitive: [SANDBOX_TOKEN],
    });
  });
});
