/**
 * Where the app's own pages come from. Production serves the built renderer on a privileged custom scheme
 * (app://parley/) instead of file://: a file:// page shares one origin with every file on disk, and Electron cannot
 * attach response headers (our CSP) to file:// loads. Development loads the Vite dev server (ELECTRON_RENDERER_URL).
 *
 * The vendors' RTC SDKs (closed source, one of them needs eval) run in a room frame on an origin of its own: app://room
 * next to app://parley, http://localhost:<port> next to a dev or test server on http://127.0.0.1:<port>. A different origin
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
/** The room frame's page, below either origin's root; `?vendor=` names the one SDK it runs (and its CSP). */
export const ROOM_PAGE = 'room.html';
/**
 * The room frame for one vendor's room: main serves it with that vendor's policy (`vendor`); the frame runs the
 * driver of that vendor's RTC SDK (`sdk`, its descriptor's room.sdk).
 */
export function roomPageUrl(roomOrigin: string, room: { vendor: string; sdk: string }): string {
  return `${roomOrigin}/${ROOM_PAGE}?vendor=${encodeURIComponent(room.vendor)}&sdk=${encodeURIComponent(room.sdk)}`;
}

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
 * The room frame's origin for a main page's origin: app://parley → app://room; http://127.0.0.1:5173 (the dev server,
 * or the E2E server) → http://localhost:5173, the same server under the other loopback name. Both are secure contexts,
 * and the RTC SDKs accept plain http only on a host named `localhost` (or an IP address), never on `*.localhost`.
 * Null for any other origin: then there is no room frame.
 */
export function roomOriginFor(appOrigin: string): string | null {
  if (appOrigin === APP_ORIGIN) return ROOM_ORIGIN;
  try {
    const u = new URL(appOrigin);
    if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1' || !u.port || u.origin !== appOrigin) return null;
    return `http://localhost:${u.port}`;
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

/**
 * Our origins: app://parley always, plus the dev server's origin when one is given (never in a packaged app). The dev
 * server listens on 127.0.0.1 (electron.vite.config.ts), so that the room frame can use the name localhost.
 */
export function appOrigins(devServerUrl?: string): AppOrigins {
  const app = new Set([APP_ORIGIN]);
  const room = new Set([ROOM_ORIGIN]);
  let entryUrl = APP_ENTRY_URL;
  let appOrigin = APP_ORIGIN;
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    const devRoom = roomOriginFor(dev.origin);
    if (!devRoom) throw new Error(`ELECTRON_RENDERER_URL: expected an http://127.0.0.1:<port> dev server URL, got "${devServerUrl}"`);
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
