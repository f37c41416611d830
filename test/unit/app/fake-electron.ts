/**
 * A stand-in for the `electron` module (no Electron binary exists here). It records what the app asks of Electron
 * (window options, handlers, IPC registrations) so tests can drive those handlers the way Electron would.
 */
import { fork as childFork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
  [key: string]: unknown;
}

export function fakeEvent(fields: Record<string, unknown> = {}): FakeEvent {
  return {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class FakeFrame {
  url: string;
  parent: FakeFrame | null;
  constructor(url: string, parent: FakeFrame | null = null) {
    this.url = url;
    this.parent = parent;
  }
  get origin(): string {
    return new URL(this.url).origin;
  }
}

let nextId = 1;
export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  mainFrame = new FakeFrame('app://parley/index.html');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  sent: { channel: string; payload: unknown }[] = [];
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getType(): string {
    return 'window';
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all;
  }
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.all.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

export class FakeSession {
  permissionRequestHandler: ((...args: unknown[]) => void) | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | null = null;
  displayMediaRequestHandler: ((...args: unknown[]) => void) | null = null;
  headersReceived: ((details: Record<string, unknown>, cb: (r: Record<string, unknown>) => void) => void) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: (details: Record<string, unknown>, cb: (r: Record<string, unknown>) => void) => void) => {
      this.headersReceived = listener;
    },
  };
  setPermissionRequestHandler(h: (...args: unknown[]) => void): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: (...args: unknown[]) => boolean): void {
    this.devicePermissionHandler = h;
  }
  setDisplayMediaRequestHandler(h: (...args: unknown[]) => void): void {
    this.displayMediaRequestHandler = h;
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: unknown): void {
    this.listeners.set(channel, listener);
  }
}

/** What the renderer side of Electron would provide to the preload. */
export class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined);
}

/** macOS's per-app microphone switch (systemPreferences): what the user decided, and what they answer when asked. */
export class FakeSystemPreferences {
  status: 'not-determined' | 'granted' | 'denied' | 'restricted' | 'unknown' = 'not-determined';
  answer = true;
  readonly asked: string[] = [];
  getMediaAccessStatus(mediaType: string): FakeSystemPreferences['status'] {
    if (mediaType !== 'microphone') throw new Error(`unexpected getMediaAccessStatus(${mediaType})`);
    return this.status;
  }
  async askForMediaAccess(mediaType: string): Promise<boolean> {
    this.asked.push(mediaType);
    this.status = this.answer ? 'granted' : 'denied';
    return this.answer;
  }
}

export const state = {
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  session: new FakeSession(),
  exposed: new Map<string, unknown>(),
  openExternal: vi.fn(async (_url: string) => undefined),
  menuTemplate: null as unknown[] | null,
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response> | Response>(),
  app: null as unknown as FakeApp,
  systemPreferences: new FakeSystemPreferences(),
  errorBoxes: [] as { title: string; content: string }[],
};

export class FakeApp extends EventEmitter {
  isPackaged = false;
  userData = '';
  quitCalls = 0;
  exitCode: number | null = null;
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  fireReady(): void {
    this.readyResolve();
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`unexpected app.getPath(${name})`);
    return this.userData;
  }
  setPath(name: string, path: string): void {
    if (name !== 'userData') throw new Error(`unexpected app.setPath(${name})`);
    this.userData = path;
  }
  getVersion(): string {
    return '9.8.7';
  }
  getLocale(): string {
    return 'zh-CN';
  }
  hasLock = false;
  requestSingleInstanceLock(): boolean {
    this.hasLock = true;
    return true;
  }
  releaseSingleInstanceLock(): void {
    this.hasLock = false;
  }
  quit(): void {
    this.quitCalls++;
    // Electron emits before-quit first; a handler may cancel it.
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.emit('will-quit');
  }
  exit(code: number): void {
    this.exitCode = code;
  }
}

export function resetElectronState(): void {
  state.ipcMain = new FakeIpcMain();
  state.ipcRenderer = new FakeIpcRenderer();
  state.session = new FakeSession();
  state.exposed = new Map();
  state.openExternal = vi.fn(async (_url: string) => undefined);
  state.menuTemplate = null;
  state.privilegedSchemes = [];
  state.protocolHandlers = new Map();
  state.app = new FakeApp();
  state.systemPreferences = new FakeSystemPreferences();
  state.errorBoxes = [];
  FakeBrowserWindow.all = [];
}
resetElectronState();

/**
 * Electron's utilityProcess, parent side: fork() starts the module with child_process.fork (a Node child with an IPC
 * channel); the returned object has the UtilityProcess surface the app uses (postMessage, on('message' | 'exit'),
 * kill, pid, stdout, stderr). The child end (process.parentPort) is not modelled: such a child talks over process.send.
 */
export const fakeUtilityProcess = {
  forks: [] as { modulePath: string; options: Record<string, unknown> }[],
  fork(modulePath: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; stdio?: string; serviceName?: string } = {}) {
    fakeUtilityProcess.forks.push({ modulePath, options });
    const child = childFork(modulePath, args, { env: options.env, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
    const emitter = new EventEmitter();
    child.on('message', (m) => emitter.emit('message', m));
    child.on('exit', (code) => emitter.emit('exit', code ?? 0));
    return Object.assign(emitter, {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (m: unknown) => child.send(m as never),
      kill: () => child.kill('SIGTERM'),
    });
  },
};

/** The module object handed to vi.mock('electron'). Getters so a reset between tests is seen by the app code. */
export const electronModule = {
  get app() {
    return state.app;
  },
  BrowserWindow: FakeBrowserWindow,
  get ipcMain() {
    return state.ipcMain;
  },
  get ipcRenderer() {
    return state.ipcRenderer;
  },
  contextBridge: {
    exposeInMainWorld(key: string, api: unknown) {
      if (state.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object (${key})`);
      state.exposed.set(key, api);
    },
  },
  get session() {
    return { defaultSession: state.session };
  },
  shell: {
    openExternal: (url: string) => state.openExternal(url),
  },
  Menu: {
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu: (menu: { template: unknown[] } | null) => {
      state.menuTemplate = menu?.template ?? null;
    },
  },
  utilityProcess: fakeUtilityProcess,
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => state.privilegedSchemes.push(...schemes),
    handle: (scheme: string, handler: (req: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, handler),
  },
  get systemPreferences() {
    return state.systemPreferences;
  },
  dialog: {
    showErrorBox: (title: string, content: string) => void state.errorBoxes.push({ title, content }),
  },
};
