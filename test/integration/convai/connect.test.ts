import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../../src-main/core/secrets/store.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { ADD_WAV_HEADER_NO_EFFECT, connectExample, SANDBOX_CHARACTER_ID } from '../../../src-main/core/vendors/convai/common/schema.ts';
import { SANDBOX_API_KEY, NOT_FOUND_DETAIL } from '../../../src-main/core/vendors/convai/sandbox.ts';
import { testKeychainService } from '../../keychain/names.ts';

// The real Convai client against the real loopback sandbox, through createCore (the app's operation table),
// with the real keychain (scripts/test.sh provides an unlocked gnome-keyring on a private D-Bus).
describe('convai connect through the core against the sandbox', () => {
  let core: Core;
  let profile: Profile;
  let dataDir: string;
  const secrets = new KeychainSecretStore(testKeychainService(import.meta.url));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-convai-it-'));
    core = createCore({ dataDir, secrets, seedSandboxProfiles: true });
    profile = (await core.handlers['profiles.list']({})).find((p) => p.vendor === 'convai')!;
  });
  afterAll(async () => {
    for (const p of core.profiles.list()) await secrets.delete(p.id, 'API_KEY').catch(() => undefined);
    await core.close();
  });

  async function until(sessionId: string, pred: (events: SessionEvent[]) => boolean): Promise<SessionEvent[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { events } = core.sessions.events(sessionId, 0, 100_000);
      if (pred(events)) return events;
      if (Date.now() > deadline) throw new Error(`timed out; events: ${events.map((e) => e.kind).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const ended = (sessionId: string) => until(sessionId, (ev) => ev.some((e) => e.kind === 'session.end'));
  async function start(payload: Record<string, unknown>, sendAnyway = false, p = profile) {
    const r = await core.handlers['session.start']({ profileId: p.id, operation: 'connect', payload, sendAnyway });
    if (!r.sessionId) throw new Error(`not started: ${JSON.stringify(r.errors)}`);
    return r.sessionId;
  }
  const endData = (events: SessionEvent[]) => events.find((e) => e.kind === 'session.end')!.data as { ok: boolean; error?: Record<string, unknown> };

  it('connects, hands the room over for room.join, and keeps the key and the token out of the record', async () => {
    const id = await start({ ...connectExample, end_user_id: 'qa-user-1' });
    const events = await until(id, (ev) => ev.some((e) => e.kind === 'session.control-plane-done'));
    const req = events.find((e) => e.kind === 'http.request')!.data as { url: string; headers: Record<string, string>; body: unknown };
    expect(req.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/convai\/connect$/);
    expect(req.headers['X-API-Key']).toBe('«redacted»');
    expect(req.body).toEqual({ ...connectExample, end_user_id: 'qa-user-1' });
    const connected = events.find((e) => e.kind === 'convai.connected')!.data as Record<string, unknown>;
    // The room is the sandbox's livekit-server on loopback (npm test finds or builds it: scripts/livekit-server.sh).
    expect(connected).toMatchObject({
      room_url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/),
      room_name: expect.stringMatching(/^convai-/),
      end_user_id: 'qa-user-1',
      token: '«redacted»',
      requestId: expect.stringMatching(/^req_/),
    });
    expect(events.find((e) => e.kind === 'metric')!.data).toMatchObject({ name: 'setup_ms', unit: 'ms', source: 'measured' });

    const joined = await core.handlers['room.join']({ sessionId: id });
    if (joined.vendor !== 'convai') throw new Error(`room.join answered for ${joined.vendor}`);
    // No TURN server on loopback: a sandbox join uses every candidate whatever the profile says.
    expect(joined.params).toMatchObject({ url: connected.room_url, roomName: connected.room_name, iceTransportPolicy: 'all' });
    const token = joined.params.token;
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({
      sub: 'qa-user-1',
      video: { room: connected.room_name, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
    });
    expect(joined.sensitive).toEqual([token]);

    await core.handlers['session.stop']({ sessionId: id });
    const record = readFileSync(core.sessions.directory.eventsFile(id), 'utf8');
    expect(record).not.toContain(SANDBOX_API_KEY);
    expect(record).not.toContain(token);
    expect(record).not.toContain(token.split('.')[2]!);
    const summary = readFileSync(join(dataDir, 'sessions', `${id}.json`), 'utf8');
    expect(summary).not.toContain(SANDBOX_API_KEY);
    expect(summary).not.toContain(token);
  });

  it('keeps a given character_session_id (continue conversation) and mints one otherwise', async () => {
    const a = await start({ character_id: SANDBOX_CHARACTER_ID, character_session_id: 'sess-keep-1' });
    const ev = await until(a, (e) => e.some((x) => x.kind === 'convai.connected'));
    expect((ev.find((e) => e.kind === 'convai.connected')!.data as Record<string, unknown>).character_session_id).toBe('sess-keep-1');
    await core.handlers['session.stop']({ sessionId: a });
  });

  it('unknown character: the documented 404 detail with the request id', async () => {
    const id = await start({ character_id: 'no-such-character' });
    const events = await ended(id);
    const error = events.find((e) => e.kind === 'error')!;
    expect(error.data).toMatchObject({ code: '404', httpStatus: 404, message: NOT_FOUND_DETAIL, requestId: expect.stringMatching(/^req_/) });
    expect(error.summary).toContain("404 · Character not found or doesn't belong to user · request req_");
    expect(endData(events)).toMatchObject({ ok: false, error: { code: '404' } });
  });

  it('send anyway with max_chunk_duration_ms 5: the 422 entry maps onto that field', async () => {
    const payload = {
      character_id: SANDBOX_CHARACTER_ID,
      audio_config: { output: { audio_routing: 'data_only', max_chunk_duration_ms: 5, add_wav_header: true } },
    };
    expect((await core.handlers['session.start']({ profileId: profile.id, operation: 'connect', payload })).errors![0]!.path).toBe(
      '/audio_config/output/max_chunk_duration_ms',
    );
    const id = await start(payload, true);
    const error = endData(await ended(id)).error!;
    expect(error).toMatchObject({ code: '422', httpStatus: 422, field: '/audio_config/output/max_chunk_duration_ms' });
    expect(error.details).toEqual([
      {
        type: 'greater_than_equal',
        loc: ['body', 'audio_config', 'output', 'max_chunk_duration_ms'],
        msg: 'Input should be greater than or equal to 10',
        input: 5,
        ctx: { ge: 10 },
        path: '/audio_config/output/max_chunk_duration_ms',
        message: '/audio_config/output/max_chunk_duration_ms: Input should be greater than or equal to 10',
      },
    ]);
  });

  it("add_wav_header with audio_only, and keys around the doc's example objects: accepted, warned in the response header", async () => {
    const payload = { character_id: SANDBOX_CHARACTER_ID, dynamic_info: { mood: 'calm' }, audio_config: { output: { add_wav_header: true } } };
    const findings = await core.handlers['payload.validate']({ vendor: 'convai', operation: 'connect', payload });
    expect(findings.map((f) => [f.path, f.severity])).toEqual([
      ['/dynamic_info/text', 'warning'],
      ['/dynamic_info/mood', 'warning'],
      ['/audio_config/output/add_wav_header', 'warning'],
    ]);
    // Warnings never stop a send: no "send anyway" needed.
    const id = await start(payload);
    const events = await until(id, (ev) => ev.some((e) => e.kind === 'convai.connected' || e.kind === 'session.end'));
    expect(events.some((e) => e.kind === 'convai.connected')).toBe(true);
    const response = events.find((e) => e.kind === 'http.response')!.data as { status: number; headers: Record<string, string> };
    expect(response.status).toBe(200);
    expect(JSON.parse(response.headers['x-parley-sandbox-warnings']!)).toEqual([
      '/dynamic_info/text: required [inferred, not stated by the vendor: docs/vendors/convai.md#example-objects]',
      "/dynamic_info/mood: not in the vendor's documentation (sent as is)",
      `${ADD_WAV_HEADER_NO_EFFECT} [docs/vendors/convai.md#add-wav-header]`,
    ]);
    await core.handlers['session.stop']({ sessionId: id });
  });

  it("every documented status (and the inferred key statuses) can be injected in Convai's shape", async () => {
    const { vendors } = await core.handlers['sandbox.info']({});
    for (const code of ['404', '422', '401', '403']) {
      await core.handlers['sandbox.fault']({ vendor: 'convai', fault: { kind: 'vendor-error', code } });
      try {
        const res = await fetch(`${vendors.convai}/connect`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': SANDBOX_API_KEY },
          body: JSON.stringify(connectExample),
        });
        expect(res.status, code).toBe(Number(code));
        expect(res.headers.get('content-type')).toBe('application/json');
        const body = (await res.json()) as { detail: unknown };
        if (code === '422') expect(body.detail).toEqual([expect.objectContaining({ type: 'value_error', loc: ['body', 'character_id'] })]);
        else expect(typeof body.detail).toBe('string');
        const id = await start(connectExample);
        expect(endData(await ended(id)).error, code).toMatchObject({ code, httpStatus: Number(code) });
      } finally {
        await core.handlers['sandbox.fault']({ vendor: 'convai', fault: null });
      }
    }
  });

  it('wrong API key: 403 with its detail; missing X-API-Key: 401', async () => {
    const wrong = core.profiles.upsert({ name: 'convai wrong key', vendor: 'convai', target: 'sandbox', settings: profile.settings });
    await core.handlers['secrets.set']({ profileId: wrong.id, name: 'API_KEY', value: 'convai-wrong-key-123' });
    const id = await start(connectExample, false, wrong);
    const events = await ended(id);
    expect(endData(events).error).toMatchObject({
      code: '403',
      message: expect.stringMatching(/^Invalid API key \[sandbox, inferred: the Connect page documents no status for this\]$/),
    });
    expect(readFileSync(core.sessions.directory.eventsFile(id), 'utf8')).not.toContain('convai-wrong-key-123');

    const { vendors } = await core.handlers['sandbox.info']({});
    const res = await fetch(`${vendors.convai}/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(connectExample),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Missing X-API-Key header [sandbox, inferred: the Connect page documents no status for this]' });
  });

  it('a live profile uses its endpoint setting as the base URL', async () => {
    const { vendors } = await core.handlers['sandbox.info']({});
    const live = await core.handlers['profiles.save']({
      profile: { name: 'convai custom url', vendor: 'convai', target: 'live', settings: { endpoint: vendors.convai } },
    });
    await core.handlers['secrets.set']({ profileId: live.id, name: 'API_KEY', value: SANDBOX_API_KEY });
    const id = await start({ character_id: SANDBOX_CHARACTER_ID }, false, live);
    const events = await until(id, (ev) => ev.some((e) => e.kind === 'convai.connected' || e.kind === 'session.end'));
    expect((events.find((e) => e.kind === 'http.request')!.data as { url: string }).url).toBe(`${vendors.convai}/connect`);
    expect(events.some((e) => e.kind === 'convai.connected')).toBe(true);
    await core.handlers['session.stop']({ sessionId: id });
  });

  it.each([
    [
      { kind: 'status', status: 503, body: 'upstream busy' },
      { code: '503', message: 'upstream busy' },
    ],
    [{ kind: 'malformed' }, { code: 'BAD_RESPONSE' }],
    [{ kind: 'reset' }, { code: 'connection_reset' }],
    [{ kind: 'drop' }, { code: 'connection_reset' }],
  ])('sandbox fault %j becomes a specific error and ends the session', async (fault, expected) => {
    await core.handlers['sandbox.fault']({ vendor: 'convai', fault: fault as never });
    try {
      const id = await start(connectExample);
      const events = await ended(id);
      expect(events.find((e) => e.kind === 'error')!.data).toMatchObject(expected);
      expect(endData(events).ok).toBe(false);
    } finally {
      await core.handlers['sandbox.fault']({ vendor: 'convai', fault: null });
    }
  });

  it('a hanging server times out with the profile connect timeout', async () => {
    const quick = await core.handlers['profiles.save']({
      profile: { name: 'convai quick', vendor: 'convai', target: 'sandbox', settings: {}, timeouts: { connectMs: 400 } },
    });
    await core.handlers['secrets.set']({ profileId: quick.id, name: 'API_KEY', value: SANDBOX_API_KEY });
    await core.handlers['sandbox.fault']({ vendor: 'convai', fault: { kind: 'hang' } });
    try {
      const id = await start(connectExample, false, quick);
      const events = await ended(id);
      expect(events.find((e) => e.kind === 'error')!.data).toMatchObject({ code: 'timeout', message: expect.stringContaining('within 400 ms') });
    } finally {
      await core.handlers['sandbox.fault']({ vendor: 'convai', fault: null });
    }
  });

  it('inspect shows the request with the key masked and the chunk rounding', async () => {
    const inspection = await core.handlers['payload.inspect']({
      profileId: profile.id,
      operation: 'connect',
      payload: { character_id: 'c', audio_config: { output: { max_chunk_duration_ms: 95, add_wav_header: true } } },
    });
    // masked by the vendor (••••0001), then redacted as a credential header by the core
    expect(['«redacted»', `••••${SANDBOX_API_KEY.slice(-4)}`]).toContain(inspection.headers['X-API-Key']);
    expect(inspection.steps).toContainEqual({ label: 'max_chunk_duration_ms', value: '95 ms, Convai rounds it to the nearest 10 ms: 100 ms' });
    expect(inspection.warnings[0]).toContain('add_wav_header: has no effect');
    expect(JSON.stringify(inspection)).not.toContain(SANDBOX_API_KEY);
  });
});
