import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runParley } from '../support/parley-cli.ts';
import { MODE_EXAMPLES } from '../../../src-main/core/vendors/netease/common/schema.ts';
import { SANDBOX_APP_SECRET } from '../../../src-main/core/vendors/netease/sandbox.ts';

let dir: string;
const parley = (args: string[], env: Record<string, string> = {}) => runParley(dir, args, env);
const body = (name: string) => join(ROOT, 'resources/netease', `${name}.json`);

describe('parley CLI: netease', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-netease-cli-'));
  });

  it('sign netease prints exactly {"headers":{AppKey, Nonce, CurTime, CheckSum}} for fixed inputs', async () => {
    const r = await parley(['sign', 'netease', '--nonce', 'abc123', '--curtime', '1700000000'], {
      PARLEY_NETEASE_APP_KEY: 'my-app-key',
      PARLEY_NETEASE_APP_SECRET: SANDBOX_APP_SECRET,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      '{"headers":{"AppKey":"my-app-key","Nonce":"abc123","CurTime":"1700000000","CheckSum":"f5a4079a6dc8e8221070b6d5aafef17017efc6c0"}}\n',
    );
  });

  it('sign netease names the missing variable and rejects a CurTime that is not seconds', async () => {
    const a = await parley(['sign', 'netease', '--nonce', 'n', '--curtime', '1'], { PARLEY_NETEASE_APP_KEY: 'k' });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('PARLEY_NETEASE_APP_SECRET is not set');
    const b = await parley(['sign', 'netease', '--curtime', '2026-01-01'], { PARLEY_NETEASE_APP_KEY: 'k', PARLEY_NETEASE_APP_SECRET: 's' });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--curtime: expected Unix time in seconds');
  });

  it('the resources bodies are the doc examples', () => {
    expect(JSON.parse(readFileSync(body('create-parameters'), 'utf8'))).toEqual(MODE_EXAMPLES.parameters);
    expect(JSON.parse(readFileSync(body('create-agent'), 'utf8'))).toEqual(MODE_EXAMPLES.agent);
    expect(JSON.parse(readFileSync(body('create-agent-parameters'), 'utf8'))).toEqual(MODE_EXAMPLES.agentParameters);
  });

  it('netease create against the in-process sandbox prints the response JSON, both variants', async () => {
    for (const [name, variant] of [
      ['create-parameters', 'server'],
      ['create-agent', 'client'],
      ['create-agent-parameters', 'server'],
    ] as const) {
      const r = await parley(['netease', 'create', '--body', body(name), '--variant', variant]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ code: 200, requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475', result: { taskId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
      expect(typeof out.cid).toBe('number');
    }
  });

  it('a wrong AppSecret prints the 402 answer and exits 1; the secret stays out of the record', async () => {
    const out = join(dir, 'sessions-402');
    const r = await parley(['netease', 'create', '--body', body('create-parameters'), '--out', out], { PARLEY_NETEASE_APP_SECRET: 'not-the-right-secret-42' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 402, errmsg: expect.stringContaining('CheckSum mismatch') });
    const record = readdirSync(out)
      .filter((f) => f.endsWith('.ndjson'))
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('\n');
    expect(record).toContain('"code":"402"');
    expect(record).not.toContain('not-the-right-secret-42');
  });

  it('close of an unknown task prints the vendor error and exits 1', async () => {
    const r = await parley(['netease', 'close', '--body', body('close'), '--variant', 'client']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 400, errmsg: expect.stringContaining('not found in room meeting_name111') });
  });

  it('an invalid body is stopped before sending (exit 2) unless --send-anyway, then the sandbox answers 400', async () => {
    const bad = structuredClone(MODE_EXAMPLES.parameters) as { data: { pipeline: Record<string, unknown> } };
    delete bad.data.pipeline.interruptWords;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const a = await parley(['netease', 'create', '--body', 'bad.json']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('pipeline.interruptWords: required when interruptMode is 4 (custom interrupt words)');
    const b = await parley(['netease', 'create', '--body', 'bad.json', '--send-anyway']);
    expect(b.code).toBe(1);
    expect(JSON.parse(b.stdout)).toMatchObject({ code: 400, errmsg: 'pipeline.interruptWords: required when interruptMode is 4 (custom interrupt words)' });
    const c = await parley(['netease', 'create', '--body', 'bad.json', '--variant', 'web']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--variant: expected server or client');
  });

  it('warnings (an inferred rule, an undocumented field) are printed and the request goes out', async () => {
    const body = structuredClone(MODE_EXAMPLES.parameters) as { data: { llm: Record<string, unknown>; tts: Record<string, unknown> } };
    body.data.llm.role = 0; // role 0 without a custom prompt: inferred warning
    body.data.tts.emotion = 'calm'; // not in the doc's table
    writeFileSync(join(dir, 'warned.json'), JSON.stringify(body));
    const r = await parley(['netease', 'create', '--body', 'warned.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'warning: llm.customPrompt: expected with role 0 or empty (custom role), or customPromptKeyWord and customPromptFormat [inferred, not stated by the vendor: docs/vendors/netease.md#role]',
    );
    expect(r.stderr).toContain("warning: /data/tts/emotion: not in the vendor's documentation (sent as is)");
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 200 });
  });
});
