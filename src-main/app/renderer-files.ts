import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';
import { contentSecurityPolicy } from './csp.ts';

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

/**
 * The app:// protocol handler body: serves files below `rendererDir` only, with the CSP header and a strict MIME type.
 * Anything else (other host, path escaping the folder, folders, missing files, non-GET) is refused.
 */
export async function serveRendererFile(rendererDir: string, request: { url: string; method?: string }): Promise<Response> {
  if (request.method && request.method !== 'GET' && request.method !== 'HEAD') return notFound(405);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound(400);
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
  const root = resolve(rendererDir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return notFound(400);
  }
  if (pathname.includes('\0')) return notFound(400);
  const file = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  if (!file.startsWith(root + sep)) return notFound();
  try {
    if (!(await stat(file)).isFile()) return notFound();
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy(),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  } catch {
    return notFound();
  }
}
