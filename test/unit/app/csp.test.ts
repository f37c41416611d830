import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withCspHeader } from '../../../src-main/app/csp.ts';
import { RTC_CONNECT_SOURCES } from '../../../src-main/app/rtc-hosts.ts';
import { serveRendererFile } from '../../../src-main/app/renderer-files.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('Content-Security-Policy', () => {
  const csp = directives(contentSecurityPolicy());

  it('has exactly the intended directives', () => {
    expect(Object.fromEntries(csp)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'worker-src': ["'self'", 'blob:'],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'font-src': ["'self'", 'data:'],
      'media-src': ["'self'", 'blob:', 'data:'],
      'connect-src': expect.any(Array),
      'object-src': ["'none'"],
      'frame-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });

  it('runs only our own scripts: no eval, no inline script, no remote script', () => {
    const policy = contentSecurityPolicy();
    expect(policy).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('connects only to our origin, the loopback sandbox and the RTC signalling hosts', () => {
    expect(csp.get('connect-src')).toEqual([
      "'self'",
      'wss://*.livekit.cloud',
      'https://*.livekit.cloud',
      'https://schedule.cloud-rtc.com',
      'https://schedule.cloud-rtc.net',
      'https://schedule.rtc-web.com',
      'https://schedule.rtc-web.io',
      'https://intl-schedule.cloud-rtc.com',
      'wss://*.rtc.qq.com',
      'wss://webrtc.qq.com',
      'wss://*.rtc-web.com',
      'wss://*.rtc-web.io',
      'wss://*.cloud-rtc.com',
      'https://wecan-lbs.netease.im',
      'https://roomserver.netease.im',
      'https://nrtc.netease.im',
      'https://ap-prd-jd.netease.im',
      'https://*.yunxinvcloud.com',
      'wss://*.netease.im',
      'wss://*.yunxinvcloud.com',
      'ws://127.0.0.1:*',
      'http://127.0.0.1:*',
    ]);
  });

  it('never allows a bare scheme, a global wildcard or cleartext to a remote host in connect-src', () => {
    for (const source of csp.get('connect-src')!) {
      expect(source).not.toMatch(/^(https?:|wss?:|\*)$/);
      if (source.startsWith('ws://') || source.startsWith('http://')) expect(source).toMatch(/^(ws|http):\/\/127\.0\.0\.1:\*$/);
    }
  });

  it('lists the signalling hosts the room SDKs dial, with each vendor present', () => {
    expect(Object.keys(RTC_CONNECT_SOURCES).sort()).toEqual(['convai', 'netease', 'sandbox', 'tencent']);
  });

  it('replaces a CSP header the server sent, whatever its case, and keeps the other headers', () => {
    const out = withCspHeader({ 'content-security-policy': ["script-src 'unsafe-eval'"], 'Content-Type': ['text/html'] });
    expect(out['Content-Type']).toEqual(['text/html']);
    expect(Object.keys(out).filter((k) => k.toLowerCase() === 'content-security-policy')).toEqual(['Content-Security-Policy']);
    expect(out['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
  });
});

describe('app:// renderer files', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-renderer-'));
  const renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Parley</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer folder');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves the page with the CSP header and a strict content type', async () => {
    const res = await serveRendererFile(renderer, { url: 'app://parley/index.html', method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Parley</title>');
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
