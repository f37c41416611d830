/**
 * Packaging needs the Electron download, which this machine cannot make, so the installer configuration is checked
 * here instead: electron-builder's own loader and schema, the targets, the icon, what the `files` patterns ship
 * (through electron-builder's own FileMatcher) and the fuse hook run against a binary with a real fuse wire.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCurrentFuseWire, FuseV1Options, FuseState } from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher.js';
import type { Configuration } from 'app-builder-lib';

const root = resolve(import.meta.dirname, '..', '..', '..');
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, join(root, 'electron-builder.yml'), null);
});

function targetsOf(platform: unknown): string[] {
  const target = (platform as { target?: unknown }).target;
  return (Array.isArray(target) ? target : [target]).map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const debug = { add: () => undefined, isEnabled: false } as never;
    await expect(validateConfiguration(config, debug)).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('app.parley.console');
    expect(config.productName).toBe('Parley');
    expect(config.asar).toBe(true);
  });

  it('builds AppImage and deb on Linux, dmg on macOS, NSIS on Windows', () => {
    expect(targetsOf(config.linux)).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.mac)).toEqual(['dmg']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
  });

  it('uses the app icon from resources/, a 512x512 PNG', () => {
    for (const platform of [config.linux, config.mac, config.win]) expect((platform as { icon: string }).icon).toBe('resources/icon.png');
    const png = readFileSync(join(root, 'resources', 'icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('asks macOS for the microphone and nothing else beyond JIT', () => {
    const mac = config.mac as { hardenedRuntime: boolean; entitlements: string; extendInfo: Record<string, string> };
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/speech/);
    const keys = [...readFileSync(join(root, mac.entitlements), 'utf8').matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.device.audio-input']);
  });

  it('has npm scripts to package and to lint for security', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.package).toBe('node scripts/ensure-electron.mjs --optional && electron-vite build && electron-builder --config electron-builder.yml');
    expect(scripts['lint:security']).toBe('node scripts/lint-security.mjs');
  });
});

describe('files shipped in the app', () => {
  const filter = () => {
    const matchers = getFileMatchers(config, 'files', join(root, 'app'), {
      macroExpander: (p: string) => p,
      customBuildOptions: config.linux ?? {},
      globalOutDir: join(root, 'dist'),
      defaultSrc: root,
    });
    expect(matchers).toHaveLength(1);
    const f = matchers![0]!.createFilter();
    const fileStat = { isDirectory: () => false, isFile: () => true } as Stats;
    return (rel: string) => f(join(root, rel), fileStat) !== false;
  };

  it('ships the build output, package.json and runtime resources', () => {
    const shipped = filter();
    for (const rel of [
      'out/main/index.js',
      'out/preload/index.js',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc123.js',
      'out/renderer/assets/index-abc123.css',
      'package.json',
      'resources/icon.png',
      'resources/convai/sequences/hello.json',
      'resources/speech/hello.wav',
    ])
      expect(shipped(rel), rel).toBe(true);
  });

  it('ships no sources, tests, source maps or dev files', () => {
    const shipped = filter();
    const repoFiles = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const leaked = repoFiles.filter((f) => shipped(f) && !f.startsWith('resources/') && f !== 'package.json');
    expect(leaked).toEqual([]);
    for (const rel of [
      'out/main/index.js.map',
      'out/renderer/assets/index-abc123.js.map',
      'out/main/test/fixture.js',
      'src-main/app/main.ts',
      'test/unit/app/window.test.ts',
      'resources/icon.svg',
      'README.md',
      'tsconfig.json',
      'electron.vite.config.ts',
      'vitest.config.ts',
      'scripts/test.sh',
      'build/after-pack.mjs',
      'out/renderer/docs/notes.md',
    ])
      expect(shipped(rel), rel).toBe(false);
  });
});

describe('fuses (afterPack hook)', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  // Electron's defaults for the 9-fuse V1 wire: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on,
  // asar integrity off, only-asar off, browser V8 snapshot off, file:// privileges on, wasm trap handlers on.
  const DEFAULT_WIRE = '101100011';
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'parley-fuses-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in binary carrying a real fuse wire, the only part of the Electron binary the hook touches. */
  function fakeElectronBinary(file: string): void {
    const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE)]);
    writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0x90), wire, Buffer.alloc(4096, 0x90)]));
  }

  async function runHook(platform: string) {
    const { default: afterPack, electronBinaryPath } = await import('../../../build/after-pack.mjs');
    const appOutDir = join(dir, platform);
    // x64: an arm64 macOS build would also re-sign ad hoc with `codesign`, which exists only on macOS.
    const context = { appOutDir, electronPlatformName: platform, arch: 1, packager: { executableName: 'parley', appInfo: { productFilename: 'Parley' } } };
    const binary = electronBinaryPath(context);
    const fuseFile = platform === 'darwin' ? join(binary, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework') : binary;
    mkdirSync(join(fuseFile, '..'), { recursive: true });
    fakeElectronBinary(fuseFile);
    await afterPack(context);
    return { binary, wire: await getCurrentFuseWire(binary) };
  }

  it('is the configured afterPack hook', () => {
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    expect(existsSync(join(root, 'build', 'after-pack.mjs'))).toBe(true);
  });

  it.each(['linux', 'win32'])('flips the fuses of the %s binary', async (platform) => {
    const { binary, wire } = await runHook(platform);
    expect(binary).toBe(join(dir, platform, platform === 'win32' ? 'Parley.exe' : 'parley'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    // Fuses Parley has no opinion on keep Electron's default.
    expect(wire[FuseV1Options.WasmTrapHandlers]).toBe(FuseState.ENABLE);
  });

  it('finds the framework binary inside the macOS .app', async () => {
    const { binary, wire } = await runHook('darwin');
    expect(binary).toBe(join(dir, 'darwin', 'Parley.app'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });
});
