import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startHarness, type Harness } from './harness.ts';
import { credentialEnvName, VENDORS } from '../../src-main/core/vendors/registry.ts';
import type { OperationDescriptor, VendorDescriptor } from '../../src-main/core/vendors/types.ts';

/**
 * Secret-leak scan. Every secret credential of every vendor gets a distinctive canary value (the sandboxes reject
 * them, so those sessions fail auth); the sandboxes' demo values, which pass, are secrets too. Sessions run with
 * both, requests are inspected, bundles and copy-as-code snippets are made (when those operations exist), the CLI
 * runs with PARLEY_* variables; then the DOM, web storage, every bridge frame, every file in the data folders, the
 * snippets and the CLI output are searched: zero occurrences of any value.
 *
 * What is deliberately outside: the value the user types goes renderer → main once (secrets.set), so the canary
 * profiles are filled from main here; room.join hands the renderer the short-lived room credential (for NetEase
 * that is the TOKEN credential itself, the documented exception in README, Security), so no room is joined in this scan.
 */
const canary = (vendor: string, field: string) => `LEAK-CANARY-${vendor}-${field}-9f3a`;

const secretFields = (v: VendorDescriptor) => v.credentials.filter((c) => c.secret);

/** Every value that must never show up, with a name for the failure message. */
const NEEDLES: { name: string; value: string }[] = VENDORS.flatMap((v) =>
  secretFields(v).flatMap((c) => [
    { name: `${v.id} ${c.name} canary`, value: canary(v.id, c.name) },
    ...(v.sandboxCredentials[c.name] ? [{ name: `${v.id} ${c.name} sandbox demo value`, value: v.sandboxCredentials[c.name]! }] : []),
  ]),
);

/** The doc examples (Tencent's references LLM_API_KEY, TTS_SECRET_ID and TTS_SECRET_KEY, so resolution is exercised too). */
function payloadFor(v: VendorDescriptor, op: OperationDescriptor): Record<string, unknown> {
  const p = structuredClone(op.example);
  if (v.id === 'mindcraft') p.asr_text = 'leak scan';
  return p;
}

interface Source {
  where: string;
  text: string;
}

function findLeaks(sources: Source[]): string[] {
  const found: string[] = [];
  for (const s of sources)
    for (const n of NEEDLES) {
      const i = s.text.indexOf(n.value);
      if (i >= 0) found.push(`${n.name} in ${s.where}: …${s.text.slice(Math.max(0, i - 80), i + n.value.length + 40).replace(/\s+/g, ' ')}…`);
    }
  return found;
}

function filesUnder(dir: string): Source[] {
  const out: Source[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    // Binary artifacts (audio) are searched as latin1 so a value embedded in them is still found.
    out.push({ where: `file ${relative(dir, file)} (${dir})`, text: readFileSync(file).toString('latin1') });
  }
  return out;
}

function runCli(args: string[], env: Record<string, string>): Promise<Source[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'parley.mjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve([
        { where: `CLI stdout of parley ${args.join(' ')}`, text: stdout },
        { where: `CLI stderr of parley ${args.join(' ')}`, text: stderr },
      ]);
    });
  });
}

