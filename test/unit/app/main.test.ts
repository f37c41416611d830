import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fakeEvent, state } from './fake-electron.ts';
import type { Envelope } from '../../../src-main/app/ipc-channels.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);

const dataDir = mkdtempSync(join(tmpdir(), 'parley-main-'));
const savedEnv = { dbus: process.env.DBUS_SESSION_BUS_ADDRESS, renderer: process.env.ELECTRON_RENDERER_URL };
let win: FakeBrowserWindow;

function invoke(op: string, args: unknown = {}): Promise<Envelope> {
  const handler = state.ipcMain.handlers.get('parley:invoke')!;
  return handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, op, args) as Promise<Envelope>;
}

beforeAll(async () => {
  // A real, unreachable Secret Service: the OS keychain is unavailable for this whole file (no mock involved).
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/parley-test-bus';
  delete process.env.ELECTRON_RENDERER_URL;
  state.app.userData = dataDir;
  await import('../../../src-main/app/main.ts');
  state.app.fireReady();
  await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
  win = FakeBrowserWindow.all[0]!;
});

afterAll(() => {
  if (savedEnv.dbus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedEnv.dbus;
  if (savedEnv.renderer !== undefined) process.env.ELECTRON_RENDERER_URL = savedEnv.renderer;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('main process start-up', () => {
  it('registers app:// as a privileged standard, secure scheme and serves it', () => {
    expect(state.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
    ]);
    expect([...state.protocolHandlers.keys()]).toEqual(['app']);
  });

  it('opens one secure window on the built renderer with the bundled preload', () => {
    expect(win.loadedUrl).toBe('app://parley/index.html');
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toMatch(/[/\\]preload[/\\]index\.js$/);
    expect(win.webContents.windowOpenHandler).toBeTypeOf('function');
  });

  it('creates the core with the userData folder, app version and locale', async () => {
    expect(await invoke('app.info')).toEqual({ ok: true, result: { name: 'Parley', version: '9.8.7', platform: process.platform, dataDir, locale: 'zh-CN' } });
  });

  it('keeps running when the keychain is unavailable and reports it through the failing call, with the fix', async () => {
    const res = await invoke('profiles.list');
    expect(res.ok).toBe(false);
    const error = (res as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(/OS keychain unavailable: .+\. .*(Secret Service|gnome-keyring)/);
    // The app still answers other calls.
    expect((await invoke('vendors.list')).ok).toBe(true);
  });

  it('installs the permission handlers on the default session', () => {
    expect(state.session.permissionRequestHandler).toBeTypeOf('function');
    expect(state.session.permissionCheckHandler).toBeTypeOf('function');
  });

  it('leaves headers alone without a dev server: app:// responses carry their own CSP', async () => {
    let out: Record<string, unknown> = { untouched: true };
    state.session.headersReceived!({ url: 'http://localhost:5173/', resourceType: 'mainFrame', responseHeaders: {} }, (r) => (out = r));
    expect(out).toEqual({});
    const page = await state.protocolHandlers.get('app')!(new Request('app://parley/missing.html'));
    expect(page.status).toBe(404);
  });

  it('grants clipboard writes to our page only, and the microphone to the page and the room frame', async () => {
    const ask = (permission: string, requestingUrl: string, mediaTypes?: string[]) =>
      new Promise<boolean>((r) => state.session.permissionRequestHandler!({}, permission, r, { requestingUrl, mediaTypes }));
    expect(await ask('clipboard-sanitized-write', 'app://parley/index.html')).toBe(true);
    expect(await ask('clipboard-sanitized-write', 'app://room/room.html?vendor=netease')).toBe(false);
    expect(await ask('media', 'app://room/room.html?vendor=netease', ['audio'])).toBe(true);
  });

  it('offers Toggle DevTools in the View menu of an unpackaged build', () => {
    const view = (state.menuTemplate as { label?: string; submenu?: { role?: string }[] }[]).find((m) => m.label === 'View')!;
    expect(view.submenu!.map((i) => i.role)).toContain('toggleDevTools');
  });

  it('focuses the existing window when a second instance starts', () => {
    const focus = vi.spyOn(win, 'focus');
    state.app.emit('second-instance', fakeEvent(), [], '/');
    expect(focus).toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });

  it('closes the core before quitting, then quits', async () => {
    state.app.quit();
    // The first quit is held back while the core closes, then quit is called again and goes through.
    await vi.waitFor(() => expect(state.app.quitCalls).toBe(2));
    expect(state.ipcMain.handlers.size).toBe(0);
  });
});
