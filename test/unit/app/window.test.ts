import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fakeEvent, resetElectronState, state } from './fake-electron.ts';
import { appOrigins } from '../../../src-main/app/app-origin.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);

const { createMainWindow } = await import('../../../src-main/app/window.ts');

function openWindow(): FakeBrowserWindow {
  createMainWindow({ preloadPath: '/app/out/preload/index.js', entryUrl: 'app://parley/index.html', isRoomUrl: appOrigins().isRoomUrl });
  return FakeBrowserWindow.all.at(-1)!;
}

beforeEach(() => resetElectronState());

describe('main window options', () => {
  let prefs: Record<string, unknown>;
  beforeEach(() => {
    prefs = openWindow().options.webPreferences as Record<string, unknown>;
  });

  it('runs the renderer in the OS sandbox', () => expect(prefs.sandbox).toBe(true));
  it('isolates the preload world from the page', () => expect(prefs.contextIsolation).toBe(true));
  it('gives the page no Node.js, in workers and subframes neither', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });
  it('keeps web security (same-origin policy) on and refuses mixed content', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });
  it('disables the <webview> tag and experimental features', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
  });
  it('loads our bundled preload and nothing else', () => expect(prefs.preload).toBe('/app/out/preload/index.js'));
  it('does not navigate when a file is dropped on the window', () => expect(prefs.navigateOnDragDrop).toBe(false));
  it('turns off middle-click (auxclick) link opening', () => expect(prefs.disableBlinkFeatures).toBe('Auxclick'));
});

describe('createMainWindow', () => {
  it('loads the entry URL it was given and shows the window when ready', () => {
    const win = openWindow();
    expect(win.loadedUrl).toBe('app://parley/index.html');
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('refuses to attach a webview', () => {
    const e = fakeEvent();
    openWindow().webContents.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });

  it('denies navigation away from the app', () => {
    const win = openWindow();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://parley/other.html', 'javascript:alert(1)']) {
      const e = fakeEvent({ url, isSameDocument: false, isMainFrame: true });
      win.webContents.emit('will-navigate', e);
      expect(e.defaultPrevented, url).toBe(true);
    }
    expect(state.openExternal).not.toHaveBeenCalled();
  });

  it('lets same-document navigation (hash changes) through', () => {
    const e = fakeEvent({ url: 'app://parley/index.html#/sessions', isSameDocument: true, isMainFrame: true });
    openWindow().webContents.emit('will-navigate', e);
    expect(e.defaultPrevented).toBe(false);
  });

  it('sends an allow-listed docs link that tried to navigate the window to the system browser instead', () => {
    const e = fakeEvent({ url: 'https://docs.convai.com/api-docs', isSameDocument: false, isMainFrame: true });
    openWindow().webContents.emit('will-navigate', e);
    expect(e.defaultPrevented).toBe(true);
    expect(state.openExternal).toHaveBeenCalledWith('https://docs.convai.com/api-docs');
  });

  it('lets a frame of the page load the room page, and denies every other subframe navigation', () => {
    const win = openWindow();
    const navigate = (url: string, frame: unknown = { parent: win.webContents.mainFrame }) => {
      const e = fakeEvent({ url, isSameDocument: false, isMainFrame: false, frame });
      win.webContents.emit('will-frame-navigate', e);
      return e.defaultPrevented;
    };
    expect(navigate('app://room/room.html?vendor=netease')).toBe(false);
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('app://parley/index.html')).toBe(true);
    expect(navigate('app://room/room.html?vendor=netease', { parent: { parent: win.webContents.mainFrame } })).toBe(true);
    expect(navigate('app://room/room.html?vendor=netease', null)).toBe(true);
  });

  describe('window.open', () => {
    it('never opens a window and opens allow-listed https links externally', () => {
      const handler = openWindow().webContents.windowOpenHandler!;
      expect(handler({ url: 'https://cloud.tencent.com/document/product/647/108514' })).toEqual({ action: 'deny' });
      expect(handler({ url: 'https://doc.yunxin.163.com/neroom/docs' })).toEqual({ action: 'deny' });
      expect(state.openExternal.mock.calls.map((c) => c[0])).toEqual([
        'https://cloud.tencent.com/document/product/647/108514',
        'https://doc.yunxin.163.com/neroom/docs',
      ]);
    });

    it.each([
      ['plain http', 'http://docs.convai.com/'],
      ['file', 'file:///etc/passwd'],
      ['javascript', 'javascript:alert(1)'],
      ['data', 'data:text/html,<script>alert(1)</script>'],
      ['another host', 'https://evil.example/'],
      ['a look-alike subdomain', 'https://docs.convai.com.evil.example/'],
      ['a subdomain of an allowed host', 'https://evil.trtc.io/'],
      ['credentials in the URL', 'https://user:pass@docs.convai.com/'],
      ['a non-default port', 'https://docs.convai.com:8443/'],
      ['our own app page', 'app://parley/index.html'],
      ['garbage', 'not a url'],
    ])('denies %s without opening anything', (_label, url) => {
      const handler = openWindow().webContents.windowOpenHandler!;
      expect(handler({ url })).toEqual({ action: 'deny' });
      expect(state.openExternal).not.toHaveBeenCalled();
    });
  });
});
