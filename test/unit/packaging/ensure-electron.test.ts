import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * scripts/ensure-electron.mjs against a stand-in electron package (PARLEY_ELECTRON_DIR): same layout as electron 45
 * (package.json, install.js, path.txt + dist/ once installed), with an installer that succeeds or fails the way
 * @electron/get does. No network is involved.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts', 'ensure-electron.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Installer = 'download' | 'no-path-file' | { stderr: string };

/** A fake electron package; every installer run appends a line to install.log. */
function fakeElectron(installer: Installer): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fake-electron-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1', bin: { 'install-electron': 'install.js' } }));
  const body =
    installer === 'download'
      ? `if (!fs.existsSync(path.join(__dirname, 'path.txt'))) { fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true }); fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), ''); fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron'); }`
      : installer === 'no-path-file'
        ? ''
        : `console.error(${JSON.stringify(installer.stderr)}); process.exit(1);`;
  writeFileSync(
    join(dir, 'install.js'),
    `const fs = require('fs'); const path = require('path'); fs.appendFileSync(path.join(__dirname, 'install.log'), 'run\\n');\n${body}\n`,
  );
  return dir;
}

function installerRuns(dir: string): number {
  const log = join(dir, 'install.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}

function run(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const cleanEnv = { ...process.env };
  delete cleanEnv.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...cleanEnv, PARLEY_ELECTRON_DIR: dir, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const OFFLINE = 'RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.<anonymous> (node_modules/got/dist/source/core/index.js:970:111)';

describe('npm start / npm run dev install the Electron binary first', () => {
  it.each(['start', 'dev'])('npm run %s stops with the download problem before electron-vite runs', (script) => {
    const dir = fakeElectron({ stderr: OFFLINE });
    const cleanEnv = { ...process.env };
    delete cleanEnv.ELECTRON_SKIP_BINARY_DOWNLOAD;
    const r = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, encoding: 'utf8', env: { ...cleanEnv, PARLEY_ELECTRON_DIR: dir } });
    expect(r.status).not.toBe(0);
    expect(installerRuns(dir)).toBe(1);
    expect(r.stderr).toContain('parley: could not install the Electron 45.4.1 binary');
    expect(r.stderr).toContain('the download host could not be reached');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/vite|Electron uninstall/i);
  });

  it('npm run package checks too, and tolerates ELECTRON_SKIP_BINARY_DOWNLOAD (electron-builder downloads its own)', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.package).toMatch(/^node scripts\/ensure-electron\.mjs --optional && /);
    expect(scripts.start).toMatch(/^node scripts\/ensure-electron\.mjs && electron-vite preview$/);
    expect(scripts.dev).toMatch(/^node scripts\/ensure-electron\.mjs && electron-vite dev$/);
  });
});

