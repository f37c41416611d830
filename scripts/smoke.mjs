#!/usr/bin/env node
/**
 * npm run smoke: the real app in the real Electron, for a developer laptop or a CI runner that has an Electron binary
 * (the test suite replaces the `electron` module because none can be installed on the CI machine). It starts the
 * built app on a temporary data folder with a keychain service of its own, checks through the real preload that
 * app.info and profiles.list answer, opens each vendor's panel, and fails on any renderer console error (a CSP
 * violation is one), uncaught page error or failed check. Exit code 0 or 1; one line per check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { electronDir, installedBinary } from './ensure-electron.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const VENDORS = ['convai', 'mindcraft', 'netease', 'tencent'];
const STEP_MS = 30_000;

function fail(message) {
  console.error(`smoke: FAIL ${message}`);
  process.exitCode = 1;
}

async function main() {
  const binary = installedBinary(electronDir());
  if (!binary) {
    fail(
      'no Electron binary is installed (node_modules/electron/path.txt is missing). Run `node scripts/ensure-electron.mjs` on a machine that can download Electron, then `npm run smoke` again.',
    );
    return;
  }
  const { _electron } = await import('playwright-core');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-smoke-'));
  const keychainService = `parley-smoke-${process.pid}`;
  const problems = [];
  const env = { ...process.env, PARLEY_DATA_DIR: dataDir, PARLEY_KEYCHAIN_SERVICE: keychainService };
  delete env.ELECTRON_RENDERER_URL;
  const app = await _electron.launch({ executablePath: binary, args: [join(ROOT, 'out', 'main', 'index.js')], env, timeout: STEP_MS });
  try {
    const page = await app.firstWindow({ timeout: STEP_MS });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.waitForLoadState('load');

    const info = await page.evaluate(() => window.parley.invoke('app.info', {}));
    if (info?.name !== 'Parley' || info.dataDir !== dataDir) problems.push(`app.info answered ${JSON.stringify(info)}, expected Parley on ${dataDir}`);
    else console.log(`smoke: ok app.info (Parley ${info.version}, ${info.platform})`);

    const profiles = await page
      .evaluate(() => window.parley.invoke('profiles.list', {}))
      .catch((e) => problems.push(`profiles.list failed: ${e.code}: ${e.message}`));
    if (Array.isArray(profiles)) {
      const vendors = [...new Set(profiles.map((p) => p.vendor))].sort();
      if (vendors.join() !== VENDORS.join()) problems.push(`profiles.list answered vendors ${vendors.join(', ')}, expected one sandbox profile per vendor`);
      else console.log(`smoke: ok profiles.list (${profiles.length} profiles)`);
      for (const vendor of VENDORS) {
        const profile = profiles.find((p) => p.vendor === vendor);
        if (!profile) continue;
        await page.locator(`[data-test=profile-item][data-profile="${profile.id}"]`).click({ timeout: STEP_MS });
        await page.locator('[data-test=operation]').waitFor({ timeout: STEP_MS });
        console.log(`smoke: ok ${vendor} panel`);
      }
    }
  } catch (err) {
    problems.push(`the app did not get through the checks: ${err.message}`);
  } finally {
    await app.close().catch(() => undefined);
    await forgetKeychainService(keychainService);
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const p of problems) fail(p);
  if (!problems.length) console.log('smoke: PASS');
}

/** The sandbox profiles' demo credentials were seeded under `service`: remove them. */
async function forgetKeychainService(service) {
  try {
    const { AsyncEntry, findCredentialsAsync } = await import('@napi-rs/keyring');
    for (const c of await findCredentialsAsync(service)) await new AsyncEntry(service, c.account, { linux: { store: 'secret-service' } }).deletePassword();
  } catch (err) {
    console.error(`smoke: could not remove the keychain entries of service ${service}: ${err.message}`);
  }
}

await main();
