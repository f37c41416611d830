import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SandboxHost, WARNINGS_HEADER } from '../../../src-main/core/sandbox/host.ts';
import { VENDORS } from '../../../src-main/core/vendors/registry.ts';
import { mountConvaiSandbox, SANDBOX_API_KEY } from '../../../src-main/core/vendors/convai/sandbox.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import { ConvaiSandboxRooms } from '../../../src-main/core/vendors/convai/sandbox-room.ts';
import { SANDBOX_CHARACTER_ID } from '../../../src-main/core/vendors/convai/common/schema.ts';
import { liveKitServer } from '../support/livekit.ts';

// The lifecycle of the sandbox's livekit-server: started by the first /connect, stopped with the sandbox host, and
// never left behind, even when the process that started it is killed outright.
const ROOT = resolve(import.meta.dirname, '../../..');
const connectOp = vendorById('convai').operations[0]!;

async function connect(baseUrl: string, body: Record<string, unknown> = { character_id: SANDBOX_CHARACTER_ID }) {
  const res = await fetch(`${baseUrl}/convai/connect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SANDBOX_API_KEY },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
}

const answers = (url: string) =>
  fetch(url.replace(/^ws:/, 'http:'), { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );

async function untilRefused(url: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (await answers(url)) {
    if (Date.now() > deadline) throw new Error(`${url} still answers ${ms} ms later`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the Convai sandbox livekit-server', () => {
  it('is started by the first /connect, serves every room after it, and stops with the sandbox host; twice', async () => {
    process.env.PARLEY_LIVEKIT_SERVER ??= liveKitServer();
    for (const round of [1, 2]) {
      const host = new SandboxHost();
      for (const v of VENDORS) v.mountSandbox(host);
      await host.start();
      const a = await connect(host.baseUrl);
      const b = await connect(host.baseUrl, { character_id: SANDBOX_CHARACTER_ID, end_user_id: 'second-user' });
      expect([a.status, b.status], `round ${round}`).toEqual([200, 200]);
      expect(a.body.room_url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(b.body.room_url).toBe(a.body.room_url);
      expect(a.body.room_name).not.toBe(b.body.room_name);
      expect(a.headers.get(WARNINGS_HEADER)).toBeNull();
      expect(await answers(a.body.room_url)).toBe(true);
      await host.close();
      await untilRefused(a.body.room_url);
    }
  }, 60_000);

  it('is stopped by the LiveKit worker when the process that started it is killed (SIGKILL)', async () => {
    const script = `
      import { SandboxHost } from ${JSON.stringify(join(ROOT, 'src-main/core/sandbox/host.ts'))};
      import { VENDORS } from ${JSON.stringify(join(ROOT, 'src-main/core/vendors/registry.ts'))};
      const host = new SandboxHost();
      for (const v of VENDORS) v.mountSandbox(host);
      await host.start();
      const res = await fetch(host.baseUrl + '/convai/connect', { method: 'POST', headers: { 'x-api-key': ${JSON.stringify(SANDBOX_API_KEY)} }, body: JSON.stringify({ character_id: ${JSON.stringify(SANDBOX_CHARACTER_ID)} }) });
      console.log(JSON.stringify(await res.json()));
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PARLEY_LIVEKIT_SERVER: liveKitServer() },
    });
    const line = await new Promise<string>((r, reject) => {
      createInterface({ input: child.stdout! }).once('line', r);
      child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before answering`)));
    });
    const url = (JSON.parse(line) as { room_url: string }).room_url;
    expect(await answers(url)).toBe(true);
    child.kill('SIGKILL');
    await untilRefused(url);
  }, 60_000);

  it('without livekit-server: /connect answers with the loopback sandbox room and says so in a warning', async () => {
    const host = new SandboxHost();
    const rooms = new ConvaiSandboxRooms({ lookup: () => ({ found: false, reason: 'livekit-server is not installed: (test)' }) });
    mountConvaiSandbox(host, connectOp, rooms);
    await host.start();
    try {
      const r = await connect(host.baseUrl);
      expect(r.status).toBe(200);
      expect(r.body.room_url).toBe(`ws://127.0.0.1:${new URL(host.baseUrl).port}/convai/_room`);
      const warning = '[sandbox] room_url is the loopback sandbox room (no LiveKit server: livekit-server is not installed: (test))';
      expect(JSON.parse(r.headers.get(WARNINGS_HEADER)!)).toEqual([warning]);
      expect(host.recentNotes('convai').map((n) => n.message)).toContain(`connect: ${warning}`);
    } finally {
      await host.close();
    }
  });

  it('a livekit-server that cannot start: 503 with the reason, and the next /connect tries again', async () => {
    const host = new SandboxHost();
    const rooms = new ConvaiSandboxRooms({ lookup: () => ({ found: true, path: process.execPath, source: 'env' }) });
    mountConvaiSandbox(host, connectOp, rooms);
    await host.start();
    try {
      for (const attempt of [1, 2]) {
        const r = await connect(host.baseUrl);
        expect(r.status, `attempt ${attempt}`).toBe(503);
        expect(r.body.detail).toMatch(/^\[sandbox\] the sandbox room could not be started: livekit-server exited \(code \d+\) before it was ready: /);
      }
    } finally {
      await host.close();
    }
  }, 30_000);
});
