/**
 * Where the app's own pages come from. Production serves the built renderer on a privileged custom scheme
 * (app://parley/) instead of file://: a file:// page shares one origin with every file on disk, and Electron cannot
 * attach response headers (our CSP) to file:// loads. Development loads the Vite dev server (ELECTRON_RENDERER_URL).
 *
 * The vendors' RTC SDKs (closed source, one of them needs eval) run in a room frame on an origin of its own: app://room
 * next to app://parley, http://room.localhost:<port> next to a loopback dev server or test server. A different origin
 * means the frame cannot reach window.parley, the page's storage or its DOM; it has its own CSP and talks to the page
 * only through the room channel (src-renderer/src/rooms). This module has no Electron import: the renderer uses it
 * too, to find the frame.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
export const ROOM_HOST = 'room';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const ROOM_ORIGIN = `${APP_SCHEME}://${ROOM_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
/** The room frame's page, below either origin's root. */
export const ROOM_PAGE = 'room.html';

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** A URL's origin as the browser sees it (Node's URL says "null" for custom schemes registered as standard). */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` ? `${u.protocol}//${u.host}` : u.origin;
  } catch {
    return null;
  }
}

/**
 * The room frame's origin for a main page's origin: app://parley → app://room, http://localhost:5173 (or 127.0.0.1)
 * → http://room.localhost:5173 (the same server; `*.localhost` always resolves to loopback and is a secure context).
 * Null for any other origin: then there is no room frame.
 */
export function roomOriginFor(appOrigin: string): string | null {
  if (appOrigin === APP_ORIGIN) return ROOM_ORIGIN;
  try {
    const u = new URL(appOrigin);
    if (u.protocol !== 'http:' || !LOOPBACK_HOSTS.includes(u.hostname) || !u.port || u.origin !== appOrigin) return null;
    return `http://${ROOM_HOST}.localhost:${u.port}`;
  } catch {
    return null;
  }
}

export interface AppOrigins {
  /** The URL the main window loads. */
  entryUrl: string;
  /** The main page's origin. */
  appOrigin: string;
  /** The room frame's origin. */
  roomOrigin: string;
  /** True when a URL belongs to our main page (IPC sender check, permissions, CSP). */
  isAppUrl(url: string): boolean;
  /** True when a URL belongs to the room frame (never trusted with IPC; may use the microphone). */
  isRoomUrl(url: string): boolean;
}

/** Our origins: app://parley always, plus the dev server's origin when one is given (never in a packaged app). */
export function appOrigins(devServerUrl?: string): AppOrigins {
  const app = new Set([APP_ORIGIN]);
  const room = new Set([ROOM_ORIGIN]);
  let entryUrl = APP_ENTRY_URL;
  let appOrigin = APP_ORIGIN;
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    const devRoom = dev.protocol === 'http:' && LOOPBACK_HOSTS.includes(dev.hostname) ? roomOriginFor(dev.origin) : null;
    if (!devRoom) throw new Error(`ELECTRON_RENDERER_URL: expected an http://localhost:<port> dev server URL, got "${devServerUrl}"`);
    app.add(dev.origin);
    room.add(devRoom);
    entryUrl = dev.href;
    appOrigin = dev.origin;
  }
  const member = (set: Set<string>) => (url: string) => {
    const origin = originOf(url);
    return origin !== null && set.has(origin);
  };
  return { entryUrl, appOrigin, roomOrigin: roomOriginFor(appOrigin)!, isAppUrl: member(app), isRoomUrl: member(room) };
}
