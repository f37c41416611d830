import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnippets } from '../../../src-main/core/workflows/snippets.ts';
import { mask } from '../../../src-main/core/secrets/redact.ts';
import type { RequestInspection } from '../../../src-main/core/vendors/types.ts';

const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
const API_KEY = 'convai-key-0123456789abcdef';
const LLM_KEY = 'sk-llm-99887766554433';

// What a TC3 inspect() returns: Authorization with the SecretId masked and a signature derived from the key.
const tencent: RequestInspection = {
  method: 'POST',
  url: 'https://trtc.tencentcloudapi.com/',
  headers: {
    'Content-Type': 'application/json; charset=utf-8',
    Host: 'trtc.tencentcloudapi.com',
    'X-TC-Action': 'StartAIConversation',
    'X-TC-Timestamp': '1551113065',
    Authorization: `TC3-HMAC-SHA256 Credential=${mask(SECRET_ID)}/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c`,
  },
  body: JSON.stringify({ SdkAppId: 1400000000, LLMConfig: JSON.stringify({ APIKey: LLM_KEY, Model: 'x' }), Note: `it's "$HOME" \`x\`` }),
  steps: [],
  warnings: [],
};
const tencentCreds = [
  { env: 'PARLEY_TENCENT_SECRET_ID', value: SECRET_ID, masked: mask(SECRET_ID) },
  { env: 'PARLEY_TENCENT_SECRET_KEY', value: SECRET_KEY, masked: mask(SECRET_KEY) },
  { env: 'PARLEY_TENCENT_LLM_API_KEY', value: LLM_KEY, masked: mask(LLM_KEY) },
];

describe('copy as code', () => {
  it('keeps no secret value and no masked fragment in any snippet', () => {
    const s = buildSnippets(tencent, tencentCreds, 'PARLEY_TENCENT');
    for (const code of [s.curl, s.node, s.python]) {
      for (const v of [SECRET_ID, SECRET_KEY, LLM_KEY, JSON.stringify(LLM_KEY).slice(1, -1)]) expect(code).not.toContain(v);
      expect(code).not.toContain('••••');
    }
    expect(s.computed).toEqual(['Authorization']);
    expect(s.variables).toEqual(['PARLEY_TENCENT_AUTHORIZATION', 'PARLEY_TENCENT_LLM_API_KEY']);
    expect(s.node).toContain('"Authorization": process.env.PARLEY_TENCENT_AUTHORIZATION');
    expect(s.node).toContain('${process.env.PARLEY_TENCENT_LLM_API_KEY}');
    expect(s.python).toContain('os.environ["PARLEY_TENCENT_LLM_API_KEY"]');
    expect(s.curl).toContain('${PARLEY_TENCENT_LLM_API_KEY}');
    expect(s.curl).toMatch(/computed at run time/);
  });

  it('a plain API-key header becomes the env variable the CLI also reads', () => {
    const s = buildSnippets({ method: 'POST', url: 'http://127.0.0.1:9/convai/connect', headers: { 'X-API-Key': mask(API_KEY), 'Content-Type': 'application/json' }, body: '{"character_id":"c1"}', steps: [], warnings: [] }, [{ env: 'PARLEY_CONVAI_API_KEY', value: API_KEY, masked: mask(API_KEY) }], 'PARLEY_CONVAI');
    expect(s.computed).toEqual([]);
    expect(s.curl).toContain('-H "X-API-Key: ${PARLEY_CONVAI_API_KEY}"');
    expect(s.python).toContain('"X-API-Key": os.environ["PARLEY_CONVAI_API_KEY"]');
  });

  it('the curl snippet, run by a real shell, sends the exact body with the variable filled in', () => {
    const s = buildSnippets(tencent, tencentCreds, 'PARLEY_TENCENT');
    // Replace curl with a shell function that prints its --data-raw argument.
    const dir = mkdtempSync(join(tmpdir(), 'parley-snip-'));
    const script = join(dir, 's.sh');
    writeFileSync(script, `curl() { while [ $# -gt 0 ]; do if [ "$1" = --data-raw ]; then printf '%s' "$2"; fi; shift; done; }\n${s.curl}`);
    const out = execFileSync('bash', [script], { env: { PATH: process.env.PATH, PARLEY_TENCENT_LLM_API_KEY: 'FILLED', PARLEY_TENCENT_AUTHORIZATION: 'A' } }).toString();
    expect(out).toBe(tencent.body.replace(LLM_KEY, 'FILLED'));
  });

  it('the Node and Python snippets are syntactically valid', () => {
    const s = buildSnippets(tencent, tencentCreds, 'PARLEY_TENCENT');
    const dir = mkdtempSync(join(tmpdir(), 'parley-snip-'));
    writeFileSync(join(dir, 'a.mjs'), s.node);
    execFileSync(process.execPath, ['--check', join(dir, 'a.mjs')]);
    writeFileSync(join(dir, 'a.py'), s.python);
    execFileSync('python3', ['-m', 'py_compile', join(dir, 'a.py')]);
  });
});
