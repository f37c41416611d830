import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import { ROOT, fakeMicrophoneArgs, startHarness, type Harness } from './harness.ts';
import { roomPageUrl } from '../../src-main/app/app-origin.ts';
import { vendorById } from '../../src-main/core/vendors/registry.ts';

/**
 * The real room SDKs (livekit-client, trtc-sdk-v5, nertc-web-sdk; nothing replaced) in the room frame, served as
 * the app serves it, under each vendor's Content-Security-Policy. Every host resolves to 127.0.0.1 (Chromium's
 * host-resolver rules), where nothing listens on the vendors' ports: each join reaches the network and is refused
 * there, with the real hostnames checked against connect-src. Before that refusal there must be no CSP violation and
 * no EvalError; the harness fails the test on any violation anyway.
 */
const WAV = join(ROOT, 'resources', 'utterances', 'hello-weather-en.wav');
const REFUSE_EVERY_HOST = '--host-resolver-rules=MAP * 127.0.0.1';

const JOINS = {
  convai: { url: 'wss://parley-sdk-check.livekit.cloud', token: 'sdk-check-token' },
  tencent: { sdkAppId: 1400000000, userId: 'sdk-check', userSig: 'sdk-check-sig', roomId: 1 },
  netease: { appkey: 'sdk-check-appkey', channelName: 'sdk-check', uid: '1', token: 'sdk-check-token' },
} as const;
type Vendor = keyof typeof JOINS;

/** The SDK's own failure for each refused join: the network error, not a policy or eval error. */
const NETWORK_ERROR: Record<Vendor, RegExp> = {
  convai: /could not establish signal connection: Failed to fetch/,
  tencent: /schedule failed: Failed to fetch/,
  netease: /LBS_REQUEST_ERROR/,
};

