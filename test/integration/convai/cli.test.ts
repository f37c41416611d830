import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProfileStore } from '../../../src-main/core/profiles/store.ts';
import { SANDBOX_CHARACTER_ID } from '../../../src-main/core/vendors/convai/common/schema.ts';
import { SANDBOX_API_KEY } from '../../../src-main/core/vendors/convai/sandbox.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

async function parley(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [join(ROOT, 'bin/parley.mjs'), ...args], { cwd: dir, env: { ...process.env, PARLEY_DATA_DIR: dataDir, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let dataDir: string;
const body = (name: string, v: unknown) => {
  writeFileSync(join(dir, name), JSON.stringify(v));
  return name;
};

describe('parley convai connect (child process, in-process sandbox)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-convai-cli-'));
    dataDir = join(dir, 'data');
  });

  it('200: prints the response JSON with the token masked, exit 0', async () => {
    const r = await parley(['convai', 'connect', '--body', body('ok.json', { character_id: SANDBOX_CHARACTER_ID, end_user_id: 'cli-user' })]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      session_id: expect.any(String),
      character_session_id: expect.any(String),
      room_url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/),
      room_name: expect.stringMatching(/^convai-/),
      token: '«redacted»',
      end_user_id: 'cli-user',
    });
    expect(r.stderr).toContain('--show-token');
    const record = readFileSync(r.stderr.match(/record: (\S+)/)![1]!, 'utf8');
    expect(record).not.toContain(SANDBOX_API_KEY);
  });

  it('without livekit-server: the loopback sandbox room, and a warning that says why', async () => {
    const r = await parley(['convai', 'connect', '--body', body('nolk.json', { character_id: SANDBOX_CHARACTER_ID })], {
      PARLEY_LIVEKIT_SERVER: join(dir, 'no-such-livekit-server'),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).room_url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/convai\/_room$/);
    expect(r.stderr).toContain(
      `room_url is the loopback sandbox room (no LiveKit server: PARLEY_LIVEKIT_SERVER=${join(dir, 'no-such-livekit-server')} is not a file; point it at a livekit-server binary)`,
    );
  });

  it('--show-token prints the LiveKit token (still absent from the record)', async () => {
    const r = await parley(['convai', 'connect', '--body', 'ok.json', '--show-token']);
    expect(r.code).toBe(0);
    const token = JSON.parse(r.stdout).token as string;
    expect(token.split('.')).toHaveLength(3);
    expect(readFileSync(r.stderr.match(/record: (\S+)/)![1]!, 'utf8')).not.toContain(token);
  });

  it('404 unknown character: prints the detail body, exit 1', async () => {
    const r = await parley(['convai', 'connect', '--body', body('nf.json', { character_id: 'nobody' }), '--target', 'sandbox']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ detail: "Character not found or doesn't belong to user" });
    expect(r.stderr).toMatch(/convai connect failed: 404 · Character not found or doesn't belong to user · request req_/);
  });

  it('invalid body: usage error naming the field (exit 2); --send-anyway gets the 422 (exit 1)', async () => {
    const f = body('bad.json', { character_id: SANDBOX_CHARACTER_ID, audio_config: { output: { max_chunk_duration_ms: 5 } } });
    const local = await parley(['convai', 'connect', '--body', f]);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('/audio_config/output/max_chunk_duration_ms: expected a number >= 10');
    const r = await parley(['convai', 'connect', '--body', f, '--send-anyway']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).detail[0]).toEqual({
      type: 'greater_than_equal',
      loc: ['body', 'audio_config', 'output', 'max_chunk_duration_ms'],
      msg: 'Input should be greater than or equal to 10',
      input: 5,
      ctx: { ge: 10 },
    });
    expect(r.stderr).toContain(
      'sent anyway: /audio_config/output/max_chunk_duration_ms: expected a number >= 10 [documented: docs/vendors/convai.md#max-chunk-duration-ms]',
    );
  });

  it('add_wav_header with audio_only and an undocumented field: warnings on stderr, the request goes out (exit 0)', async () => {
    const f = body('warned.json', {
      character_id: SANDBOX_CHARACTER_ID,
      blendshape_provider: 'neurosync',
      audio_config: { output: { audio_routing: 'audio_only', add_wav_header: true } },
    });
    const r = await parley(['convai', 'connect', '--body', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: /blendshape_provider: not in the vendor's documentation (sent as is)");
    expect(r.stderr).toMatch(/warning: \/audio_config\/output\/add_wav_header: has no effect with audio_routing "audio_only"/);
    expect(JSON.parse(r.stdout)).toMatchObject({ room_url: expect.any(String) });
  });

  it('PARLEY_CONVAI_API_KEY is used (wrong key: 403, exit 1, key not printed)', async () => {
    const r = await parley(['convai', 'connect', '--body', 'ok.json'], { PARLEY_CONVAI_API_KEY: 'cli-wrong-key-9876' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ detail: 'Invalid API key [sandbox, inferred: the Connect page documents no status for this]' });
    expect(r.stdout + r.stderr).not.toContain('cli-wrong-key-9876');
  });

  it('--profile remembers the character session and --continue reuses it', async () => {
    const store = new ProfileStore(join(dataDir, 'profiles.json'));
    store.upsert({ name: 'cli-convai', vendor: 'convai', target: 'sandbox', settings: { endpoint: 'https://live.convai.com' } });
    const first = await parley(['convai', 'connect', '--body', 'ok.json', '--profile', 'cli-convai']);
    expect(first.code).toBe(0);
    const sessionId = JSON.parse(first.stdout).character_session_id;
    expect(first.stderr).toContain(`remembered character session ${sessionId}`);
    const again = await parley(['convai', 'connect', '--body', 'ok.json', '--profile', 'cli-convai', '--continue']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).character_session_id).toBe(sessionId);
    const noProfile = await parley(['convai', 'connect', '--body', 'ok.json', '--continue']);
    expect(noProfile).toMatchObject({ code: 2, stderr: expect.stringContaining('--continue needs --profile') });
  });

  it('usage errors: missing --body, unreadable file, bad --target, bad --base-url', async () => {
    expect((await parley(['convai', 'connect'])).stderr).toContain('--body FILE is required');
    expect((await parley(['convai', 'connect', '--body', 'missing.json'])).stderr).toContain('ENOENT');
    expect((await parley(['convai', 'connect', '--body', 'ok.json', '--target', 'prod'])).stderr).toContain('--target: expected sandbox or live');
    const r = await parley(['convai', 'connect', '--body', 'ok.json', '--base-url', 'ftp://x']);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('--base-url: expected an http(s) URL') });
  });

  it('--target live --base-url sends to that URL (connection refused → exit 1 with the reason)', async () => {
    const port = await new Promise<number>((res) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => res(p));
      });
    });
    const r = await parley(['convai', 'connect', '--body', 'ok.json', '--target', 'live', '--base-url', `http://127.0.0.1:${port}`], {
      PARLEY_CONVAI_API_KEY: 'live-key-1234',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('connection_refused');
    expect(r.stdout).toBe('');
  });
});
