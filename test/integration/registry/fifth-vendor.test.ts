/**
 * A fifth vendor, added the way a new vendor is added: its folders (test/vendors/parrot: core/ and renderer/) and one
 * registry line, here `registerVendor(parrot)`. Nothing else knows it, yet it is in the contract, the profiles, the
 * sandbox with its faults, case files, bundles, comparisons and the CLI. (Its renderer half: test/renderer/registry/fifth-vendor-ui.test.ts
 * registers its panel part and text; test/e2e/fifth-vendor.test.ts shows it in the built app's sidebar, panel and log.)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVendor, VENDORS } from '../../../src-main/core/vendors/registry.ts';
import { parrot } from '../../vendors/parrot/core/index.ts';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { dispatch } from '../../../src-main/core/contract.ts';
import { main } from '../../../src-main/cli.ts';
import type { CliIO } from '../../../src-main/core/cli/command.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { CompareResult } from '../../../src-main/core/workflows/compare.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { queuedDialog } from '../../support/queued-dialog.ts';

registerVendor(parrot);

const ROOT = join(import.meta.dirname, '../../..');

/** Every text file under `dir` (no node_modules), as [path relative to the repository, content]. */
function sources(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((name): [string, string][] => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|vue|js|mjs|json|html|css)$/.test(name) ? [[relative(ROOT, p), readFileSync(p, 'utf8')]] : [];
  });
}

