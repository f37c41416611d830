/**
 * The findings of the hostile-renderer probe that need real vendors and sandboxes: secrets echoed by a vendor, the
 * first inspect and the first session after a start, a token carrying a key in its claims, a device token in a URL,
 * background work that must not end the process, and a frame too big for a sandbox socket.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { dispatch } from '../../../src-main/core/contract.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import { VENDORS, vendorById } from '../../../src-main/core/vendors/registry.ts';
import { connectExample } from '../../../src-main/core/vendors/convai/common/schema.ts';
import type { CompareResult } from '../../../src-main/core/workflows/compare.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { queuedDialog } from '../../support/queued-dialog.ts';

/** Every form a reader could decode the secret from: as is, URL/form encoded, base64 (any alignment), hex. */
function leaks(text: string, secret: string): boolean {
  const candidates = [
    text,
    text.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8')),
    text.replace(/\+/g, ' ').replace(/(%[0-9A-Fa-f]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8')),
  ];
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
    for (let k = 0; k < 4; k++) candidates.push(Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/').slice(k), 'base64').toString('latin1'));
  for (const run of text.match(/[0-9a-fA-F]{8,}/g) ?? []) for (let k = 0; k < 2; k++) candidates.push(Buffer.from(run.slice(k), 'hex').toString('latin1'));
  return candidates.some((c) => c.includes(secret) || c.includes(JSON.stringify(secret).slice(1, -1)));
}
const filesText = (dir: string): string =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
    .join('\n');

describe('what a hostile renderer cannot get out of the core', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-untrusted-'));
  const dataDir = join(root, 'data');
  const secrets = new MemorySecretStore();
  const dialog = queuedDialog();
  let core: Core;
  let profiles: Profile[];
  const byVendor = (v: string) => profiles.find((p) => p.vendor === v)!;

  async function until(sessionId: string, kind: string): Promise<SessionEvent[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { events } = core.sessions.events(sessionId, 0, 100_000);
      if (events.some((e) => e.kind === kind || e.kind === 'session.end')) return events;
      if (Date.now() > deadline) throw new Error(`no ${kind}; events: ${events.map((e) => e.kind).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    // A first start seeds the profiles and their credentials; the tests use a second core on the same folder, as
    // after an app restart, when no session has taught the redactor anything yet.
    const first = createCore({ dataDir, secrets, seedSandboxProfiles: true });
    profiles = await first.handlers['profiles.list']({});
    await first.close();
    core = createCore({ dataDir, secrets, seedSandboxProfiles: true, dialog });
  });
  afterAll(() => core?.close());

  it('the first inspect after a start resolves no reference into its answer, for every vendor and credential', async () => {
    for (const vendor of VENDORS) {
      const profile = byVendor(vendor.id);
      for (const op of vendor.operations.filter((o) => o.inspect)) {
        for (const field of vendor.credentials.filter((c) => c.secret)) {
          const payload = { ...structuredClone(op.example), note: `{{secret:${field.name}}}`, SessionId: `{{secret:${field.name}}}` };
          const outcome = await dispatch(core.handlers, 'payload.inspect', { profileId: profile.id, operation: op.id, payload }).then(
            JSON.stringify,
            (e: Error) => e.message,
          );
          const value = (await secrets.get(profile.id, field.name))!;
          expect(leaks(outcome, value), `${vendor.id} ${op.id} ${field.name}`).toBe(false);
        }
      }
    }
  });

  it('a key pasted into an ordinary field of the first session after a start is in neither the summary nor the record', async () => {
    const mc = byVendor('mindcraft');
    const key = (await secrets.get(mc.id, 'API_KEY'))!;
    const { sessionId } = await core.handlers['session.start']({
      profileId: mc.id,
      operation: 'chat_bot_v3',
      payload: { ...vendorById('mindcraft').operations[0]!.example, user_note: key },
      sendAnyway: true,
    });
    await until(sessionId!, 'ws.open');
    await core.handlers['session.stop']({ sessionId: sessionId! });
    expect(leaks(filesText(join(dataDir, 'sessions')), key)).toBe(false);
  });

  it('a Tencent error echoing a referenced SessionId reaches no answer, comparison, CSV, saved file or case report', async () => {
    const tc = byVendor('tencent');
    const secretKey = (await secrets.get(tc.id, 'SECRET_KEY'))!;
    const payload = { SessionId: '{{secret:SECRET_KEY}}' };
    const { sessionId } = await core.handlers['session.start']({ profileId: tc.id, operation: 'DescribeAIConversation', payload, sendAnyway: true });
    await until(sessionId!, 'session.end');
    const answers = [
      await core.handlers['session.events']({ sessionId: sessionId! }),
      await core.handlers['history.detail']({ sessionId: sessionId! }),
      await core.handlers['session.list']({}),
    ];
    expect(JSON.stringify(answers)).toContain('TaskNotExist');
    expect(leaks(JSON.stringify(answers), secretKey)).toBe(false);

    const { id } = await core.handlers['compare.start']({
      plan: { input: { text: 'hello' }, entries: [{ profileId: tc.id, operation: 'DescribeAIConversation', payload }], repeat: 2, mode: 'sequential' },
    });
    let r: CompareResult;
    for (;;) {
      r = await core.handlers['compare.get']({ id });
      if (r.state !== 'running') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(r.runs.map((x) => x.ok)).toEqual([false, false]);
    expect(r.runs[0]!.error).toMatch(/TaskNotExist/);
    const csv = (await core.handlers['compare.csv']({ id, kind: 'runs' })).csv;
    expect(leaks(JSON.stringify(r) + csv + filesText(join(dataDir, 'comparisons')), secretKey)).toBe(false);

    const cases = join(root, 'cases');
    (await import('node:fs')).mkdirSync(cases);
    dialog.answer(cases);
    await core.handlers['dialog.open']({ purpose: 'caseFolder' });
    const { path } = await core.handlers['cases.save']({
      dir: cases,
      case: { version: 1, name: 'describe unknown', vendor: 'tencent', operation: 'DescribeAIConversation', payload },
    });
    const report = await core.handlers['cases.run']({ path });
    expect(report.ok).toBe(false);
    expect(leaks(JSON.stringify(report), secretKey)).toBe(false);
  }, 60_000);

  it('a NetEase request id holding a reference is not in the stop summary', async () => {
    const ne = byVendor('netease');
    const appSecret = (await secrets.get(ne.id, 'APP_SECRET'))!;
    const create = vendorById('netease').operations.find((o) => o.id === 'create')!;
    const { sessionId } = await core.handlers['session.start']({
      profileId: ne.id,
      operation: 'create',
      payload: { ...structuredClone(create.example), requestId: '{{secret:APP_SECRET}}' },
      sendAnyway: true,
    });
    await until(sessionId!, 'session.control-plane-done');
    const stopped = await core.handlers['session.stop']({ sessionId: sessionId! });
    expect(leaks(JSON.stringify(stopped), appSecret)).toBe(false);
    expect(leaks(JSON.stringify(await core.handlers['session.events']({ sessionId: sessionId! })), appSecret)).toBe(false);
  });

  it('a LiveKit token minted with a key in its claims is refused by room.join, and kept out of the record', async () => {
    const cv = byVendor('convai');
    const key = (await secrets.get(cv.id, 'API_KEY'))!;
    const { sessionId } = await core.handlers['session.start']({
      profileId: cv.id,
      operation: 'connect',
      payload: { ...connectExample, end_user_id: '{{secret:API_KEY}}' },
    });
    const events = await until(sessionId!, 'session.control-plane-done');
    expect(events.some((e) => e.kind === 'session.control-plane-done')).toBe(true);
    await expect(dispatch(core.handlers, 'room.join', { sessionId: sessionId! })).rejects.toMatchObject({
      code: 'SECRET_FOUND',
      message: expect.stringMatching(/end_user_id/),
    });
    expect(leaks(JSON.stringify(await core.handlers['session.events']({ sessionId: sessionId! })), key)).toBe(false);
    await core.handlers['session.stop']({ sessionId: sessionId! });
    // An ordinary user id joins as before.
    const ok = await core.handlers['session.start']({ profileId: cv.id, operation: 'connect', payload: { ...connectExample, end_user_id: 'qa-user' } });
    await until(ok.sessionId!, 'session.control-plane-done');
    expect((await core.handlers['room.join']({ sessionId: ok.sessionId! })).vendor).toBe('convai');
    await core.handlers['session.stop']({ sessionId: ok.sessionId! });
  });

  it('a Mindcraft device token with characters a URL encodes is redacted from the socket URL in every encoding', async () => {
    const token = "dev tok!'(x)*-0042";
    const mc = await core.handlers['profiles.save']({
      profile: { name: 'Mindcraft device token', vendor: 'mindcraft', target: 'sandbox', settings: { authMethod: 'device_token' } },
    });
    await core.handlers['secrets.set']({ profileId: mc.id, name: 'DEVICE_TOKEN', value: token });
    const { sessionId } = await core.handlers['session.start']({
      profileId: mc.id,
      operation: 'chat_bot_v3',
      payload: vendorById('mindcraft').operations[0]!.example,
    });
    const events = await until(sessionId!, 'session.end');
    expect(events.find((e) => e.kind === 'ws.connecting')!.summary).toMatch(/token=«redacted»/);
    expect(leaks(readFileSync(core.sessions.directory.eventsFile(sessionId!), 'utf8'), token)).toBe(false);
  });

  it('background work with an unrecordable payload fails the comparison with a reason; the process goes on', async () => {
    const mc = byVendor('mindcraft');
    // Past the contract (which refuses it with BAD_ARGUMENTS), straight into the handler: what used to end the process.
    await expect(
      dispatch(core.handlers, 'compare.start', {
        plan: { input: { text: 'hi' }, entries: [{ profileId: mc.id, payload: { n: 1n } }], repeat: 1, mode: 'sequential' },
      }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    const payload = { ...structuredClone(vendorById('mindcraft').operations[0]!.example), n: 1n } as never;
    const { id } = await core.handlers['compare.start']({
      plan: { input: { text: 'hi' }, entries: [{ profileId: mc.id, payload }], repeat: 1, mode: 'sequential' },
    });
    let r: CompareResult;
    for (;;) {
      r = await core.handlers['compare.get']({ id });
      if (r.state !== 'running') break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(r.state).toBe('failed');
    expect(r.error).toMatch(/could not be saved/);
    // An undocumented field is only a warning (docs/vendors/README.md), so the run fails at recording, with the reason.
    expect(r.runs[0]!.error).toMatch(/could not be recorded \(Do not know how to serialize a BigInt\)/);
    expect((await core.handlers['app.info']({})).name).toBe('Parley');
  });

  it('an unreadable profiles.json at start is set aside and reported; the renderer is told through app.notices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-notice-'));
    writeFileSync(join(dir, 'profiles.json'), '{"version":1,"profiles":[{"id":"p1",}]}');
    const c = createCore({ dataDir: dir, secrets: new MemorySecretStore(), seedSandboxProfiles: true });
    const [notice] = (await dispatch(c.handlers, 'app.notices', {})) as { id: string; file: string; movedTo: string; reason: string }[];
    expect(notice).toMatchObject({ file: 'profiles.json', reason: 'not-json', movedTo: expect.stringMatching(/^profiles\.json\.unreadable-/) });
    expect(readFileSync(join(dir, notice!.movedTo), 'utf8')).toBe('{"version":1,"profiles":[{"id":"p1",}]}');
    expect((await c.handlers['profiles.list']({})).length).toBe(4);
    await dispatch(c.handlers, 'app.dismissNotice', { id: notice!.id });
    expect(await dispatch(c.handlers, 'app.notices', {})).toEqual([]);
    await c.close();
  });
});

describe('a frame larger than a sandbox socket takes', () => {
  it('closes that socket (1009); the host and its other clients go on', async () => {
    const host = new SandboxHost();
    vendorById('mindcraft').mountSandbox(host);
    await host.start(0);
    try {
      // An accepted device token: a wrong one is answered 2004 and closed, which races the big frame.
      const url = host.vendorUrl('mindcraft').replace(/^http/, 'ws') + `/socket-v1/?token=${vendorById('mindcraft').sandboxCredentials.DEVICE_TOKEN}`;
      const big = new WebSocket(url);
      await new Promise((r) => big.once('open', r));
      const closed = new Promise<number>((r) => big.once('close', (code) => r(code)));
      big.on('error', () => undefined);
      big.send(Buffer.alloc(17 * 1024 * 1024));
      expect(await closed).toBe(1009);
      const next = new WebSocket(url);
      await new Promise((resolve, reject) => {
        next.once('open', resolve);
        next.once('error', reject);
      });
      next.close();
    } finally {
      await host.close();
    }
  });
});
