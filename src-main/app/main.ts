/**
 * Electron main process: one core (the same one the CLI and the E2E harness use), one IPC router serving the contract
 * table, one secure window. Everything security-relevant lives in the small modules next to this file.
 */
import { app, BrowserWindow, ipcMain, Menu, protocol, session } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/core.ts';
import { KeychainSecretStore } from '../core/secrets/store.ts';
import { appOrigins, APP_SCHEME } from './app-origin.ts';
import { withCspHeader } from './csp.ts';
import { electronFileDialog } from './file-dialog.ts';
import { createIpcRouter, type IpcRouter } from './ipc-router.ts';
import { applicationMenuTemplate } from './menu.ts';
import { installPermissionHandlers } from './permissions.ts';
import { serveRendererFile } from './renderer-files.ts';
import { createMainWindow } from './window.ts';

// Must run before `ready`: app:// behaves like https (standard, secure origin, fetch, CORS for module scripts).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } }]);

// The dev server URL is honoured only in an unpackaged run; a packaged app always loads its own files.
const origins = appOrigins(!app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined);
const outDir = join(import.meta.dirname, '..');
const preloadPath = join(outDir, 'preload', 'index.js');
const rendererDir = join(outDir, 'renderer');
const iconPath = app.isPackaged ? undefined : join(outDir, '..', 'resources', 'icon.png');

let core: Core | null = null;
let router: IpcRouter | null = null;
let mainWindow: BrowserWindow | null = null;

function openMainWindow(): void {
  mainWindow = createMainWindow({ preloadPath, entryUrl: origins.entryUrl, iconPath });
  router?.attach(mainWindow.webContents);
  mainWindow.on('closed', () => (mainWindow = null));
}

function focusMainWindow(): void {
  if (!mainWindow) return openMainWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  protocol.handle(APP_SCHEME, (request) => serveRendererFile(rendererDir, request));
  // The dev server's responses get the same CSP as app:// pages.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const ours = details.resourceType === 'mainFrame' && origins.isAppUrl(details.url);
    callback(ours ? { responseHeaders: withCspHeader(details.responseHeaders) } : {});
  });
  installPermissionHandlers(ses, origins.isAppUrl);

  // A missing or locked keychain does not stop start-up: createCore only touches the keychain when asked, and the
  // failing call (profiles.list while seeding, secrets.*) answers with KEYCHAIN_UNAVAILABLE, its reason and its fix.
  core = createCore({
    dataDir: app.getPath('userData'),
    secrets: new KeychainSecretStore(),
    version: app.getVersion(),
    locale: app.getLocale(),
    seedSandboxProfiles: true,
    dialog: electronFileDialog(() => mainWindow),
  });
  router = createIpcRouter({ ipcMain, handlers: core.handlers, sessions: core.sessions, isAppUrl: origins.isAppUrl, redact: (t) => core!.sessions.redactor.text(t) });
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ isPackaged: app.isPackaged, platform: process.platform })));
  openMainWindow();
}

let closing = false;
async function shutdown(): Promise<void> {
  router?.dispose();
  router = null;
  const c = core;
  core = null;
  // Stop running sessions so their NDJSON records are flushed and closed, and the sandbox host releases its port.
  await c?.close().catch((err: unknown) => console.error('parley: error while closing the core', err));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.whenReady().then(start, (err: unknown) => {
    console.error('parley: failed to start', err);
    app.exit(1);
  });
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (closing || !core) return;
    event.preventDefault();
    closing = true;
    void shutdown().finally(() => app.quit());
  });
}
