import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../../src-main/core/vendors/tencent/sandbox.ts';
import { verifyUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
let dir: string;

async function parley(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/parley.mjs'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PARLEY_DATA_DIR: join(dir, 'data'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const VECTOR_BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const VECTOR_ENV = { PARLEY_TENCENT_SECRET_ID: 'AKID********************************', PARLEY_TENCENT_SECRET_KEY: '********************************' };

describe('parley CLI: tencent', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-tencent-cli-'));
    writeFileSync(join(dir, 'vector.json'), VECTOR_BODY);
  });

  it('sign tencent reproduces the official vector from the body bytes', async () => {
    const r = await parley(
      [
        'sign',
        'tencent',
        '--action',
        'DescribeInstances',
        '--timestamp',
        '1551113065',
        '--region',
        'ap-guangzhou',
        '--host',
        'cvm.tencentcloudapi.com',
        '--version',
        '2017-03-12',
        '--body',
        'vector.json',
      ],
      VECTOR_ENV,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['canonicalRequest', 'stringToSign', 'signature', 'authorization', 'headers']);
    expect(out.signature).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
    expect(out.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    expect(out.headers).toMatchObject({
      Host: 'cvm.tencentcloudapi.com',
      'X-TC-Action': 'DescribeInstances',
      'X-TC-Timestamp': '1551113065',
      'X-TC-Region': 'ap-guangzhou',
      'X-TC-Version': '2017-03-12',
    });
    expect(out.authorization).toContain('SignedHeaders=content-type;host;x-tc-action');
  });

  it('sign tencent: missing credentials and bad arguments are usage errors (exit 2)', async () => {
    const noEnv = await parley(['sign', 'tencent', '--action', 'A', '--timestamp', '1', '--region', 'ap-guangzhou', '--body', 'vector.json']);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain('PARLEY_TENCENT_SECRET_ID is not set');
    const badTs = await parley(
      ['sign', 'tencent', '--action', 'A', '--timestamp', 'yesterday', '--region', 'ap-guangzhou', '--body', 'vector.json'],
      VECTOR_ENV,
    );
    expect(badTs.code).toBe(2);
    expect(badTs.stderr).toContain('--timestamp: expected a positive integer');
  });

  it('usersig prints a UserSig that verifies with the SDK secret key', async () => {
    const r = await parley(['usersig', '--sdk-app-id', '1400000001', '--user-id', 'bot_1', '--expire', '600'], { PARLEY_TENCENT_SDK_SECRET_KEY: 'my-sdk-key' });
    expect(r.code, r.stderr).toBe(0);
    const sig = r.stdout.trim();
    expect(verifyUserSig({ userSig: sig, sdkAppId: 1400000001, userId: 'bot_1', secretKey: 'my-sdk-key' })).toMatchObject({
      ok: true,
      doc: { 'TLS.expire': 600 },
    });
    expect((await parley(['usersig', '--sdk-app-id', '1400000001', '--user-id', 'bad id'], { PARLEY_TENCENT_SDK_SECRET_KEY: 'k' })).code).toBe(2);
  });

  it('tencent StartAIConversation against the embedded sandbox prints the response; a wrong key exits 1 with the vendor error', async () => {
    const sig = (
      await parley(['usersig', '--sdk-app-id', SANDBOX_CREDENTIALS.SDK_APP_ID, '--user-id', 'bot_1'], {
        PARLEY_TENCENT_SDK_SECRET_KEY: SANDBOX_CREDENTIALS.SDK_SECRET_KEY,
      })
    ).stdout.trim();
    const body = {
      SdkAppId: Number(SANDBOX_CREDENTIALS.SDK_APP_ID),
      RoomId: 'room_cli',
      RoomIdType: 1,
      AgentConfig: { UserId: 'bot_1', UserSig: sig, TargetUserId: 'user_1' },
      // Wire form, as in the vendor doc: a JSON string.
      LLMConfig: JSON.stringify({ LLMType: 'openai', Model: 'm', APIKey: 'sk-cli-secret-9911', APIUrl: 'https://llm.example/v1' }),
    };
    writeFileSync(join(dir, 'start.json'), JSON.stringify(body));
    const ok = await parley(['tencent', 'StartAIConversation', '--body', 'start.json', '--out', 'sessions']);
    expect(ok.code, ok.stderr).toBe(0);
    const response = JSON.parse(ok.stdout);
    expect(response.Response).toMatchObject({ TaskId: expect.any(String), RequestId: expect.any(String) });
    const record = readFileSync(/record: (\S+)/.exec(ok.stderr)![1]!, 'utf8');
    expect(record).not.toContain('sk-cli-secret-9911');
    expect(record).not.toContain(SANDBOX_CREDENTIALS.SECRET_KEY);

    writeFileSync(join(dir, 'describe.json'), JSON.stringify({ TaskId: 'nope' }));
    const bad = await parley(
      ['tencent', 'DescribeAIConversation', '--body', 'describe.json', '--target', 'sandbox', '--region', 'ap-singapore', '--out', 'sessions'],
      { PARLEY_TENCENT_SECRET_KEY: 'not-the-key' },
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).Response).toMatchObject({
      Error: { Code: 'AuthFailure.SignatureFailure', Message: expect.any(String) },
      RequestId: expect.any(String),
    });
    expect(bad.stderr).toMatch(/AuthFailure\.SignatureFailure · .* · request /);

    const unknown = await parley(['tencent', 'DeleteEverything', '--body', 'describe.json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('ACTION: expected one of');
  });
});
