/**
 * Electron main process: one core (the same one the CLI and the E2E harness use), one IPC router serving the contract
 * table, one secure window. Everything security-relevant lives in the small modules next to this file.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, systemPreferences } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/core.ts';
import { KeychainSecretStore } from '../core/secrets/store.ts';
import { appOrigins, APP_SCHEME } from './app-origin.ts';
import { withCspHeader } from './csp.ts';
import { electronFileDialog } from './file-dialog.ts';
import { createIpcRouter, type IpcRouter } from './ipc-router.ts';
import { applicationMenuTemplate } from './menu.ts';
import { installPermissionHandlers } from './permissions.ts';
import { pagePolicy, roomVendorOf, serveRendererFile } from './renderer-files.ts';
import { createMainWindow } from './window.ts';
import { utilityProcessSpawner } from './livekit-worker.ts';
import { useWorkerSpawner } from '../core/livekit/worker-host.ts';

// Must run before `ready`: app:// behaves like https (standard, secure origin, fetch, CORS for module scripts).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);

// PARLEY_DATA_DIR moves the data folder, as it does for the CLI (core/data-dir.ts); Chromium's profile goes with it.
if (process.env.PARLEY_DATA_DIR) app.setPath('userData', process.env.PARLEY_DATA_DIR);
// An unpackaged run may use a keychain service of its own (npm run smoke), so checks never touch the user's keys.
const keychainService = (!app.isPackaged && process.env.PARLEY_KEYCHAIN_SERVICE) || undefined;

// The dev server URL is honoured only in an unpackaged run; a packaged app always loads its own files.
const origins = appOrigins(!app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined);
const site = { appOrigin: origins.appOrigin, roomOrigin: origins.roomOrigin };
const outDir = join(import.meta.dirname, '..');
const preloadPath = join(outDir, 'preload', 'index.js');
const rendererDir = join(outDir, 'renderer');
const iconPath = app.isPackaged ? undefined : join(outDir, '..', 'resources', 'icon.png');

let core: Core | null = null;
let router: IpcRouter | null = null;
let mainWindow: BrowserWindow | null = null;

function openMainWindow(): void {
  mainWindow = createMainWindow({ preloadPath, entryUrl: origins.entryUrl, iconPath, isRoomUrl: origins.isRoomUrl });
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
  // The dev server's pages get the same CSPs as app:// pages (app:// responses carry theirs already).
  ses.webRequest.onHeadersReceived((details, callback) => {
    const page =
      details.resourceType === 'mainFrame' && origins.isAppUrl(details.url)
        ? 'app'
        : details.resourceType === 'subFrame' && origins.isRoomUrl(details.url)
          ? 'room'
          : null;
    callback(
      page && !details.url.startsWith(`${APP_SCHEME}:`)
        ? { responseHeaders: withCspHeader(details.responseHeaders, pagePolicy(page, site, roomVendorOf(details.url))) }
        : {},
    );
  });
  installPermissionHandlers(ses, origins, { platform: process.platform, systemPreferences });

  // @livekit/rtc-node runs in a worker process (core/livekit/worker-host.ts); in the app that is a utility process.
  useWorkerSpawner(utilityProcessSpawner);
  // A missing or locked keychain does not stop start-up: createCore only touches the keychain when asked, and the
  // failing call (profiles.list while seeding, secrets.*) answers with KEYCHAIN_UNAVAILABLE, its reason and its fix.
  core = createCore({
    dataDir: app.getPath('userData'),
    secrets: new KeychainSecretStore(keychainService),
    version: app.getVersion(),
    locale: app.getLocale(),
    seedSandboxProfiles: true,
    dialog: electronFileDialog(() => mainWindow),
  });
  router = createIpcRouter({
    ipcMain,
    handlers: core.handlers,
    sessions: core.sessions,
    isAppUrl: origins.isAppUrl,
    redact: (t) => core!.sessions.redactor.text(t),
  });
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

/** What the start-up error dialog says: the cause, and for a data folder that cannot be written, which and how to fix. */
function startFailureMessage(err: unknown, dataDir: string): string {
  const e = err as NodeJS.ErrnoException;
  const cause = err instanceof Error ? err.message : String(err);
  if (['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'].includes(e?.code ?? ''))
    return `Parley cannot write its data folder ${dataDir} (${cause}).\n\nMake sure that folder is a writable directory (check its permissions and the free disk space), then start Parley again.`;
  return `${cause}\n\nParley has quit. Start it again; if this keeps happening, run it from a terminal to see the full log.`;
}

/**
 * A start that fails (an unwritable data folder, an unusable protocol handler ...) must not leave a process with no
 * window holding the single-instance lock, which would make the next launch focus nothing: say why, then quit.
 */
async function failStart(err: unknown): Promise<void> {
  console.error('parley: failed to start', err);
  router?.dispose();
  router = null;
  await core?.close().catch(() => undefined);
  core = null;
  dialog.showErrorBox('Parley could not start', startFailureMessage(err, app.getPath('userData')));
  app.releaseSingleInstanceLock();
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.whenReady().then(start).catch(failStart);
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
