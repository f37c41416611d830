import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../src-main/core/secrets/store.ts';
import { BridgeServer, bridgeClientScript } from './support/bridge-server.ts';
import { serveStatic } from './support/static-server.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export interface Harness {
  page: Page;
  context: BrowserContext;
  browser: Browser;
  core: Core;
  bridge: BridgeServer;
  dataDir: string;
  /** Keychain service used by this run's core (unique per harness, so runs never see each other's secrets). */
  keychainService: string;
  /** Save a PNG under test-results/screenshots and return its path. */
  screenshot(name: string): Promise<string>;
  /** Everything visible to the renderer: page HTML, web storage and every bridge frame, joined for leak searches. */
  rendererExposure(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Reuse a data folder (e.g. after a simulated crash). */
  dataDir?: string;
  /** Extra Chromium flags, e.g. the fake-microphone ones. */
  chromiumArgs?: string[];
  viewport?: { width: number; height: number };
  locale?: string;
  keychainService?: string;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Chromium flags that make a WAV file the microphone. */
export function fakeMicrophoneArgs(wavFile: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavFile}`];
}

/**
 * The built renderer (run `npx electron-vite build` first; npm test does) in Debian's Chromium, with the real
 * core behind window.parley over a loopback WebSocket bridge, real keychain, sandbox profiles seeded.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = join(ROOT, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const keychainService = options.keychainService ?? `parley-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const core = createCore({ dataDir, secrets: new KeychainSecretStore(keychainService), version: 'e2e', locale: options.locale ?? 'en', seedSandboxProfiles: true });
  const bridge = new BridgeServer(core);
  await bridge.start();
  const site = await serveStatic(rendererDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])] });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, locale: options.locale ?? 'en-US' });
  await context.addInitScript({ content: bridgeClientScript(bridge.url) });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(site.url);
  mkdirSync(SCREENSHOTS, { recursive: true });

  return {
    page,
    context,
    browser,
    core,
    bridge,
    dataDir,
    keychainService,
    async screenshot(name) {
      const file = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
    async rendererExposure() {
      const html = await page.content();
      const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
      return [html, storage, ...bridge.traffic].join('\n');
    },
    async close() {
      await browser.close().catch(() => undefined);
      await bridge.close();
      await site.close();
      await core.close();
    },
  };
}
