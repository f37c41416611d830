import { roomSpecOf, rtcConnectSources, SANDBOX_ROOM_SOURCES } from './rtc-hosts.ts';

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
 * The room frame, one vendor's RTC SDK (livekit-client, trtc-sdk-v5, nertc-web-sdk …; `vendor`, from the page's
 * ?vendor=) and nothing of Parley's but the room channel. What an SDK needs beyond this is in its vendor's descriptor
 * (`room`), each need found by loading the SDK under this policy and starting a join (test/e2e/room-sdks.test.ts):
 *
 * - script-src 'unsafe-eval' (`evalScripts`): an SDK that evaluates strings; without it the join throws EvalError.
 *   The frame holds no bridge and no Parley data, which is why eval may run there and nowhere else.
 * - script-src blob: (`blobScripts`): an SDK whose volume meter is an AudioWorklet loaded from a blob: URL; a worklet
 *   module is a script (script-src, not worker-src), and a refused one fails with a bare AbortError, without a
 *   securitypolicyviolation event.
 * - no 'wasm-unsafe-eval': no SDK compiles WebAssembly to join and talk (their wasm serves optional denoiser, decoder,
 *   AI-audio and beauty plugins, none of which Parley loads).
 * - connect-src: that vendor's signalling and reporting hosts (`connectSources`) and loopback for the sandboxes.
 * - worker-src 'self' blob:: SDKs start their timer and signal-probe workers from blob: URLs.
 * - frame-ancestors: only Parley's page may embed the frame.
 * Without `vendor` (the frame's script and asset files) the policy is the union of the vendors' hosts, without eval.
 */
export function roomFrameDirectives(appOrigin: string, vendor?: string): Record<string, string[]> {
  const room = vendor === undefined ? undefined : roomSpecOf(vendor);
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'", ...(room?.evalScripts ? ["'unsafe-eval'"] : []), ...(room?.blobScripts ? ['blob:'] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', 'data:'],
    'connect-src': ["'self'", ...(room ? [...room.connectSources, ...SANDBOX_ROOM_SOURCES] : rtcConnectSources())],
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
