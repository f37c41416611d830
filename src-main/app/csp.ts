import { rtcConnectSources } from './rtc-hosts.ts';

/**
 * The Content-Security-Policies of Parley's two pages, each sent as the only policy of its page, as a response header
 * (the app:// protocol handler, renderer-files.ts; in development session.webRequest for the Vite dev server). No
 * page carries a <meta> policy: a page enforces every policy it gets, so a second one would silently block what this
 * one allows.
 *
 * The main page holds window.parley, so it runs only Parley's own code and connects nowhere: main makes every vendor
 * call, and the vendors' RTC SDKs run in the room frame.
 *
 * - script-src 'self': no inline script, no eval, no remote code.
 * - style-src 'unsafe-inline': Vue transitions, CodeMirror and Vite's dev server inject <style>; styles cannot run
 *   code and Parley shows no third-party HTML.
 * - media-src 'self' blob: data:: audio reaches the page as bytes from main and plays from blob:/data: URLs.
 * - connect-src 'self': nothing but the page's own origin (the E2E bridge runs there).
 * - frame-src: the room frame's origin only.
 */
export function appPageDirectives(roomOrigin: string): Record<string, string[]> {
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'media-src': ["'self'", 'blob:', 'data:'],
    'connect-src': ["'self'"],
    'frame-src': [roomOrigin],
    'worker-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
}

/**
 * The room frame: the vendor RTC SDKs (livekit-client, trtc-sdk-v5, nertc-web-sdk) and nothing of Parley's but the
 * room channel. Each source below is what one of those SDKs needs to join a room, found by loading it under this
 * policy and joining (test/e2e/room-sdks.test.ts):
 *
 * - connect-src: the vendors' signalling hosts (rtc-hosts.ts) and loopback for the sandboxes.
 * - worker-src 'self' blob:: TRTC and NERTC start their timer and signal-probe workers from blob: URLs.
 * - frame-ancestors: only Parley's page may embed the frame.
 */
export function roomFrameDirectives(appOrigin: string): Record<string, string[]> {
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', 'data:'],
    'connect-src': ["'self'", ...rtcConnectSources()],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-ancestors': [appOrigin],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
}

export function contentSecurityPolicy(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Response headers with `policy` replacing any CSP the server sent (header names are case-insensitive). */
export function withCspHeader(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  out['Content-Security-Policy'] = [policy];
  return out;
}
