#!/usr/bin/env node
/**
 * Makes sure the Electron binary is installed before `npm start`, `npm run dev` and `npm run package`.
 *
 * electron 45 has no npm install script: its binary is downloaded the first time `require('electron')` runs, and
 * electron-vite never requires it (it reads node_modules/electron/path.txt and stops with "Electron uninstall").
 * Electron's own installer (`install-electron`, node_modules/electron/install.js) is idempotent: it returns at once
 * when the right binary is in place, otherwise it downloads it (through @electron/get and its cache) and writes
 * path.txt. This script runs it and, when the download fails, says why and what to set.
 *
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1 (CI, where no binary can be downloaded) is honoured: nothing is downloaded. Without
 * a binary `npm start` and `npm run dev` cannot run, so that is an error; with `--optional` (packaging, where
 * electron-builder fetches its own copy of Electron) it is a notice.
 *
 * On Linux it then checks that Electron's sandbox can start (Ubuntu 24.04+ AppArmor user-namespace restriction) and
 * prints the fix when it cannot (ensure-electron-sandbox.mjs); packaging skips that check, it runs no Electron.
 *
 * PARLEY_ELECTRON_DIR names the electron package to install (default: the one Node resolves from this folder); the
 * tests point it at a stand-in package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { machineSandboxGuidance } from './ensure-electron-sandbox.mjs';

const optional = process.argv.includes('--optional');

export function electronDir() {
  if (process.env.PARLEY_ELECTRON_DIR) return process.env.PARLEY_ELECTRON_DIR;
  // Resolve package.json, never the package itself: requiring `electron` would start the download unasked.
  return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
}

/** The binary path.txt points at, or null when Electron is not installed (the check electron-vite makes). */
export function installedBinary(dir) {
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** What to tell the user about a failed download, from the installer's own error output. */
function explainFailure(output, version) {
  const tail = output.trim().split('\n').filter(Boolean).slice(-6).join('\n');
  const proxyHint = 'Behind a proxy: set HTTPS_PROXY (e.g. HTTPS_PROXY=http://proxy.example:8080) and ELECTRON_GET_USE_PROXY=1, then retry.';
  const mirrorHint = 'Where GitHub is blocked or slow, download from a mirror: ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start';
  let cause;
  if (/ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|getaddrinfo/i.test(output))
    cause = 'the download host could not be reached (no network, or DNS cannot resolve it). If you are offline, connect and run the command again.';
  else if (/ETIMEDOUT|ESOCKETTIMEDOUT|timed? ?out/i.test(output)) cause = 'the download timed out (a slow network, or a firewall dropping the connection).';
  else if (/ECONNREFUSED|ECONNRESET|socket hang up/i.test(output)) cause = 'the connection was refused or reset (a proxy or firewall in the way?).';
  else if (/\b407\b|Proxy Authentication/i.test(output))
    cause = 'the proxy wants credentials: put them in HTTPS_PROXY (http://user:password@proxy.example:8080).';
  else if (/\b404\b|Not Found/i.test(output))
    cause = `Electron ${version} was not found at the download address (a mirror without this version?). Check ELECTRON_MIRROR, or unset it to use GitHub.`;
  else if (/checksum|sha256|integrity/i.test(output))
    cause =
      'the downloaded file did not match its checksum (a broken download or an intercepting proxy). Delete the Electron cache (~/.cache/electron, ~/Library/Caches/electron or %LOCALAPPDATA%\\electron\\Cache) and retry.';
  else if (/EACCES|EPERM|permission denied/i.test(output))
    cause = 'a file could not be written (permissions on node_modules/electron or the Electron cache folder).';
  else cause = 'the installer failed (its output is below).';
  return [
    `parley: could not install the Electron ${version} binary (downloaded once, about 100 MB): ${cause}`,
    proxyHint,
    mirrorHint,
    'Electron installer said:',
    tail || '(nothing)',
  ].join('\n');
}

/** Electron is in place; on Linux, say how to fix a sandbox that would not start (not when only packaging). */
function ready(binary) {
  const guidance = optional ? null : machineSandboxGuidance(binary);
  if (guidance) console.error(guidance);
  return 0;
}

function main() {
  const dir = electronDir();
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const skip = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  if (skip && skip !== '0' && skip !== 'false') {
    const installed = installedBinary(dir);
    if (installed) return ready(installed);
    if (optional) {
      console.log('parley: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary is not downloaded (electron-builder fetches its own copy).');
      return 0;
    }
    console.error(
      'parley: the Electron binary is not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not downloaded.\n' +
        'Unset ELECTRON_SKIP_BINARY_DOWNLOAD and run the command again (the binary is downloaded once, about 100 MB).',
    );
    return 1;
  }
  if (!installedBinary(dir)) console.log(`parley: installing the Electron ${version} binary (once, about 100 MB) ...`);
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (result.error || result.status !== 0) {
    console.error(explainFailure(`${result.stderr ?? ''}\n${result.error?.message ?? ''}`, version));
    return 1;
  }
  const binary = installedBinary(dir);
  if (!binary) {
    console.error(
      `parley: the Electron installer finished but ${join(dir, 'path.txt')} names no binary. Delete node_modules/electron, run \`npm install\`, then retry.`,
    );
    return 1;
  }
  return ready(binary);
}

if (import.meta.main) process.exitCode = main();
