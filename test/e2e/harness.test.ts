import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagePolicy } from '../../src-main/app/renderer-files.ts';
import { startHarness, type Harness } from './harness.ts';

// The harness itself: the renderer is served as the app serves it, window.parley behaves like the preload's
// contextBridge API, and a CSP violation in any frame is seen.
describe('E2E harness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves the operation table to the page and seeds one sandbox profile per vendor', async () => {
    const profiles = await h.page.evaluate(() => window.parley.invoke('profiles.list', {}));
    expect(profiles.map((p) => p.vendor).sort()).toEqual(['convai', 'mindcraft', 'netease', 'tencent']);
    expect(profiles.every((p) => p.target === 'sandbox')).toBe(true);
  });

  it("serves the page through the app's protocol handler body: its CSP header, and no policy in the page", async () => {
    const served = await h.page.evaluate(async () => {
      const res = await fetch('/');
      return { csp: res.headers.get('content-security-policy'), html: await res.text() };
    });
    expect(served.csp).toBe(pagePolicy('app', h.bridge.site));
    expect(served.html).not.toMatch(/content-security-policy/i);
  });

  it('rejects bad arguments with the field named, as a plain {name, code, message} object like contextBridge', async () => {
    const error = await h.page.evaluate(() =>
      window.parley.invoke('secrets.status', { profileId: 42 } as never).then(
        () => null,
        (e: unknown) => ({ isError: e instanceof Error, keys: Object.keys(e as object).sort(), ...(e as object) }),
      ),
    );
    expect(error).toEqual({
      isError: false,
      keys: ['code', 'message', 'name'],
      name: 'ParleyError',
      code: 'BAD_ARGUMENTS',
      message: expect.stringContaining('/profileId: expected string'),
    });
  });

  it('refuses what IPC cannot carry or the preload does not know, before anything reaches the core', async () => {
    const sentBefore = h.bridge.traffic.length;
    const outcome = await h.page.evaluate(async () => {
      const unclonable = await window.parley.invoke('profiles.list', { callback: () => 1 } as never).then(
        () => 'sent',
        (e: Error) => e.name,
      );
      const unknown = await window.parley.invoke('fs.readAll' as never, {} as never).then(
        () => 'sent',
        (e: { code: string }) => e.code,
      );
      let channel = '';
      try {
        window.parley.on('ipc.raw' as never, () => undefined);
      } catch (e) {
        channel = (e as { code: string }).code;
      }
      return { unclonable, unknown, channel };
    });
    expect(outcome).toEqual({ unclonable: 'DataCloneError', unknown: 'UNKNOWN_OPERATION', channel: 'UNKNOWN_CHANNEL' });
    // Neither call left the page (the app's own calls may go on meanwhile).
    expect(h.bridge.traffic.slice(sentBefore).filter((frame) => /fs\.readAll|"callback"/.test(frame))).toEqual([]);
  });

  it('reports a CSP violation of the page (the check every E2E test runs)', async () => {
    await h.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.appendChild(s);
    });
    await expect.poll(() => h.takeViolations().map((v) => v.directive)).toContain('script-src-elem');
    expect(await h.page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  });

  it('gives the room frame no window.parley and no way to the bridge', async () => {
    await h.page.evaluate(async (roomOrigin) => {
      const frame = document.createElement('iframe');
      frame.src = `${roomOrigin}/room.html?vendor=convai`;
      await new Promise((r) => {
        frame.onload = r;
        document.body.appendChild(frame);
      });
    }, h.bridge.site.roomOrigin);
    const room = h.page.frames().find((f) => f.url().includes('room.html?vendor=convai'))!;
    const reach = await room.evaluate(
      (bridgeUrl) =>
        new Promise<{ parley: string; socket: string }>((resolve) => {
          const ws = new WebSocket(bridgeUrl);
          ws.onopen = () => resolve({ parley: typeof (window as { parley?: unknown }).parley, socket: 'open' });
          ws.onerror = () => resolve({ parley: typeof (window as { parley?: unknown }).parley, socket: 'refused' });
        }),
      h.bridge.bridgeUrl,
    );
    expect(reach).toEqual({ parley: 'undefined', socket: 'refused' });
  });
});
