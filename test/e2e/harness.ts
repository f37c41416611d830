import { mkdtempSync, mkdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../src-main/core/secrets/store.ts';
import { BridgeServer, bridgeClientScript } from './support/bridge-server.ts';
import { seeded } from './support/seeding.ts';
import { queuedDialog, type QueuedDialog } from '../support/queued-dialog.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export interface Harness {
  page: Page;
  context: BrowserContext;
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
  /** Content-Security-Policy violations reported by any frame (page or room frame) since the last call. */
  takeViolations(): CspViolation[];
  /** Uncaught errors and unhandled rejections of any frame, as `name: message` (kept, never cleared). */
  readonly pageErrors: string[];
  /** Closes everything, then fails if a frame reported a CSP violation that no test collected. */
  close(): Promise<void>;
}

export interface CspViolation {
  directive: string;
  blocked: string;
  document: string;
  source: string;
  sample: string;
}

/** Harnesses not yet closed: test/e2e/support/setup.ts fails the running test when one of them saw a violation. */
export const openHarnesses = new Set<Harness>();

export function describeViolations(violations: readonly CspViolation[]): string {
  return violations
    .map((v) => `${v.directive} blocked ${v.blocked || '(inline)'} in ${v.document} at ${v.source}${v.sample ? ` ("${v.sample}")` : ''}`)
    .join('\n');
}

/**
 * Runs in every frame before its scripts (playwright init scripts reach cross-origin frames too): reports each CSP
 * violation and each uncaught error to the harness through an exposed binding.
 */
const REPORTER_SCRIPT = `(() => {
  const report = (kind, data) => { try { window.__parleyHarnessReport?.(kind, data); } catch {} };
  document.addEventListener('securitypolicyviolation', (e) => report('csp', {
    directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, document: e.documentURI,
    source: e.sourceFile ? e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber : '', sample: e.sample || '' }));
  window.addEventListener('error', (e) => report('error', (e.error && e.error.name ? e.error.name : 'Error') + ': ' + e.message));
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason;
    report('error', 'unhandled rejection ' + (r && typeof r === 'object' ? (r.name || 'Error') + ': ' + r.message : String(r)));
  });
})();`;

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
export async function startCoreProcess(
  dataDir: string,
  keychainService: string,
  rendererDir: string,
): Promise<{ child: ChildProcess; url: string; bridgeUrl: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'support', 'core-process.ts'), dataDir, keychainService, rendererDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const started = await new Promise<{ url: string; bridgeUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`core process exited with ${code} before listening`)));
    lines.once('line', (line) => {
      const ready = JSON.parse(line) as { url: string; bridgeUrl: string } | { error: string };
      if ('error' in ready) reject(new Error(`harness: ${ready.error}`));
      else resolve(ready);
    });
  });
  return { child, ...started };
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

/**
 * A fresh Chromium profile that, like Electron, blocks no third-party storage: the room frame is a site of its own
 * (app://room next to app://parley; localhost next to 127.0.0.1 here), and trtc-sdk-v5 reads localStorage there.
 * Chromium's default profile denies it ("Access is denied for this document"); Electron applies no such setting.
 */
function browserProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-chromium-'));
  mkdirSync(join(dir, 'Default'));
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  return dir;
}

/** Chromium flags that make a WAV file the microphone. */
export function fakeMicrophoneArgs(wavFile: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavFile}`];
}

/**
 * The built renderer (run `npx electron-vite build` first; npm test does) in Debian's Chromium, served by the app's
 * own protocol handler body with its CSP headers (support/bridge-server.ts), with the real core behind window.parley
 * over a loopback WebSocket bridge, real keychain, sandbox profiles seeded. Every frame's CSP violations fail the test
 * that caused them (support/setup.ts).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = join(ROOT, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(join(rendererDir, 'room.html')))
    throw new Error('out/renderer is missing or old: run `npx electron-vite build` first');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const keychainService = options.keychainService ?? `parley-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let core: Core;
  let bridge: BridgeServer;
  let coreChild: ChildProcess | undefined;
  let bridgeUrl: string;
  let pageUrl: string;
  const dialog = queuedDialog();
  if (options.coreProcess) {
    const started = await startCoreProcess(dataDir, keychainService, rendererDir);
    coreChild = started.child;
    bridgeUrl = started.bridgeUrl;
    pageUrl = started.url;
    core = new Proxy({} as Core, {
      get: () => {
        throw new Error('harness: core runs in a child process (coreProcess: true)');
      },
    });
    bridge = { traffic: [], close: async () => undefined } as unknown as BridgeServer;
  } else {
    core = createCore({
      dataDir,
      secrets: new KeychainSecretStore(keychainService),
      version: 'e2e',
      locale: options.locale ?? 'en',
      seedSandboxProfiles: true,
      dialog,
    });
    await seeded(core);
    bridge = new BridgeServer(core, rendererDir);
    await bridge.start();
    bridgeUrl = bridge.bridgeUrl;
    pageUrl = bridge.url;
  }
  const profileDir = browserProfile();
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])],
    viewport: options.viewport ?? { width: 1440, height: 900 },
    locale: options.locale ?? 'en-US',
  });
  const violations: CspViolation[] = [];
  const pageErrors: string[] = [];
  await context.exposeBinding('__parleyHarnessReport', (_source, kind: string, data: unknown) => {
    if (kind === 'csp') violations.push(data as CspViolation);
    else pageErrors.push(String(data));
  });
  await context.addInitScript({ content: REPORTER_SCRIPT });
  await context.addInitScript({ content: bridgeClientScript(bridgeUrl) });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(pageUrl);
  mkdirSync(SCREENSHOTS, { recursive: true });

  const harness: Harness = {
    page,
    context,
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
    takeViolations() {
      return violations.splice(0);
    },
    pageErrors,
    async close() {
      openHarnesses.delete(harness);
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
      await bridge.close();
      if (coreChild) {
        if (coreChild.exitCode === null && coreChild.signalCode === null) {
          coreChild.kill('SIGTERM');
          await new Promise((r) => coreChild!.once('exit', r));
        }
      } else await core.close();
      if (violations.length) throw new Error(`Content-Security-Policy violations in the renderer:\n${describeViolations(violations.splice(0))}`);
    },
  };
  openHarnesses.add(harness);
  return harness;
}
