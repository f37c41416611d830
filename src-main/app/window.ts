import { BrowserWindow, shell, type BrowserWindowConstructorOptions } from 'electron';
import { installNavigationGuards } from './navigation.ts';

/** The renderer's web preferences: a sandboxed, isolated page that reaches main only through the preload bridge. */
export function mainWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Parley',
    show: false,
    backgroundColor: '#14161a',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
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
      spellcheck: false,
      // Background throttling would slow the live event log and audio scheduling while the window is hidden.
      backgroundThrottling: false,
    },
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  entryUrl: string;
  iconPath?: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(options.preloadPath, options.iconPath));
  installNavigationGuards(win.webContents, (url) => shell.openExternal(url));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.entryUrl);
  return win;
}
