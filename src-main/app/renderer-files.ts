import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { APP_ORIGIN, ROOM_ORIGIN, ROOM_PAGE, originOf } from './app-origin.ts';
import { roomVendorIds } from './rtc-hosts.ts';
import { appPageDirectives, contentSecurityPolicy, roomFrameDirectives } from './csp.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
};

function notFound(status = 404): Response {
  return new Response(null, { status, headers: { 'Content-Type': 'text/plain' } });
}

/** The two origins the built renderer is served on: the main page's and the room frame's. */
export interface RendererSite {
  appOrigin: string;
  roomOrigin: string;
}
export const APP_SITE: RendererSite = { appOrigin: APP_ORIGIN, roomOrigin: ROOM_ORIGIN };

/** The Content-Security-Policy a page of `site` is served with (the room page's depends on its vendor). */
export function pagePolicy(page: 'app' | 'room', site: RendererSite = APP_SITE, vendor?: string): string {
  return contentSecurityPolicy(page === 'app' ? appPageDirectives(site.roomOrigin) : roomFrameDirectives(site.appOrigin, vendor));
}

/** The vendor a room page URL names (`?vendor=`), undefined for no or an unknown vendor. */
export function roomVendorOf(url: string): string | undefined {
  try {
    const v = new URL(url).searchParams.get('vendor');
    return roomVendorIds().find((known) => known === v);
  } catch {
    return undefined;
  }
}

/**
 * The app:// protocol handler body: serves files below `rendererDir` only, with its page's CSP header and a strict
 * MIME type. The main page's origin serves everything but the room page; the room frame's origin serves the room
 * page (for a known ?vendor=, with that vendor's policy) and the bundles under assets/ (where the SDK chunks are),
 * each response carrying the room frame's policy (a worker started from one of them runs under it). Anything else (other origin, path escaping the folder,
 * folders, missing files, non-GET) is refused. The E2E harness serves the same way on loopback HTTP (`site`).
 */
export async function serveRendererFile(rendererDir: string, request: { url: string; method?: string }, site: RendererSite = APP_SITE): Promise<Response> {
  if (request.method && request.method !== 'GET' && request.method !== 'HEAD') return notFound(405);
  const origin = originOf(request.url);
  if (origin === null) return notFound(400);
  const page = origin === site.appOrigin ? 'app' : origin === site.roomOrigin ? 'room' : null;
  if (!page) return notFound();
  const root = resolve(rendererDir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return notFound(400);
  }
  if (pathname.includes('\0')) return notFound(400);
  const file = resolve(root, `.${pathname === '/' && page === 'app' ? '/index.html' : pathname}`);
  if (!file.startsWith(root + sep)) return notFound();
  const roomPage = join(root, ROOM_PAGE);
  if (page === 'app' ? file === roomPage : file !== roomPage && !file.startsWith(join(root, 'assets') + sep)) return notFound();
  const vendor = file === roomPage ? roomVendorOf(request.url) : undefined;
  if (file === roomPage && !vendor) return notFound();
  try {
    if (!(await stat(file)).isFile()) return notFound();
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': pagePolicy(page, site, vendor),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  } catch {
    return notFound();
  }
}
