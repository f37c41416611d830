import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runParley } from '../support/parley-cli.ts';

/**
 * `parley sandbox fault` against a running `parley sandbox`: a vendor's own error code, in its own shape, until
 * cleared; the inferred scenario; the catalogue; and the sandbox console printing what it let through with a warning.
 */
let child: ChildProcess;
let base = '';
let stderr = '';
const cwd = mkdtempSync(join(tmpdir(), 'parley-sandbox-cli-'));

beforeAll(async () => {
  child = spawn(process.execPath, [join(ROOT, 'bin/parley.mjs'), 'sandbox'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, PARLEY_DATA_DIR: join(cwd, 'data') },
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Parley sandboxes on (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Vendor errors:')) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`parley sandbox exited ${code}: ${stderr}`)));
  });
});
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check(), `sandbox console: ${stderr}`).toBe(true);
}

afterAll(() => {
  child.kill('SIGTERM');
});

describe('parley sandbox fault', () => {
  it("--list shows every vendor's codes and the scenario", async () => {
    const r = await runParley(cwd, ['sandbox', 'fault', '--list']);
    expect(r.code).toBe(0);
    for (const s of [
      'FailedOperation.NotAbility',
      'ResourceInsufficient.RequestRejection',
      '611',
      '612',
      '3002',
      '422',
      'scenario inferred-status-messages (inferred)',
    ])
      expect(r.stdout).toContain(s);
    expect((await runParley(cwd, ['sandbox', 'fault', '--list', 'netease'])).stdout).not.toContain('FailedOperation');
  });

  it("a Tencent code answers every call in Tencent's envelope until cleared; twice", async () => {
    for (const round of [1, 2]) {
      const set = await runParley(cwd, ['sandbox', 'fault', 'tencent', 'ResourceInsufficient.RequestRejection', '--base-url', base]);
      expect(set.code, set.stderr).toBe(0);
      const res = await fetch(`${base}/tencent/`, { method: 'POST', body: '{}' });
      expect(res.headers.get('content-type'), `round ${round}`).toBe('application/json');
      expect(((await res.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toBe('ResourceInsufficient.RequestRejection');
      expect((await runParley(cwd, ['sandbox', 'fault', 'tencent', '--clear', '--base-url', base])).code).toBe(0);
      const after = (await (await fetch(`${base}/tencent/`, { method: 'POST', body: '{}' })).json()) as { Response: { Error: { Code: string } } };
      expect(after.Response.Error.Code).toBe('MissingParameter'); // the sandbox's own answer again (no X-TC-Action)
    }
  });

  it('refuses an unknown code or vendor by name, and needs the sandbox URL', async () => {
    const bad = await runParley(cwd, ['sandbox', 'fault', 'netease', '999', '--base-url', base]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('netease has no error code "999" (expected one of 400, 402, 601, 611, 612, 414') });
    expect((await runParley(cwd, ['sandbox', 'fault', 'zoom', '400', '--base-url', base])).stderr).toContain(
      'vendor: expected one of convai, netease, mindcraft, tencent',
    );
    expect((await runParley(cwd, ['sandbox', 'fault', 'netease', '402'])).stderr).toContain('--base-url: expected the http:// URL');
  });

  it('turns the Mindcraft scenario on and off, and a NetEase warning shows on the sandbox console', async () => {
    expect((await runParley(cwd, ['sandbox', 'fault', 'mindcraft', '--scenario', 'inferred-status-messages', '--base-url', base])).stdout).toContain(
      '"scenario":"inferred-status-messages"',
    );
    expect((await runParley(cwd, ['sandbox', 'fault', 'mindcraft', '--no-scenario', '--base-url', base])).stdout).toContain('"scenario":null');
    writeFileSync(
      join(cwd, 'agent-extra.json'),
      JSON.stringify({ cname: 'cli-room', taskType: 7, data: { agent: { agentId: 'a1', userId: 'u1' }, greeting: 'hi' } }),
    );
    const created = await runParley(cwd, ['netease', 'create', '--body', 'agent-extra.json', '--base-url', `${base}/netease`]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain("warning: /data/greeting: not in the vendor's documentation (sent as is)");
    await until(() => stderr.includes("[netease] warning: create: /data/greeting: not in the vendor's documentation (sent as is)"));
  });
});