function cliIO(env: Record<string, string>): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', env, cwd: ROOT, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a fifth vendor registered by its folders and one registry line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fifth-'));
  const dialog = queuedDialog();
  let core: Core;
  let profile: Profile;
  const events = (sessionId: string): SessionEvent[] => core.sessions.events(sessionId, 0, 100_000).events;

  beforeAll(async () => {
    core = createCore({ dataDir: join(dir, 'data'), secrets: new MemorySecretStore(), seedSandboxProfiles: true, dialog });
    profile = (await core.handlers['profiles.list']({})).find((p) => p.vendor === 'parrot')!;
  });
  afterAll(() => core.close());

  it('no file outside its own folders names it', () => {
    const mentions = [...sources(join(ROOT, 'src-main')), ...sources(join(ROOT, 'src-renderer'))].filter(([, text]) => /parrot/i.test(text)).map(([p]) => p);
    expect(mentions).toEqual([]);
    expect(VENDORS.map((v) => v.id)).toEqual(['convai', 'netease', 'mindcraft', 'tencent', 'parrot']);
  });

  it('is in the contract: listed with its colour, given a sandbox profile, its payloads validated by the fidelity rule', async () => {
    const views = (await dispatch(core.handlers, 'vendors.list', {})) as { id: string; color: string }[];
    expect(views.find((v) => v.id === 'parrot')).toMatchObject({ color: '#5fd3c4' });
    expect(profile).toMatchObject({ vendor: 'parrot', target: 'sandbox' });
    expect(await core.handlers['secrets.status']({ profileId: profile.id })).toEqual([expect.objectContaining({ name: 'API_KEY', set: true, demo: true })]);

    const saved = (await dispatch(core.handlers, 'profiles.save', {
      profile: { name: 'Parrot live', vendor: 'parrot', target: 'live', settings: { endpoint: 'wss://parrot.example/v1/talk' } },
    })) as Profile;
    expect(saved).toMatchObject({ vendor: 'parrot', settings: { endpoint: 'wss://parrot.example/v1/talk' } });
    await expect(dispatch(core.handlers, 'profiles.save', { profile: { name: 'x', vendor: 'zebra', target: 'live' } })).rejects.toMatchObject({
      code: 'BAD_ARGUMENTS',
      message: expect.stringContaining('expected one of convai, netease, mindcraft, tencent, parrot, got "zebra"'),
    });

    const findings = (await dispatch(core.handlers, 'payload.validate', {
      vendor: 'parrot',
      operation: 'talk',
      payload: { voice: 'mid', style: 'whisper', colour: 'red' },
    })) as { path: string; severity: string }[];
    expect(findings.map((f) => [f.path, f.severity])).toEqual([
      ['/voice', 'error'],
      ['/style', 'warning'],
      ['/colour', 'warning'],
    ]);
    expect(await core.handlers['session.start']({ profileId: profile.id, operation: 'talk', payload: { voice: 'mid' } })).toEqual({
      errors: expect.arrayContaining([expect.objectContaining({ path: '/voice', severity: 'error' })]),
    });
  });

  it('runs a session against its sandbox, twice, with its own event kinds, turns and figures', async () => {
    for (const text of ['Hello there', 'Second time']) {
      const { sessionId } = await core.handlers['session.start']({ profileId: profile.id, operation: 'talk', payload: { voice: 'high', repeat: 2 } });
      await core.handlers['session.send']({ sessionId: sessionId!, action: 'text', data: { text } });
      await until(
        () => events(sessionId!),
        (es) => es.some((e) => e.kind === 'turn.end'),
      );
      expect(await core.handlers['session.stop']({ sessionId: sessionId! })).toMatchObject({ ok: true, summary: '1 turn · stopped' });
      const kinds = events(sessionId!).map((e) => e.kind);
      expect(kinds).toEqual(
        expect.arrayContaining([
          'ws.connecting',
          'ws.open',
          'parrot.welcome',
          'parrot.heard',
          'parrot.reply',
          'parrot.done',
          'turn.end',
          'metric',
          'session.end',
        ]),
      );
      expect(
        events(sessionId!)
          .filter((e) => e.kind === 'parrot.reply')
          .map((e) => (e.data as { text: string }).text),
      ).toEqual([text.toUpperCase(), text.toUpperCase()]);
      // The API key went out in the hello message, and is in no event.
      expect(JSON.stringify(events(sessionId!))).not.toContain(parrot.sandboxCredentials.API_KEY);
    }
  });

  it('has its sandbox faults: its own error code, and a close code mapped to its vendor error', async () => {
    await dispatch(core.handlers, 'sandbox.fault', { vendor: 'parrot', fault: { kind: 'vendor-error', code: 'RATE_LIMITED' } });
    const { sessionId } = await core.handlers['session.start']({ profileId: profile.id, operation: 'talk', payload: {} });
    await core.handlers['session.send']({ sessionId: sessionId!, action: 'text', data: { text: 'hi' } });
    await until(
      () => events(sessionId!),
      (es) => es.some((e) => e.kind === 'turn.end'),
    );
    expect(events(sessionId!).find((e) => e.kind === 'error')?.data).toMatchObject({ code: 'RATE_LIMITED', message: 'slow down' });
    await core.handlers['session.stop']({ sessionId: sessionId! });

    await dispatch(core.handlers, 'sandbox.fault', { vendor: 'parrot', fault: { kind: 'vendor-error', code: 'UNAUTHORIZED' } });
    const refused = await core.handlers['session.start']({ profileId: profile.id, operation: 'talk', payload: {} });
    await until(
      () => core.sessions.isLive(refused.sessionId!),
      (live) => !live,
    );
    expect(events(refused.sessionId!).find((e) => e.kind === 'session.end')?.data).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'unauthorized' },
    });
    await dispatch(core.handlers, 'sandbox.fault', { vendor: 'parrot', fault: null });
  });

  it('is in case files, comparisons and bundles, each run again', async () => {
    const cases = join(dir, 'cases');
    mkdirSync(cases);
    dialog.answer(cases);
    await core.handlers['dialog.open']({ purpose: 'caseFolder' });
    const { path } = await core.handlers['cases.save']({
      dir: cases,
      case: {
        version: 1,
        name: 'parrot says',
        vendor: 'parrot',
        operation: 'talk',
        payload: { voice: 'low' },
        input: { text: 'Quiet Please' },
        expectations: { eventKinds: ['parrot.reply', 'turn.end'] },
      },
    });
    expect((await core.handlers['cases.list']({ dir: cases })).map((c) => c.case?.vendor)).toEqual(['parrot']);
    for (let i = 0; i < 2; i++) {
      const report = await core.handlers['cases.run']({ path });
      expect(report).toMatchObject({ vendor: 'parrot', outcome: 'pass', failures: [] });
      expect(events(report.sessionId!).find((e) => e.kind === 'parrot.reply')?.data).toMatchObject({ text: 'quiet please' });
    }

    const { id } = await core.handlers['compare.start']({
      plan: { input: { text: 'compare me' }, entries: [{ profileId: profile.id }], repeat: 2, mode: 'sequential' },
    });
    const compared: CompareResult = await until(
      () => core.handlers['compare.get']({ id }),
      (r) => r.state !== 'running',
    );
    expect(compared.runs.map((r) => r.ok)).toEqual([true, true]);
    expect(compared.columns[0]).toMatchObject({ vendor: 'parrot', ok: 2 });

    const sessionId = compared.runs[0]!.sessionId!;
    dialog.answer(join(dir, 'parrot.parley-bundle.json'));
    const target = (await core.handlers['dialog.save']({ purpose: 'bundleSave' })).path!;
    await core.handlers['bundle.export']({ sessionIds: [sessionId], path: target });
    dialog.answer(target);
    await core.handlers['dialog.open']({ purpose: 'bundleOpen' });
    const bundle = await core.handlers['bundle.import']({ path: target });
    expect(bundle.sessions[0]).toMatchObject({ vendor: 'parrot', operation: 'talk', input: { text: 'compare me' } });
    const rerun = await core.handlers['bundle.rerun']({ path: target, index: 0 });
    await until(
      () => core.sessions.isLive(rerun.sessionId),
      (live) => !live,
    );
    // The comparison used the operation's example payload (voice high), and so does its re-run.
    expect(events(rerun.sessionId).find((e) => e.kind === 'parrot.reply')?.data).toMatchObject({ text: 'COMPARE ME' });
  });

  it('is in the CLI: help and variables, its own command, case runs and the fault catalogue', async () => {
    const env = { PARLEY_DATA_DIR: join(dir, 'cli-data') };
    const help = cliIO(env);
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out).toContain('parley parrot --text TEXT');
    expect(help.out).toMatch(/parrot +PARLEY_PARROT_API_KEY/);

    for (const voice of ['high', 'low']) {
      const io = cliIO(env);
      expect(await main(['parrot', '--text', 'Polly Wants', '--voice', voice, '--out', join(dir, `cli-${voice}`)], io)).toBe(0);
      expect(io.out).toBe(voice === 'high' ? 'POLLY WANTS\n' : 'polly wants\n');
    }
    const bad = cliIO(env);
    expect(await main(['parrot', '--text', 'x', '--voice', 'mid'], bad)).toBe(2);
    expect(bad.err).toContain('/voice: expected one of "low", "high"');

    const run = cliIO(env);
    expect(await main(['run', join(dir, 'cases'), '--out', join(dir, 'cli-run')], run)).toBe(0);
    expect(run.out).toMatch(/^1 passed, 0 failed, 0 errors · 1 runs/);

    const list = cliIO(env);
    expect(await main(['sandbox', 'fault', '--list', 'parrot'], list)).toBe(0);
    expect(list.out).toContain('RATE_LIMITED');
  });
});
