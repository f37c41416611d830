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
    const s = buildSnippets(
      {
        method: 'POST',
        url: 'http://127.0.0.1:9/convai/connect',
        headers: { 'X-API-Key': mask(API_KEY), 'Content-Type': 'application/json' },
        body: '{"character_id":"c1"}',
        steps: [],
        warnings: [],
      },
      [{ env: 'PARLEY_CONVAI_API_KEY', value: API_KEY, masked: mask(API_KEY) }],
      'PARLEY_CONVAI',
    );
    expect(s.computed).toEqual([]);
    expect(s.curl).toContain('-H "X-API-Key: ${PARLEY_CONVAI_API_KEY}"');
    expect(s.python).toContain('"X-API-Key": os.environ["PARLEY_CONVAI_API_KEY"]');
  });

  it('the curl snippet, run by a real shell, sends the exact body with the variable filled in', () => {
    const s = buildSnippets(tencent, tencentCreds, 'PARLEY_TENCENT');
    // Replace curl with a shell function that prints its --data-raw argument.
    const dir = mkdtempSync(join(tmpdir(), 'parley-snip-'));
    const script = join(dir, 's.sh');
    writeFileSync(script, `curl() { while [ $# -gt 0 ]; do if [ "$1" = --data-raw ]; then printf '%s' "$2"; fi; shift; done; }\n${s.curl!}`);
    const out = execFileSync('bash', [script], {
      env: { PATH: process.env.PATH, PARLEY_TENCENT_LLM_API_KEY: 'FILLED', PARLEY_TENCENT_AUTHORIZATION: 'A' },
    }).toString();
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

  it('a {{secret:NAME}} reference and a redacted UserSig in the body become variables, never «redacted»', () => {
    const inspection: RequestInspection = {
      ...tencent,
      body: JSON.stringify({
        AgentConfig: { UserId: 'bot', UserSig: '«redacted»' },
        LLMConfig: JSON.stringify({ APIKey: '{{secret:LLM_API_KEY}}', Model: 'x' }),
      }),
    };
    const s = buildSnippets(
      inspection,
      tencentCreds.map((c) => ({ ...c, name: c.env.replace('PARLEY_TENCENT_', '') })),
      'PARLEY_TENCENT',
    );
    for (const code of [s.curl!, s.node, s.python]) {
      expect(code).not.toContain('«redacted»');
      expect(code).not.toContain('{{secret:');
    }
    expect(s.variables).toEqual(expect.arrayContaining(['PARLEY_TENCENT_USERSIG', 'PARLEY_TENCENT_LLM_API_KEY']));
    expect(s.computed).toEqual(['Authorization', 'UserSig']);
    const dir = mkdtempSync(join(tmpdir(), 'parley-snip-'));
    writeFileSync(join(dir, 's.sh'), `curl() { while [ $# -gt 0 ]; do if [ "$1" = --data-raw ]; then printf '%s' "$2"; fi; shift; done; }\n${s.curl!}`);
    const sent = execFileSync('bash', [join(dir, 's.sh')], {
      env: { PATH: process.env.PATH, PARLEY_TENCENT_LLM_API_KEY: 'K1', PARLEY_TENCENT_USERSIG: 'SIG', PARLEY_TENCENT_AUTHORIZATION: 'A' },
    }).toString();
    expect(JSON.parse(sent)).toEqual({ AgentConfig: { UserId: 'bot', UserSig: 'SIG' }, LLMConfig: JSON.stringify({ APIKey: 'K1', Model: 'x' }) });
    expect(s.node).toContain('"UserSig":"${process.env.PARLEY_TENCENT_USERSIG}"');
  });

  it('a socket session gets ws / websockets code that sends its first messages, and no curl', () => {
    const KEY = 'mc-api-key-5566778899';
    const inspection: RequestInspection = {
      method: 'WEBSOCKET',
      url: 'wss://api.mindcraft.com.cn/socket-v1/?x=1',
      headers: { Authorization: `Bearer ${mask(KEY)}` },
      body: '{}',
      steps: [],
      warnings: [],
      messages: [
        JSON.stringify({ socket_type: 'auth', token: mask(KEY) }),
        JSON.stringify({ socket_type: 'agent_event', event_name: 'agent_action', event_params: { asr_text: 'it\'s "fine"' } }),
      ],
    };
    const s = buildSnippets(inspection, [{ env: 'PARLEY_MINDCRAFT_API_KEY', name: 'API_KEY', value: KEY, masked: mask(KEY) }], 'PARLEY_MINDCRAFT');
    expect(s.transport).toBe('websocket');
    expect(s.curl).toBeNull();
    expect(s.variables).toEqual(['PARLEY_MINDCRAFT_API_KEY']);
    for (const code of [s.node, s.python]) {
      expect(code).not.toContain('••••');
      expect(code).not.toMatch(/WEBSOCKET/);
    }
    expect(s.node).toContain("import WebSocket from 'ws';");
    expect(s.node).toContain('${process.env.PARLEY_MINDCRAFT_API_KEY}');
    expect(s.python).toContain(
      'websockets.connect("wss://api.mindcraft.com.cn/socket-v1/?x=1", additional_headers={"Authorization": "Bearer " + os.environ["PARLEY_MINDCRAFT_API_KEY"]})',
    );
    expect(s.node).toContain('{ headers: { "Authorization": `Bearer ${process.env.PARLEY_MINDCRAFT_API_KEY}` } }');
    expect(s.computed).toEqual([]);
    expect(s.python).toContain('os.environ["PARLEY_MINDCRAFT_API_KEY"]');
    const dir = mkdtempSync(join(tmpdir(), 'parley-snip-'));
    writeFileSync(join(dir, 'a.mjs'), s.node);
    execFileSync(process.execPath, ['--check', join(dir, 'a.mjs')]);
    writeFileSync(join(dir, 'a.py'), s.python);
    execFileSync('python3', ['-m', 'py_compile', join(dir, 'a.py')]);
  });
});
