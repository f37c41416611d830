import { BrowserWindow, shell } from 'electron';
import { installNavigationGuards } from './navigation.ts';

export interface MainWindowOptions {
  preloadPath: string;
  entryUrl: string;
  iconPath?: string;
  /** The room frame's URLs: the only thing a frame inside the window may load. */
  isRoomUrl?: (url: string) => boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  // The options stay literal here (not built elsewhere) so reviewers and Electronegativity see them at the call.
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Parley',
    show: false,
    backgroundColor: '#14161a',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // Middle-click would otherwise try to open links in a new window (denied anyway by the window-open handler).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      // Background throttling would slow the live event log and audio scheduling while the window is hidden.
      backgroundThrottling: false,
    },
  });
  installNavigationGuards(win.webContents, (url) => shell.openExternal(url), options.isRoomUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.entryUrl);
  return win;
}
