import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import type { OperationDescriptor, VendorDescriptor } from '../../../src-main/core/vendors/types.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';

const SECRET = 'sk-demo-SECRET-7788';

// A minimal vendor built only for this test: the engine must work for any descriptor.
const echo: OperationDescriptor = {
  id: 'echo',
  title: { en: 'Echo', zh: '回声' },
  transport: 'http',
  schema: { type: 'object' },
  example: {},
  async run(ctx) {
    const key = await ctx.credential('API_KEY');
    const ex = await ctx.http({
      method: 'POST',
      url: `${ctx.sandboxUrl}/echo`,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(ctx.resolvedPayloadWithSecrets),
    });
    if (ex.status !== 200) {
      const error = { code: String(ex.status), message: ex.bodyText, requestId: ex.headers['x-request-id'] };
      ctx.fail(error);
      return { ok: false, summary: `HTTP ${ex.status}`, error };
    }
    return { ok: true, summary: 'echoed', result: ex.json };
  },
};
const vendor = {
  id: 'convai',
  title: { en: 'Test', zh: '测试' },
  color: '#f08ad0',
  docsHosts: [],
  credentials: [{ name: 'API_KEY', label: { en: 'key', zh: '密钥' }, secret: true }],
  settingsSchema: {},
  defaultSettings: () => ({}),
  operations: [echo],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
} satisfies VendorDescriptor;

const profile: Profile = { id: 'p1', name: 'test', vendor: 'convai', target: 'sandbox', settings: {}, createdAt: '', updatedAt: '' };

describe('SessionManager', () => {
  const host = new SandboxHost();
  let manager: SessionManager;
  let dir: string;
  beforeAll(async () => {
    host.http('convai', 'POST', '/echo', (req) =>
      req.headers['x-api-key'] === SECRET
        ? { status: 200, body: { youSent: JSON.parse(req.body.toString()), echoKey: req.headers['x-api-key'] } }
        : { status: 403, headers: { 'x-request-id': 'req-42' }, body: { detail: 'bad key' } },
    );
    await host.start();
    dir = mkdtempSync(join(tmpdir(), 'parley-sm-'));
    manager = new SessionManager(new SessionDirectory(dir), async (_p, name) => (name === 'API_KEY' ? SECRET : undefined));
  });
  afterAll(() => host.close());

  it('records every step in order and never writes a resolved secret to the record or the pushed batches', async () => {
    const pushed: SessionEvent[] = [];
    const off = manager.onEvents((_id, events) => pushed.push(...events));
    const { sessionId, done } = await manager.start({
      vendor,
      operation: echo,
      profile,
      payload: { text: 'hi', key: '{{secret:API_KEY}}' },
      sandboxUrl: host.vendorUrl('convai'),
    });
    const outcome = await done;
    await new Promise((r) => setTimeout(r, 50));
    off();
    expect(outcome.ok).toBe(true);
    const file = readFileSync(join(dir, `${sessionId}.ndjson`), 'utf8');
    expect(file).not.toContain(SECRET);
    expect(JSON.stringify(pushed)).not.toContain(SECRET);
    expect(JSON.stringify(outcome.result)).toContain(SECRET); // the vendor answered with it: only storage is redacted
    const kinds = file
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).kind);
    expect(kinds).toEqual(['session.start', 'http.request', 'http.response', 'session.end']);
    const seqs = pushed.map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(manager.list().find((s) => s.id === sessionId)).toMatchObject({ state: 'ended', eventCount: 4 });
  });

  it('ends a failed call with an error event carrying the vendor code, message and request id', async () => {
    const failing = new SessionManager(new SessionDirectory(dir), async () => 'wrong-key-0000');
    const { sessionId, done } = await failing.start({ vendor, operation: echo, profile, payload: {}, sandboxUrl: host.vendorUrl('convai') });
    const outcome = await done;
    expect(outcome).toMatchObject({ ok: false, error: { code: '403', requestId: 'req-42' } });
    const { events } = failing.events(sessionId);
    const error = events.find((e) => e.kind === 'error')!;
    expect(error.summary).toContain('request req-42');
    expect(failing.list().find((s) => s.id === sessionId)!.state).toBe('failed');
  });

  it('reports an unresolvable secret reference as a payload error naming the field', async () => {
    const { done, sessionId } = await manager.start({
      vendor,
      operation: echo,
      profile,
      payload: { a: { b: '{{secret:NOPE}}' } },
      sandboxUrl: host.vendorUrl('convai'),
    });
    const outcome = await done;
    expect(outcome.error?.message).toBe('/a/b: secret "NOPE" is not set in this profile');
    expect(manager.events(sessionId).events.at(-1)!.kind).toBe('session.end');
  });

  it('turns a hung sandbox into a timeout error within the profile timeout', async () => {
    host.setFault('convai', { kind: 'hang' });
    const quick = { ...profile, timeouts: { responseMs: 300 } };
    const started = Date.now();
    const { done } = await manager.start({ vendor, operation: echo, profile: quick, payload: {}, sandboxUrl: host.vendorUrl('convai') });
    const outcome = await done;
    host.setFault('convai', null);
    expect(outcome.error?.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('session summary', () => {
  it('stores the payload with references but without credentials typed in as literals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-sum-'));
    const host = new SandboxHost();
    host.http('convai', 'POST', '/echo', () => ({ status: 200, body: {} }));
    await host.start();
    try {
      const manager = new SessionManager(new SessionDirectory(dir), async () => SECRET);
      const { sessionId, done } = await manager.start({
        vendor,
        operation: echo,
        profile,
        payload: { AgentConfig: { UserSig: 'eJyrVgrxCdZRslIyUjJQ0gEA-literal-sig' }, key: '{{secret:API_KEY}}' },
        sandboxUrl: host.vendorUrl('convai'),
      });
      await done;
      const stored = JSON.parse(readFileSync(join(dir, `${sessionId}.json`), 'utf8'));
      expect(stored.payload.key).toBe('{{secret:API_KEY}}');
      expect(JSON.stringify(stored)).not.toContain('literal-sig');
    } finally {
      await host.close();
    }
  });
});

