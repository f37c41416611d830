import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fakeEvent, state } from './fake-electron.ts';
import { pagePolicy } from '../../../src-main/app/renderer-files.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);

// `npm run dev`: electron-vite serves the renderer on http://127.0.0.1:<port> and sets ELECTRON_RENDERER_URL.
const DEV = 'http://127.0.0.1:5173';
const site = { appOrigin: DEV, roomOrigin: 'http://localhost:5173' };
const dataDir = mkdtempSync(join(tmpdir(), 'parley-main-dev-'));
const saved = { renderer: process.env.ELECTRON_RENDERER_URL, dataDir: process.env.PARLEY_DATA_DIR };
let win: FakeBrowserWindow;

beforeAll(async () => {
  process.env.ELECTRON_RENDERER_URL = DEV;
  // The data folder comes from PARLEY_DATA_DIR here, as the CLI's does.
  process.env.PARLEY_DATA_DIR = dataDir;
  state.app.userData = join(dataDir, 'not-this-one');
  await import('../../../src-main/app/main.ts');
  state.app.fireReady();
  await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
  win = FakeBrowserWindow.all[0]!;
});

afterAll(async () => {
  state.app.quit();
  await vi.waitFor(() => expect(state.ipcMain.handlers.size).toBe(0));
  for (const [name, value] of [
    ['ELECTRON_RENDERER_URL', saved.renderer],
    ['PARLEY_DATA_DIR', saved.dataDir],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function headersFor(url: string, resourceType: string): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  state.session.headersReceived!({ url, resourceType, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r));
  return out;
}

describe('main process with a dev server', () => {
  it('loads the dev server page, with its data in PARLEY_DATA_DIR', async () => {
    expect(win.loadedUrl).toBe(`${DEV}/`);
    const handler = state.ipcMain.handlers.get('parley:invoke')!;
    expect(await handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'app.info', {})).toMatchObject({ ok: true, result: { dataDir } });
  });

  it("gives the dev page the app page's CSP and the dev room frame its vendor's, as a header", () => {
    expect(headersFor(`${DEV}/`, 'mainFrame')).toEqual({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [pagePolicy('app', site)] },
    });
    expect(headersFor('http://localhost:5173/room.html?vendor=netease', 'subFrame')).toEqual({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [pagePolicy('room', site, 'netease')] },
    });
    expect(pagePolicy('room', site, 'netease')).toContain('frame-ancestors http://127.0.0.1:5173');
  });

  it('adds nothing to other responses (another server, a room page loaded as the main frame, app:// files)', () => {
    expect(headersFor('http://127.0.0.1:5174/', 'mainFrame')).toEqual({});
    expect(headersFor('http://localhost:5173/room.html?vendor=netease', 'mainFrame')).toEqual({});
    expect(headersFor(`${DEV}/`, 'subFrame')).toEqual({});
    expect(headersFor('app://parley/index.html', 'mainFrame')).toEqual({});
  });

  it('lets a frame of the window load the room page and nothing else', () => {
    const navigate = (url: string, frame: unknown) => {
      const e = fakeEvent({ url, isSameDocument: false, isMainFrame: false, frame });
      win.webContents.emit('will-frame-navigate', e);
      return e.defaultPrevented;
    };
    const child = { parent: win.webContents.mainFrame };
    expect(navigate('http://localhost:5173/room.html?vendor=tencent', child)).toBe(false);
    expect(navigate('https://evil.example/', child)).toBe(true);
    expect(navigate(`${DEV}/`, child)).toBe(true);
    // A frame inside the room frame may not load it either.
    expect(navigate('http://localhost:5173/room.html?vendor=tencent', { parent: child })).toBe(true);
  });
});