describe('real RTC SDKs in the room frame, under its CSP', () => {
  let h: Harness;
  const refused: string[] = [];
  /** The frames' console errors: a worklet refused by the CSP shows only there (no violation event). */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ chromiumArgs: [REFUSE_EVERY_HOST, ...fakeMicrophoneArgs(WAV)] });
    h.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    h.context.on('requestfailed', (r) => {
      if (/ERR_CONNECTION_REFUSED/.test(r.failure()?.errorText ?? '')) refused.push(new URL(r.url()).host);
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Adds a room frame for `vendor` to the page, as openRoomFrame does, and connects a port to it. */
  async function openFrame(vendor: Vendor): Promise<Frame> {
    await h.page.evaluate(
      async ({ vendor, roomOrigin, src }) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
        frame.allow = 'microphone; autoplay';
        frame.hidden = true;
        frame.dataset.vendor = vendor;
        frame.src = src;
        await new Promise((r) => {
          frame.onload = r;
          document.body.appendChild(frame);
        });
        const channel = new MessageChannel();
        const w = window as unknown as { rooms: Record<string, { port: MessagePort; replies: unknown[]; events: unknown[] }> };
        w.rooms ??= {};
        const room = { port: channel.port1, replies: [] as unknown[], events: [] as unknown[] };
        w.rooms[vendor] = room;
        await new Promise<void>((ready) => {
          channel.port1.onmessage = (e) => {
            if (e.data.type === 'ready') ready();
            else if (e.data.type === 'reply') room.replies.push(e.data.reply);
            else room.events.push(e.data.event);
          };
          frame.contentWindow!.postMessage({ type: 'parley-room/connect' }, roomOrigin, [channel.port2]);
        });
      },
      // The frame's URL as openRoomFrame makes it: the vendor (its CSP) and the SDK its descriptor names (its driver).
      { vendor, roomOrigin: h.bridge.site.roomOrigin, src: roomPageUrl(h.bridge.site.roomOrigin, { vendor, sdk: vendorById(vendor).room!.sdk }) },
    );
    return h.page.frames().find((f) => f.url().includes(`room.html?vendor=${vendor}`))!;
  }

  async function startJoin(vendor: Vendor): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
    await h.page.evaluate(
      ({ vendor, params }) =>
        (window as unknown as { rooms: Record<string, { port: MessagePort }> }).rooms[vendor]!.port.postMessage({
          id: 1,
          op: 'join',
          args: { vendor, params },
        }),
      { vendor, params: JOINS[vendor] },
    );
    await expect
      .poll(() => h.page.evaluate((v) => (window as unknown as { rooms: Record<string, { replies: unknown[] }> }).rooms[v]!.replies.length, vendor), {
        timeout: 30_000,
      })
      .toBe(1);
    return h.page.evaluate(
      (v) => (window as unknown as { rooms: Record<string, { replies: { ok: boolean; error?: { code: string; message: string } }[] }> }).rooms[v]!.replies[0]!,
      vendor,
    );
  }

  /** The SDK chunk the frame loads (file names are hashed by the build). */
  function sdkChunk(prefix: string): string {
    const file = readdirSync(join(ROOT, 'out', 'renderer', 'assets')).find((f) => f.startsWith(prefix) && f.endsWith('.js'));
    if (!file) throw new Error(`no ${prefix}*.js in out/renderer/assets: run \`npx electron-vite build\``);
    return `/assets/${file}`;
  }

  it.each(['convai', 'tencent', 'netease'] as const)(
    '%s: the SDK loads, creates its client and starts a join that fails only on the refused connection',
    async (vendor) => {
      await openFrame(vendor);
      const before = refused.length;
      const reply = await startJoin(vendor);
      expect(reply.ok).toBe(false);
      expect(reply.error!.message).toMatch(NETWORK_ERROR[vendor]);
      expect(reply.error!.message).not.toMatch(/Content Security Policy|unsafe-eval|EvalError|localStorage/);
      // The refusal came from the network, on the vendor's own hosts.
      expect(refused.length).toBeGreaterThan(before);
      expect(h.takeViolations()).toEqual([]);
      expect(h.pageErrors.filter((e) => /EvalError|Content Security Policy/.test(e))).toEqual([]);
    },
  );

  // Evaluated as text: the module import must run in the frame, not be rewritten by the test runner's transform.
  it('tencent: the volume meter (an AudioWorklet from a blob: URL) runs on the microphone', async () => {
    const frame = await openFrame('tencent');
    const levels = (await frame.evaluate(`(async () => {
      const TRTC = (await import(${JSON.stringify(sdkChunk('trtc-'))})).default;
      const trtc = TRTC.create();
      const seen = [];
      trtc.on('audio-volume', (e) => seen.push(...e.result.map((r) => r.volume)));
      trtc.enableAudioVolumeEvaluation(100);
      await trtc.startLocalAudio();
      for (let i = 0; i < 40 && !seen.some((v) => v > 0); i++) await new Promise((r) => setTimeout(r, 100));
      await trtc.stopLocalAudio();
      trtc.destroy();
      return seen;
    })()`)) as number[];
    expect(levels.some((v) => v > 0)).toBe(true);
    // Refused, the SDK falls back to a ScriptProcessor and says so.
    expect(consoleErrors.filter((e) => /volumeMeter preload error|worklet/i.test(e))).toEqual([]);
    expect(h.takeViolations()).toEqual([]);
  });

  it('netease: the audio level (an AudioWorklet from a blob: URL) runs on the microphone', async () => {
    const frame = await openFrame('netease');
    const level = (await frame.evaluate(`(async () => {
      const NERTC = (await import(${JSON.stringify(sdkChunk('NERTC-'))})).default;
      const client = NERTC.createClient({ appkey: 'sdk-check-appkey' });
      const stream = NERTC.createStream({ audio: true, video: false, client });
      await stream.init();
      let best = 0;
      for (let i = 0; i < 40 && best === 0; i++) {
        best = Math.max(best, stream.getAudioLevel());
        await new Promise((r) => setTimeout(r, 100));
      }
      stream.destroy();
      return best;
    })()`)) as number;
    expect(level).toBeGreaterThan(0);
    expect(h.pageErrors.filter((e) => /worklet/i.test(e))).toEqual([]);
    expect(h.takeViolations()).toEqual([]);
  });
});
