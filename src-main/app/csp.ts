import { rtcConnectSources } from './rtc-hosts.ts';

/**
 * The Content-Security-Policy of every app page, sent as a response header (the app:// protocol handler and, in
 * development, session.webRequest for the Vite dev server).
 *
 * - script-src 'self' only: no inline script, no eval, no remote code.
 * - worker-src 'self' blob:: the RTC SDKs start their timer / signal-probe / render workers from blob: URLs (NERTC,
 *   TRTC); a worker has no DOM and no bridge, so this does not widen what injected markup can do.
 * - style-src allows 'unsafe-inline': Vue transitions, CodeMirror and Vite's dev server inject <style>; styles cannot
 *   run code and Parley shows no third-party HTML.
 * - media-src 'self' blob: data:: audio reaches the renderer as bytes from main and plays from blob:/data: URLs.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'media-src': ["'self'", 'blob:', 'data:'],
  'connect-src': ["'self'", ...rtcConnectSources()],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

export function contentSecurityPolicy(directives: Readonly<Record<string, readonly string[]>> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Response headers with our CSP replacing any the server sent (header names are case-insensitive). */
export function withCspHeader(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  out['Content-Security-Policy'] = [contentSecurityPolicy()];
  return out;
}
