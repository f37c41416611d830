import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../src-main/core/secrets/store.ts';
import { BridgeServer, bridgeClientScript } from './support/bridge-server.ts';
import { serveStatic } from './support/static-server.ts';
import { seeded } from './support/seeding.ts';
import { CSP_DIRECTIVES, contentSecurityPolicy } from '../../src-main/app/csp.ts';
import { queuedDialog, type QueuedDialog } from '../support/queued-dialog.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export interface Harness {
  page: Page;
  context: BrowserContext;
  browser: Browser;
  /** The in-process core (absent with `coreProcess: true`). */
  core: Core;
  bridge: BridgeServer;
  /** With `coreProcess: true`: the child process running core + bridge (SIGKILL it to simulate a crash). */
  coreChild?: ChildProcess;
  dataDir: string;
  /** Keychain service used by this run's core (unique per harness, so runs never see each other's secrets). */
  keychainService: string;
  /** The native file dialog (Electron's in the app): `dialog.answer(path)` before clicking a "Choose…" button. */
  dialog: QueuedDialog;
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
  /** Run core + bridge in a child process instead of in-process (for crash tests). `core`/`bridge` are then unusable. */
  coreProcess?: boolean;
}

/** Start core + bridge in a child process; resolves with its bridge URL once it listens. */
export async function startCoreProcess(dataDir: string, keychainService: string): Promise<{ child: ChildProcess; bridgeUrl: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'support', 'core-process.ts'), dataDir, keychainService], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const bridgeUrl = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`core process exited with ${code} before listening`)));
    lines.once('line', (line) => {
      const ready = JSON.parse(line) as { bridgeUrl: string } | { error: string };
      if ('error' in ready) reject(new Error(`harness: ${ready.error}`));
      else resolve(ready.bridgeUrl);
    });
  });
  return { child, bridgeUrl };
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
  let core: Core;
  let bridge: BridgeServer;
  let coreChild: ChildProcess | undefined;
  let bridgeUrl: string;
  const dialog = queuedDialog();
  if (options.coreProcess) {
    const started = await startCoreProcess(dataDir, keychainService);
    coreChild = started.child;
    bridgeUrl = started.bridgeUrl;
    core = new Proxy({} as Core, { get: () => { throw new Error('harness: core runs in a child process (coreProcess: true)'); } });
    bridge = { traffic: [], close: async () => undefined } as unknown as BridgeServer;
  } else {
    core = createCore({ dataDir, secrets: new KeychainSecretStore(keychainService), version: 'e2e', locale: options.locale ?? 'en', seedSandboxProfiles: true, dialog });
    await seeded(core);
    bridge = new BridgeServer(core);
    await bridge.start();
    bridgeUrl = bridge.url;
  }
  // The app's CSP, plus the one thing the E2E stand-in for IPC needs: the loopback bridge socket.
  const csp = contentSecurityPolicy({ ...CSP_DIRECTIVES, 'connect-src': [...CSP_DIRECTIVES['connect-src']!, bridgeUrl] });
  const site = await serveStatic(rendererDir, csp);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])] });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, locale: options.locale ?? 'en-US' });
  await context.addInitScript({ content: bridgeClientScript(bridgeUrl) });
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
    coreChild,
    dataDir,
    keychainService,
    dialog,
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
      if (coreChild) {
        if (coreChild.exitCode === null && coreChild.signalCode === null) {
          coreChild.kill('SIGTERM');
          await new Promise((r) => coreChild!.once('exit', r));
        }
      } else await core.close();
    },
  };
}
