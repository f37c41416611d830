import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, ROOM_ORIGIN, appOrigins, roomOriginFor } from '../../../src-main/app/app-origin.ts';
import { appPageDirectives, contentSecurityPolicy, roomFrameDirectives, withCspHeader } from '../../../src-main/app/csp.ts';
import { roomSpecOf, roomVendorIds, rtcConnectSources, SANDBOX_ROOM_SOURCES } from '../../../src-main/app/rtc-hosts.ts';

const ROOM_VENDORS = roomVendorIds();
const hostsOf = (vendor: string) => roomSpecOf(vendor)!.connectSources;
import { pagePolicy, serveRendererFile } from '../../../src-main/app/renderer-files.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("the main page's Content-Security-Policy (the page holding window.parley)", () => {
  const csp = directives(contentSecurityPolicy(appPageDirectives(ROOM_ORIGIN)));

  it('has exactly the intended directives', () => {
    expect(Object.fromEntries(csp)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'font-src': ["'self'", 'data:'],
      'media-src': ["'self'", 'blob:', 'data:'],
      'connect-src': ["'self'"],
      'frame-src': ['app://room'],
      'worker-src': ["'none'"],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });

  it('runs only our own scripts: no eval, no blob: or inline script, no remote script', () => {
    expect(contentSecurityPolicy(appPageDirectives(ROOM_ORIGIN))).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('connects nowhere but its own origin: every vendor host is the room frame’s', () => {
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    for (const host of rtcConnectSources()) expect(csp.get('connect-src')).not.toContain(host);
  });
});

describe("the room frame's Content-Security-Policy, per vendor", () => {
  const room = (vendor?: string) => directives(contentSecurityPolicy(roomFrameDirectives(APP_ORIGIN, vendor)));

  it('allows eval for nertc-web-sdk only, and blob: worklets for the TRTC and NERTC volume meters only', () => {
    expect(room('convai').get('script-src')).toEqual(["'self'"]);
    expect(room('tencent').get('script-src')).toEqual(["'self'", 'blob:']);
    expect(room('netease').get('script-src')).toEqual(["'self'", "'unsafe-eval'", 'blob:']);
    expect(room().get('script-src')).toEqual(["'self'"]);
    for (const vendor of ROOM_VENDORS) expect(room(vendor).get('script-src')).not.toContain("'wasm-unsafe-eval'");
  });

  it("connects each SDK to its own vendor's hosts and the loopback sandbox, never to another vendor's", () => {
    for (const vendor of ROOM_VENDORS) {
      expect(room(vendor).get('connect-src')).toEqual(["'self'", ...hostsOf(vendor), ...SANDBOX_ROOM_SOURCES]);
      for (const other of ROOM_VENDORS.filter((v) => v !== vendor))
        for (const host of hostsOf(other)) expect(room(vendor).get('connect-src')).not.toContain(host);
    }
    expect(room().get('connect-src')).toEqual(["'self'", ...rtcConnectSources()]);
  });

  it('may be embedded by the Parley page only, and frames nothing itself', () => {
    expect(room('netease').get('frame-ancestors')).toEqual([APP_ORIGIN]);
    expect(room('netease').get('frame-src')).toEqual(["'none'"]);
    expect(room('tencent').get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(room('convai').get('default-src')).toEqual(["'none'"]);
  });

  it('never allows a bare scheme, a global wildcard or cleartext to a remote host in connect-src', () => {
    for (const source of rtcConnectSources()) {
      expect(source).not.toMatch(/^(https?:|wss?:|\*)$/);
      if (source.startsWith('ws://') || source.startsWith('http://')) expect(source).toMatch(/^(ws|http):\/\/127\.0\.0\.1:\*$/);
    }
  });

  it('lists the hosts the room SDKs dial, with each room vendor present', () => {
    expect([...ROOM_VENDORS].sort()).toEqual(['convai', 'netease', 'tencent']);
    expect(hostsOf('tencent')).toContain('https://schedule.cloud-rtc.com');
    expect(hostsOf('netease')).toContain('https://wecan-lbs.netease.im');
    expect(hostsOf('convai')).toContain('wss://*.livekit.cloud');
    expect(roomSpecOf('mindcraft')).toBeUndefined();
  });
});

describe('origins of the page and the room frame', () => {
  it('pairs app://parley with app://room, and a 127.0.0.1 server with localhost on the same port', () => {
    expect(roomOriginFor('app://parley')).toBe('app://room');
    expect(roomOriginFor('http://127.0.0.1:5173')).toBe('http://localhost:5173');
    for (const other of ['http://localhost:5173', 'https://127.0.0.1:5173', 'http://127.0.0.1', 'app://room', 'https://evil.example', 'null'])
      expect(roomOriginFor(other)).toBeNull();
  });

  it('knows the room frame apart from the page: never an IPC caller, only ever embedded', () => {
    const o = appOrigins();
    expect(o.isAppUrl('app://parley/index.html')).toBe(true);
    expect(o.isRoomUrl('app://parley/index.html')).toBe(false);
    expect(o.isRoomUrl('app://room/room.html?vendor=netease')).toBe(true);
    expect(o.isAppUrl('app://room/room.html?vendor=netease')).toBe(false);
    const dev = appOrigins('http://127.0.0.1:5173/');
    expect(dev.isRoomUrl('http://localhost:5173/room.html?vendor=tencent')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5173/')).toBe(false);
  });
});

describe('CSP header replacement', () => {
  it('replaces a CSP header the server sent, whatever its case, and keeps the other headers', () => {
    const policy = pagePolicy('app');
    const out = withCspHeader({ 'content-security-policy': ["script-src 'unsafe-eval'"], 'Content-Type': ['text/html'] }, policy);
    expect(out['Content-Type']).toEqual(['text/html']);
    expect(Object.keys(out).filter((k) => k.toLowerCase() === 'content-security-policy')).toEqual(['Content-Security-Policy']);
    expect(out['Content-Security-Policy']).toEqual([policy]);
  });
});

describe('app:// renderer files', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-renderer-'));
  const renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Parley</title>');
  writeFileSync(join(renderer, 'room.html'), '<!doctype html><title>Parley room</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer folder');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves the page with its CSP header and a strict content type', async () => {
    const res = await serveRendererFile(renderer, { url: 'app://parley/index.html', method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy(appPageDirectives(ROOM_ORIGIN)));
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Parley</title>');
  });

  it("serves the room page on the room origin with the named vendor's policy", async () => {
    for (const vendor of ROOM_VENDORS) {
      const res = await serveRendererFile(renderer, { url: `app://room/room.html?vendor=${vendor}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy(roomFrameDirectives(APP_ORIGIN, vendor)));
      expect(await res.text()).toContain('Parley room');
    }
    // Its scripts too, with the vendor-neutral room policy (no eval).
    const asset = await serveRendererFile(renderer, { url: 'app://room/assets/index-abc.js' });
    expect(asset.headers.get('content-security-policy')).toBe(contentSecurityPolicy(roomFrameDirectives(APP_ORIGIN)));
  });

  it('keeps the two pages apart: no app page on the room origin, no room page on the app origin', async () => {
    for (const url of [
      'app://room/index.html',
      'app://room/',
      'app://room/room.html',
      'app://room/room.html?vendor=evil',
      'app://parley/room.html?vendor=netease',
      'app://room/assets/%2e%2e/index.html',
    ])
      expect((await serveRendererFile(renderer, { url })).status, url).toBe(404);
  });

  it('serves loopback origins when told to (the E2E server), with policies naming them', async () => {
    const site = { appOrigin: 'http://127.0.0.1:4000', roomOrigin: 'http://localhost:4000' };
    const page = await serveRendererFile(renderer, { url: 'http://127.0.0.1:4000/' }, site);
    expect(directives(page.headers.get('content-security-policy')!).get('frame-src')).toEqual(['http://localhost:4000']);
    const frame = await serveRendererFile(renderer, { url: 'http://localhost:4000/room.html?vendor=tencent' }, site);
    expect(directives(frame.headers.get('content-security-policy')!).get('frame-ancestors')).toEqual(['http://127.0.0.1:4000']);
    expect((await serveRendererFile(renderer, { url: 'app://parley/index.html' }, site)).status).toBe(404);
  });

  it('serves scripts as JavaScript', async () => {
    const res = await serveRendererFile(renderer, { url: 'app://parley/assets/index-abc.js' });
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('console.log(1)');
  });

  it.each([
    ['dot-dot', 'app://parley/../secret.txt'],
    ['encoded dot-dot', 'app://parley/%2e%2e/secret.txt'],
    ['encoded slash', 'app://parley/assets%2f..%2f..%2fsecret.txt'],
    ['another host', 'app://evil/index.html'],
    ['another scheme', 'file:///etc/passwd'],
    ['a folder', 'app://parley/assets/'],
    ['a missing file', 'app://parley/missing.js'],
    ['a NUL byte', 'app://parley/index.html%00.js'],
  ])('refuses %s', async (_label, url) => {
    const res = await serveRendererFile(renderer, { url });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain('outside the renderer folder');
  });

  it('refuses anything but GET and HEAD', async () => {
    expect((await serveRendererFile(renderer, { url: 'app://parley/index.html', method: 'POST' })).status).toBe(405);
  });
});