describe('secret-leak scan', () => {
  let h: Harness;
  const extra: Source[] = [];
  const notRun: string[] = [];
  const sessionIds: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the canaries and demo values are distinct, long and present where they should be (the keychain)', () => {
    expect(NEEDLES.length).toBeGreaterThanOrEqual(VENDORS.length * 2);
    for (const n of NEEDLES) expect(n.value.length).toBeGreaterThanOrEqual(8);
  });

  it('runs sessions with canary and demo credentials on all four sandboxes through the page', async () => {
    const seeded = await h.core.handlers['profiles.list']({});
    for (const v of VENDORS) {
      const demo = seeded.find((p) => p.vendor === v.id)!;
      const leaky = await h.core.handlers['profiles.save']({
        profile: { name: `${v.id} canary`, vendor: v.id, target: 'sandbox', timeouts: { connectMs: 2000, responseMs: 2000, idleMs: 3000 } },
      });
      for (const c of v.credentials)
        await h.core.handlers['secrets.set']({
          profileId: leaky.id,
          name: c.name,
          value: c.secret ? canary(v.id, c.name) : (v.sandboxCredentials[c.name] ?? '1400000000'),
        });
      for (const profileId of [demo.id, leaky.id]) {
        for (const op of v.operations) {
          const payload = payloadFor(v, op);
          // The inspector (signed request view) and the session, both through window.parley as the UI calls them.
          if (op.inspect)
            await h.page.evaluate((a) => window.parley.invoke('payload.inspect', a).catch((e: Error) => e.message), { profileId, operation: op.id, payload });
          await h.page.evaluate((a) => window.parley.invoke('secrets.status', a), { profileId });
          const started = await h.page.evaluate((a) => window.parley.invoke('session.start', a), { profileId, operation: op.id, payload, sendAnyway: true });
          const sessionId = started.sessionId;
          if (!sessionId) throw new Error(`session.start refused ${v.id} ${op.id}: ${JSON.stringify(started)}`);
          sessionIds.push(sessionId);
          // Room sessions wait for the renderer and socket sessions for actions: give each a moment, then stop it.
          for (let i = 0; i < 60 && h.core.sessions.isLive(sessionId); i++) await new Promise((r) => setTimeout(r, 50));
          await h.page.evaluate((id) => window.parley.invoke('session.stop', { sessionId: id }), sessionId);
          await h.page.evaluate((id) => window.parley.invoke('session.events', { sessionId: id, limit: 100000 }), sessionId);
        }
      }
    }
    const states = (await h.core.handlers['session.list']({})).map((s) => s.state);
    expect(states).toContain('failed'); // canary credentials are refused
    expect(states.filter((s) => s === 'ended').length).toBeGreaterThan(0); // demo credentials work
    await h.page.evaluate(() => window.parley.invoke('session.list', {}));
  });

  it('exports bundles and copy-as-code snippets (when the workflows operations exist)', async () => {
    const handlers = h.core.handlers as unknown as Record<string, ((a: unknown) => Promise<unknown>) | undefined>;
    if (handlers['bundle.export']) {
      const path = join(h.dataDir, 'exports', 'leak-scan.parley-bundle.json');
      mkdirSync(join(h.dataDir, 'exports'), { recursive: true });
      const result = await h.page.evaluate(
        (a) =>
          window.parley.invoke('bundle.export' as never, a as never).then(
            (r) => JSON.stringify(r),
            (e: Error) => `refused: ${e.message}`,
          ),
        { sessionIds: sessionIds.slice(0, 50), path },
      );
      extra.push({ where: 'bundle.export result', text: String(result) });
      // Either written (then its file is scanned with the data folder) or refused because it would hold a secret.
      expect(String(result)).toMatch(/"bytes":\d+|refused: .*secret/i);
    } else notRun.push('bundle.export (operation not in createCore yet)');
    if (handlers['code.snippets']) {
      for (const p of await h.core.handlers['profiles.list']({})) {
        const v = VENDORS.find((x) => x.id === p.vendor)!;
        for (const op of v.operations.filter((o) => o.inspect)) {
          const text = await h.page.evaluate(
            (a) =>
              window.parley.invoke('code.snippets' as never, a as never).then(
                (r) => JSON.stringify(r),
                (e: Error) => `refused: ${e.message}`,
              ),
            { profileId: p.id, operation: op.id, payload: payloadFor(v, op) },
          );
          extra.push({ where: `copy-as-code snippets ${p.name} ${op.id}`, text: String(text) });
          expect(String(text)).toMatch(/"curl":/);
        }
      }
    } else notRun.push('code.snippets (operation not in createCore yet)');
    if (notRun.length) console.warn(`secret-leak scan: not exercised: ${notRun.join('; ')}`);
  });

  it('runs the CLI with canary and demo credentials from PARLEY_* variables', async () => {
    const cliData = mkdtempSync(join(tmpdir(), 'parley-leak-cli-'));
    const bodies = join(cliData, 'bodies');
    mkdirSync(bodies);
    const body = (name: string, v: VendorDescriptor, op: string) => {
      const file = join(bodies, `${name}.json`);
      writeFileSync(
        file,
        JSON.stringify(
          payloadFor(
            v,
            v.operations.find((o) => o.id === op)!,
          ),
        ),
      );
      return file;
    };
    const byId = (id: string) => VENDORS.find((v) => v.id === id)!;
    const commands = (out: string) => [
      ['convai', 'connect', '--body', body('convai', byId('convai'), 'connect'), '--out', join(out, 'convai')],
      ['netease', 'create', '--body', body('netease', byId('netease'), 'create'), '--out', join(out, 'netease')],
      ['mindcraft', '--text', 'leak scan', '--out', join(out, 'mindcraft')],
      ['tencent', 'StartAIConversation', '--body', body('tencent', byId('tencent'), 'StartAIConversation'), '--out', join(out, 'tencent')],
    ];
    const canaryEnv: Record<string, string> = {};
    for (const v of VENDORS) for (const c of secretFields(v)) canaryEnv[credentialEnvName(v.id, c.name)] = canary(v.id, c.name);
    for (const [label, env] of [
      ['canary', canaryEnv],
      ['demo', {}],
    ] as const) {
      const out = join(cliData, label);
      for (const args of commands(out)) extra.push(...(await runCli(args, { ...env, PARLEY_DATA_DIR: join(cliData, 'data') })));
    }
    extra.push(...filesUnder(cliData));
    // The CLI ran for real: each run left output.
    expect(extra.filter((s) => s.where.startsWith('CLI stdout') && s.text.length > 0).length).toBeGreaterThan(0);
  });

  it('finds no secret value in the DOM, web storage, bridge traffic, data files, bundles, snippets, CLI output or logs', async () => {
    // Show what a user would look at: the session list and the latest session's log.
    await h.page.reload();
    await h.page.waitForTimeout(500);
    const sources: Source[] = [{ where: 'renderer (DOM, web storage, bridge traffic)', text: await h.rendererExposure() }, ...filesUnder(h.dataDir), ...extra];
    // The scan must be able to fail: the needles are in the keychain, and searching a source that has one finds it.
    expect(findLeaks([{ where: 'self-check', text: `x${NEEDLES[0]!.value}x` }])).toHaveLength(1);
    expect(sources.some((s) => s.where.startsWith('file ') && s.where.includes('.ndjson'))).toBe(true);
    const leaks = findLeaks(sources);
    expect(leaks, `secret values leaked:\n${leaks.join('\n')}`).toEqual([]);
  });
});
