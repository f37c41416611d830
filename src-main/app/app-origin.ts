/**
 * Where the app's own pages come from. Production serves the built renderer on a privileged custom scheme
 * (app://parley/) instead of file://: a file:// page shares one origin with every file on disk, and Electron cannot
 * attach response headers (our CSP) to file:// loads. Development loads the Vite dev server (ELECTRON_RENDERER_URL).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface AppOrigins {
  /** The URL the main window loads. */
  entryUrl: string;
  /** True when a URL belongs to one of our own pages (IPC sender check, permissions, CSP). */
  isAppUrl(url: string): boolean;
}

/** Our origins: app://parley always, plus the dev server's origin when one is given (never in a packaged app). */
export function appOrigins(devServerUrl?: string): AppOrigins {
  const origins = new Set([APP_ORIGIN]);
  let entryUrl = APP_ENTRY_URL;
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    if (dev.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(dev.hostname))
      throw new Error(`ELECTRON_RENDERER_URL: expected an http://localhost dev server URL, got "${devServerUrl}"`);
    origins.add(dev.origin);
    entryUrl = dev.href;
  }
  return {
    entryUrl,
    isAppUrl(url: string): boolean {
      try {
        const u = new URL(url);
        // Custom schemes registered as standard report their origin as the string "null" in Node's URL.
        const origin = u.protocol === `${APP_SCHEME}:` ? `${u.protocol}//${u.host}` : u.origin;
        return origins.has(origin);
      } catch {
        return false;
      }
    },
  };
}
