import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { CompareResult } from '../../../src-main/core/workflows/compare.ts';
import { queuedDialog } from '../../support/queued-dialog.ts';

const WAV = resourcePath('utterances', 'hello-weather-en.wav');

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('workflows through createCore (real vendors, real sandboxes)', () => {
  let core: Core;
  let secrets: MemorySecretStore;
  let profiles: Profile[];
  const dir = mkdtempSync(join(tmpdir(), 'parley-wf-'));
  const byVendor = (v: string) => profiles.find((p) => p.vendor === v)!;
  const dialog = queuedDialog();
  /** What the renderer does before it names a file: the user picks it in the dialog. */
  async function choose(purpose: 'caseFolder' | 'bundleOpen' | 'speechWav', path: string): Promise<string> {
    dialog.answer(path);
    return (await core.handlers['dialog.open']({ purpose })).path!;
  }
  async function chooseSave(path: string): Promise<string> {
    dialog.answer(path);
    return (await core.handlers['dialog.save']({ purpose: 'bundleSave' })).path!;
  }

  /** What a user does in the Tencent panel: mint the bot UserSig for the profile's app, fill the payload. */
  async function tencentPayload(): Promise<Record<string, unknown>> {
    const minted = await core.handlers['room.credential']({ profileId: byVendor('tencent').id, userId: 'bot_7' });
    return {
      SdkAppId: minted.params.sdkAppId,
      RoomId: '8001',
      AgentConfig: { UserId: 'bot_7', UserSig: minted.credential, TargetUserId: 'console_1' },
      LLMConfig: { LLMType: 'openai', Model: 'm', APIKey: '{{secret:LLM_API_KEY}}', APIUrl: 'https://x' },
    };
  }

  beforeAll(async () => {
    secrets = new MemorySecretStore();
    core = createCore({ dataDir: join(dir, 'data'), secrets, seedSandboxProfiles: true, dialog });
    profiles = await core.handlers['profiles.list']({});
  });
  afterAll(() => core.close());

  it('compares Mindcraft and Tencent sandboxes on one WAV file, with figures per vendor', async () => {
    const { id } = await core.handlers['compare.start']({
      plan: {
        name: 'weather',
        input: { wav: WAV },
        entries: [{ profileId: byVendor('mindcraft').id }, { profileId: byVendor('tencent').id, payload: await tencentPayload() }],
        repeat: 2,
        mode: 'sequential',
      },
    });
    const r: CompareResult = await until(
      () => core.handlers['compare.get']({ id }),
      (x) => x.state !== 'running',
      120_000,
    );
    expect(r.state).toBe('done');
    expect(r.runs.map((x) => [x.entry, x.ok, x.error ?? ''])).toEqual([
      [0, true, ''],
      [1, true, ''],
      [0, true, ''],
      [1, true, ''],
    ]);
    const [mc, tc] = r.columns;
    expect(mc!.operation).toBe('chat_bot_v3');
    for (const k of ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'turnLatencyMs', 'botAudioS'] as const) expect(mc!.stats[k].n, k).toBe(2);
    expect(mc!.stats.botAudioS.median).toBeGreaterThan(0);
    expect(mc!.transcript.length).toBeGreaterThan(0);
    expect(mc!.botText.length).toBeGreaterThan(0);
    expect(tc!.operation).toBe('StartAIConversation');
    expect(tc!.stats.setupMs.n).toBe(2);
    expect(tc!.stats.firstAudioMs.n).toBe(0);
    // Saved and exportable.
    expect((await core.handlers['compare.list']({})).map((c) => c.id)).toContain(id);
    const { csv } = await core.handlers['compare.csv']({ id, kind: 'summary' });
    expect(csv.split('\r\n')[1]).toMatch(/^Mindcraft/);
    // Every run is an ordinary session in the history, with its input remembered for "run again".
    const history = await core.handlers['history.query']({ query: { vendor: 'mindcraft' } });
    expect(history).toHaveLength(2);
    expect(history[0]!.input).toEqual({ wav: WAV });
    expect(history[0]!.profileName).toBe(byVendor('mindcraft').name);
  }, 180_000);

  it('saves a case, refuses one holding a stored secret, runs it with expectations', async () => {
    mkdirSync(join(dir, 'cases'));
    await expect(core.handlers['cases.list']({ dir: join(dir, 'cases') })).rejects.toThrow(/not chosen with "Choose…"/);
    const cases = await choose('caseFolder', join(dir, 'cases'));
    const tencent = byVendor('tencent');
    const example = await tencentPayload();
    const secretKey = (await secrets.get(tencent.id, 'SECRET_KEY'))!;
    await expect(
      core.handlers['cases.save']({
        dir: cases,
        case: { version: 1, name: 'leaky', vendor: 'tencent', operation: 'StartAIConversation', payload: { ...example, Note: secretKey } },
      }),
    ).rejects.toThrow(/Tencent.*SECRET_KEY/);
    const { path } = await core.handlers['cases.save']({
      dir: cases,
      case: {
        version: 1,
        name: 'Start conversation',
        vendor: 'tencent',
        operation: 'StartAIConversation',
        profile: tencent.name,
        payload: example,
        expectations: { status: 200, eventKinds: ['http.response'], latencyBudgetsMs: { setup_ms: 5000 } },
      },
    });
    expect(readFileSync(path, 'utf8')).not.toContain(secretKey);
    const report = await core.handlers['cases.run']({ path });
    expect(report).toMatchObject({ ok: true, failures: [], vendor: 'tencent' });
    const list = await core.handlers['cases.list']({ dir: cases });
    expect(list.map((e) => e.case?.name)).toEqual(['Start conversation']);
  }, 60_000);

  it('exports a bundle (refused with a planted secret), re-imports and re-runs it', async () => {
    const [session] = await core.handlers['history.query']({ query: { vendor: 'mindcraft', state: 'ended' } });
    await expect(core.handlers['bundle.export']({ sessionIds: [session!.id], path: join(dir, 'repro.parley-bundle.json') })).rejects.toThrow(/not chosen/);
    const file = await chooseSave(join(dir, 'repro'));
    expect(file).toBe(join(dir, 'repro.parley-bundle.json'));
    const { bytes } = await core.handlers['bundle.export']({ sessionIds: [session!.id], path: file, note: 'customer ticket 42' });
    expect(bytes).toBeGreaterThan(1000);
    const bundle = await core.handlers['bundle.import']({ path: file });
    expect(bundle.sessions[0]!.vendor).toBe('mindcraft');
    expect(bundle.sessions[0]!.files.some((f) => f.role === 'input')).toBe(true);
    expect(bundle.sessions[0]!.files.some((f) => f.role === 'output' && f.mime === 'audio/mpeg')).toBe(true);
    expect(bundle.sessions[0]!.events.split('\n').filter(Boolean).length).toBe(session!.eventCount);
    const text = readFileSync(file, 'utf8');
    for (const p of profiles)
      for (const name of ['API_KEY', 'SECRET_KEY', 'SECRET_ID', 'LLM_API_KEY', 'SDK_SECRET_KEY']) {
        const v = await secrets.get(p.id, name);
        if (v && v.length >= 4) expect(text).not.toContain(v);
      }

    // Plant: a stored secret that happens to equal a value in the session (the payload's character id).
    const planted = String(JSON.parse(text).sessions[0].payload.character_uuid ?? JSON.parse(text).sessions[0].summary.id);
    await core.handlers['secrets.set']({ profileId: byVendor('mindcraft').id, name: 'API_KEY', value: planted });
    await expect(core.handlers['bundle.export']({ sessionIds: [session!.id], path: await chooseSave(join(dir, 'leak.parley-bundle.json')) })).rejects.toThrow(
      /Mindcraft.*API_KEY/,
    );

    await core.handlers['secrets.set']({
      profileId: byVendor('mindcraft').id,
      name: 'API_KEY',
      value: (await import('../../../src-main/core/vendors/registry.ts')).vendorById('mindcraft').sandboxCredentials.API_KEY!,
    });
    const { sessionId } = await core.handlers['bundle.rerun']({ path: file, index: 0 });
    const rerun = await until(
      () => core.handlers['history.detail']({ sessionId }),
      (d) => d.entry.state !== 'running',
    );
    expect(rerun.entry.state).toBe('ended');
    expect(rerun.figures.firstAudioMs).toBeDefined();
  }, 90_000);

  it('copy as code for a signed Tencent request holds no secret', async () => {
    const tencent = byVendor('tencent');
    const view = (await core.handlers['vendors.list']({})).find((v) => v.id === 'tencent')!;
    const payload = view.operations.find((o) => o.id === 'StartAIConversation')!.example;
    const s = await core.handlers['code.snippets']({ profileId: tencent.id, operation: 'StartAIConversation', payload });
    expect(s.computed).toContain('Authorization');
    const all = s.curl + s.node + s.python;
    for (const name of ['SECRET_ID', 'SECRET_KEY', 'LLM_API_KEY', 'SDK_SECRET_KEY', 'TTS_SECRET_KEY']) {
      const v = await secrets.get(tencent.id, name);
      if (v && v.length >= 4) expect(all, name).not.toContain(v);
    }
    expect(all).not.toContain('••••');
  });

  it('a bundle of a Tencent session leaves out the literal UserSig and says so', async () => {
    const [s] = await core.handlers['history.query']({ query: { vendor: 'tencent', state: 'ended' } });
    const file = await chooseSave(join(dir, 'tencent.parley-bundle.json'));
    await core.handlers['bundle.export']({ sessionIds: [s!.id], path: file });
    const detail = await core.handlers['history.detail']({ sessionId: s!.id });
    // The session record itself no longer holds the literal UserSig (credentials typed into a payload are redacted).
    expect((detail.payload.AgentConfig as { UserSig: string }).UserSig).toBe('«redacted»');
    expect(readFileSync(file, 'utf8')).not.toMatch(/eJy[A-Za-z0-9*_-]{20,}/);
    const b = await core.handlers['bundle.import']({ path: file });
    expect(b.sessions[0]!.redactedFields).toContain('/AgentConfig/UserSig');
    expect((b.sessions[0]!.payload.LLMConfig as { APIKey: string }).APIKey).toBe('{{secret:LLM_API_KEY}}');
    // Only a bundle the user chose (or one below the data folder) is read; the refusal does not say whether it exists.
    for (const path of ['/etc/passwd', '/etc/passwd.parley-bundle.json', '/nonexistent.parley-bundle.json'])
      await expect(core.handlers['bundle.import']({ path })).rejects.toThrow(/was not chosen with "Choose…"/);
  });

  it('pins events and re-runs a session from the history', async () => {
    const [s] = await core.handlers['history.query']({ query: { text: 'tencent' } });
    expect(await core.handlers['pins.set']({ sessionId: s!.id, seqs: [3, 1] })).toEqual([1, 3]);
    expect(await core.handlers['pins.get']({ sessionId: s!.id })).toEqual([1, 3]);
    const { sessionId } = await core.handlers['history.rerun']({ sessionId: s!.id });
    const d = await until(
      () => core.handlers['history.detail']({ sessionId }),
      (x) => x.entry.state !== 'running',
    );
    expect(d.entry.vendor).toBe('tencent');
    // The same payload, except the ids naming the vendor task: a re-run gets its own room (said in its record).
    const { RoomId: roomAgain, ...again } = d.payload as { RoomId: string };
    const { RoomId: roomBefore, ...before } = (await core.handlers['history.detail']({ sessionId: s!.id })).payload as { RoomId: string };
    expect(again).toEqual(before);
    expect(roomAgain).not.toBe(roomBefore);
    expect(core.sessions.events(sessionId, 0, 1000).events.find((e) => e.kind === 'run.ids')?.summary).toContain(`/RoomId ${roomBefore} → ${roomAgain}`);
  }, 60_000);
});