describe('SessionManager: actions and credentials', () => {
  // An operation that registers its action handler only once "connected" (released by the test), like a socket vendor.
  let connect: () => void = () => undefined;
  const late: OperationDescriptor = {
    id: 'late',
    title: { en: 'Late', zh: '迟' },
    transport: 'socket',
    schema: { type: 'object' },
    example: {},
    actions: [{ id: 'say', title: { en: 'Say', zh: '说' } }],
    async run(ctx) {
      const connected = new Promise<void>((resolve) => (connect = resolve));
      await ctx.credential('API_KEY');
      await connected;
      if (ctx.resolvedPayloadWithSecrets.failBeforeActions) return { ok: false, summary: 'refused before connecting' };
      let said = 0;
      await new Promise<void>((resolve) => {
        ctx.onAction(async (action, data) => {
          said++;
          if (said === 2) resolve();
          return { action, data, said };
        });
      });
      return { ok: true, summary: `${said} said` };
    },
  };
  const lateVendor = { ...vendor, operations: [late] } satisfies VendorDescriptor;

  it('an action sent before the session takes actions waits for it (no refusal, no retry), twice', async () => {
    const reads: string[] = [];
    const manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-sm-late-'))), async (_p, name) => (reads.push(name), SECRET));
    for (let round = 1; round <= 2; round++) {
      const { sessionId, done } = await manager.start({ vendor: lateVendor, operation: late, profile, payload: {}, sandboxUrl: undefined });
      const early = manager.send(sessionId, 'say', { n: 1 });
      let answered = false;
      void early.then(() => (answered = true));
      await new Promise((r) => setImmediate(r));
      expect(answered).toBe(false);
      connect();
      await expect(early).resolves.toEqual({ action: 'say', data: { n: 1 }, said: 1 });
      await expect(manager.send(sessionId, 'say', { n: 2 })).resolves.toMatchObject({ said: 2 });
      await expect(done).resolves.toMatchObject({ ok: true, summary: '2 said' });
    }
    // The profile's one credential was read once per session, before it started, whatever the operation asked.
    expect(reads).toEqual(['API_KEY', 'API_KEY']);
  });

  it('an action waiting for a session that ends before taking actions fails with SESSION_ENDED; one that takes none, NO_ACTIONS', async () => {
    const manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-sm-ended-'))), async () => SECRET);
    const { sessionId, done } = await manager.start({
      vendor: lateVendor,
      operation: late,
      profile,
      payload: { failBeforeActions: true },
      sandboxUrl: undefined,
    });
    const early = manager.send(sessionId, 'say', {});
    connect();
    await expect(early).rejects.toMatchObject({ code: 'SESSION_ENDED' });
    await done;

    const silent: OperationDescriptor = { ...late, id: 'silent', actions: undefined };
    const quiet = await manager.start({
      vendor: { ...lateVendor, operations: [silent] },
      operation: silent,
      profile,
      payload: { failBeforeActions: true },
      sandboxUrl: undefined,
    });
    expect(manager.isLive(quiet.sessionId)).toBe(true);
    await expect(manager.send(quiet.sessionId, 'say', {})).rejects.toMatchObject({ code: 'NO_ACTIONS', message: expect.stringContaining('takes no actions') });
    connect();
    await quiet.done;
  });
});
