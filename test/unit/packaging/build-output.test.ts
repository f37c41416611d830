/**
 * What `electron-vite build` produces is what ships: the sandboxed preload must be one CommonJS file that requires
 * nothing but `electron`, and every package the main bundle leaves external must be a production dependency (or the
 * packaged app fails at start with "Cannot find module").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const out = join(root, 'out');

beforeAll(() => {
  // scripts/test.sh builds before the suite; a lone `vitest --project unit` run builds here.
  if (!['main/index.js', 'preload/index.js', 'renderer/index.html', 'renderer/room.html'].every((f) => existsSync(join(out, f))))
    execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(c|m)?js$/.test(f))
    .map((f) => join(dir, f));
}

function bareSpecifiers(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/gm,
  )) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
    if (!spec.startsWith('.') && !spec.startsWith('/')) found.add(spec);
  }
  return [...found];
}

const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

describe('built preload', () => {
  it('is a single CommonJS file (a sandboxed preload cannot be an ES module)', () => {
    expect(readdirSync(join(out, 'preload'))).toEqual(['index.js']);
    const code = readFileSync(join(out, 'preload', 'index.js'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('requires electron and nothing else: no ajv, no Node modules, no core code', () => {
    const code = readFileSync(join(out, 'preload', 'index.js'), 'utf8');
    expect(bareSpecifiers(code)).toEqual(['electron']);
    expect(code).not.toMatch(/ajv|validateSchema|createCore|keyring/);
  });

  it('exposes the bridge with contextBridge', () => {
    expect(readFileSync(join(out, 'preload', 'index.js'), 'utf8')).toMatch(/contextBridge\.exposeInMainWorld\("parley"/);
  });
});

describe('built main', () => {
  it('loads only Node built-ins, electron and production dependencies at run time', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const external = new Set(jsFiles(join(out, 'main')).flatMap((f) => bareSpecifiers(readFileSync(f, 'utf8'))));
    const notShipped = [...external].filter((s) => !isBuiltin(s) && s !== 'electron' && !Object.hasOwn(pkg.dependencies, packageName(s)));
    expect(notShipped).toEqual([]);
    expect(external.has('electron')).toBe(true);
  });

  it('ships no source maps', () => {
    expect(readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'))).toEqual([]);
  });
});

describe('built renderer', () => {
  const renderer = join(out, 'renderer');
  const page = (name: string) => readFileSync(join(renderer, name), 'utf8');

  it('carries no Content-Security-Policy of its own: each page gets exactly one, the header from csp.ts', () => {
    for (const name of ['index.html', 'room.html']) {
      expect(page(name)).not.toMatch(/http-equiv\s*=\s*["']?content-security-policy/i);
      expect(page(name)).not.toMatch(/<meta[^>]+content-security-policy/i);
    }
  });

  /** The chunks a page loads: its entry and modulepreloads, and everything they import statically or lazily. */
  function chunkGraph(html: string): Set<string> {
    const seen = new Set<string>();
    const queue = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const m of readFileSync(join(renderer, file), 'utf8').matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) queue.push(`assets/${m[1]}`);
    }
    return seen;
  }

  it("keeps the vendors' RTC SDKs out of the page that holds window.parley: only the room frame loads them", () => {
    const sdk = /^assets\/(livekit-client|trtc|NERTC)[-.]/;
    expect([...chunkGraph(page('index.html'))].filter((f) => sdk.test(f))).toEqual([]);
    expect(
      [...chunkGraph(page('room.html'))]
        .filter((f) => sdk.test(f))
        .map((f) => f.split(/[-.]/)[0])
        .sort(),
    ).toEqual(['assets/NERTC', 'assets/livekit', 'assets/trtc']);
  });
});