describe('scripts/ensure-electron.mjs', () => {
  it('runs the installer, which downloads once; later runs find the binary and exit 0', () => {
    const dir = fakeElectron('download');
    const first = run(dir);
    expect(first.status).toBe(0);
    expect(first.out).toContain('installing the Electron 45.4.1 binary');
    expect(readFileSync(join(dir, 'path.txt'), 'utf8')).toBe('electron');
    const second = run(dir);
    expect(second.status).toBe(0);
    expect(second.out).not.toContain('installing');
  });

  it('offline: names the cause, the proxy variables and the mirror, and shows what the installer said', () => {
    const r = run(fakeElectron({ stderr: OFFLINE }));
    expect(r.status).toBe(1);
    expect(r.err).toContain('the download host could not be reached (no network, or DNS cannot resolve it)');
    expect(r.err).toContain('HTTPS_PROXY');
    expect(r.err).toContain('ELECTRON_GET_USE_PROXY=1');
    expect(r.err).toContain('ELECTRON_MIRROR=');
    expect(r.err).toContain('getaddrinfo ENOTFOUND github.com');
  });

  it.each([
    ['a proxy asking for credentials', 'HTTPError: Response code 407 (Proxy Authentication Required)', 'the proxy wants credentials'],
    [
      'a mirror without the version',
      'HTTPError: Response code 404 (Not Found) for https://mirror.example/v45.4.1/electron-v45.4.1-linux-x64.zip',
      'was not found at the download address',
    ],
    ['a refused connection', 'Error: connect ECONNREFUSED 10.0.0.1:8080', 'the connection was refused or reset'],
    ['a checksum mismatch', 'Error: Generated checksum for "electron-v45.4.1-linux-x64.zip" did not match expected checksum.', 'did not match its checksum'],
  ])('%s gets its own explanation', (_label, stderr, expected) => {
    const r = run(fakeElectron({ stderr }));
    expect(r.status).toBe(1);
    expect(r.err).toContain(expected);
  });

  it('an installer that succeeds without writing path.txt is an error, not a silent pass', () => {
    const r = run(fakeElectron('no-path-file'));
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/path\.txt names no binary/);
  });

  it('honours ELECTRON_SKIP_BINARY_DOWNLOAD: no download; start/dev fail clearly, packaging goes on', () => {
    const dir = fakeElectron('download');
    const required = run(dir, [], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(required.status).toBe(1);
    expect(required.err).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    const optional = run(dir, ['--optional'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(optional.status).toBe(0);
    expect(installerRuns(dir)).toBe(0);
    // Installed already: nothing to say either way.
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(run(dir, [], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }).status).toBe(0);
    expect(installerRuns(dir)).toBe(0);
  });
});

describe('Linux sandbox check (Ubuntu 24.04+ AppArmor user-namespace restriction)', async () => {
  const { sandboxGuidance, machineSandboxGuidance } = await import('../../../scripts/ensure-electron-sandbox.mjs');
  const binary = '/home/qa/parley/node_modules/electron/dist/electron';
  const restricted = { platform: 'linux', restriction: '1\n', helper: { uid: 1000, mode: 0o100755 }, profiles: [], electronBinary: binary };

  it('explains the three fixes, with this binary and its helper, when the restriction would stop Electron', () => {
    const text = sandboxGuidance(restricted)!;
    expect(text).toContain('kernel.apparmor_restrict_unprivileged_userns = 1');
    expect(text).toContain(
      'sudo chown root:root /home/qa/parley/node_modules/electron/dist/chrome-sandbox && sudo chmod 4755 /home/qa/parley/node_modules/electron/dist/chrome-sandbox',
    );
    expect(text).toContain(`profile parley-dev ${binary} flags=(unconfined) {`);
    expect(text).toContain('sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0');
    expect(text).toContain('The installed .deb needs none of this');
  });

  it.each([
    ['not Linux', { platform: 'darwin' }],
    ['no restriction', { restriction: '0\n' }],
    ['an older kernel without the setting', { restriction: null }],
    ['a setuid-root helper', { helper: { uid: 0, mode: 0o104755 } }],
    [
      'an AppArmor profile for the binary',
      { profiles: ['abi <abi/4.0>,\nprofile x /other flags=(unconfined) {}', `profile parley-dev ${binary} flags=(unconfined) {\n  userns,\n}`] },
    ],
  ])('says nothing with %s', (_label, change) => {
    expect(sandboxGuidance({ ...restricted, ...change })).toBeNull();
  });

  it('a root-owned helper without the setuid bit does not count', () => {
    expect(sandboxGuidance({ ...restricted, helper: { uid: 0, mode: 0o100755 } })).not.toBeNull();
  });

  it("reads this machine's facts without failing when the files are absent", () => {
    expect(() => machineSandboxGuidance(join(tmpdir(), 'no-such-electron', 'electron'))).not.toThrow();
    expect(machineSandboxGuidance(binary, 'win32')).toBeNull();
  });
});

describe('npm run smoke (the real-Electron check for machines that have the binary)', () => {
  it('installs Electron and builds first', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.smoke).toBe('node scripts/ensure-electron.mjs && electron-vite build && node scripts/smoke.mjs');
  });

  it('without an Electron binary, fails at once and says what to run', () => {
    const dir = fakeElectron('download');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'smoke.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PARLEY_ELECTRON_DIR: dir },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('smoke: FAIL no Electron binary is installed (node_modules/electron/path.txt is missing)');
    expect(r.stderr).toContain('node scripts/ensure-electron.mjs');
    expect(installerRuns(dir)).toBe(0);
  });
});
