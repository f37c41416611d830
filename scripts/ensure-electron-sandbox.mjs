/**
 * Linux: will Electron's sandbox start here? Ubuntu 24.04 and later restrict unprivileged user namespaces through
 * AppArmor (kernel.apparmor_restrict_unprivileged_userns = 1). Chromium's sandbox then needs either an AppArmor profile
 * for the binary (the deb installs one) or the setuid chrome-sandbox helper; without both, Electron aborts at start
 * with a bare "The SUID sandbox helper binary was found, but is not configured correctly" before any of Parley's code
 * runs. scripts/ensure-electron.mjs prints this guidance before `npm start` / `npm run dev` instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const USERNS_RESTRICTION = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns';
export const APPARMOR_PROFILES = '/etc/apparmor.d';

/**
 * The guidance to print, or null when the sandbox can start: not Linux, no restriction, a setuid-root helper, or an
 * AppArmor profile naming the binary (types: ensure-electron-sandbox.d.mts).
 */
export function sandboxGuidance(facts) {
  if (facts.platform !== 'linux' || facts.restriction?.trim() !== '1') return null;
  if (facts.helper && facts.helper.uid === 0 && (facts.helper.mode & 0o4000) !== 0) return null;
  if (facts.profiles.some((text) => text.includes(facts.electronBinary))) return null;
  const helper = join(facts.electronBinary, '..', 'chrome-sandbox');
  return [
    'parley: this Linux restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1, Ubuntu 24.04 and later),',
    "so Electron's sandbox cannot start from node_modules and the app would stop with a sandbox error. Fix it one of these ways:",
    `  - let the development binary use its setuid sandbox helper: sudo chown root:root ${helper} && sudo chmod 4755 ${helper}`,
    '  - or give it an AppArmor profile, /etc/apparmor.d/parley-dev:',
    '        abi <abi/4.0>,',
    '        include <tunables/global>',
    `        profile parley-dev ${facts.electronBinary} flags=(unconfined) {`,
    '          userns,',
    '        }',
    '    then load it: sudo apparmor_parser -r /etc/apparmor.d/parley-dev',
    '  - or lift the restriction until the next reboot: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
    'The installed .deb needs none of this (it brings its own AppArmor profile); the AppImage needs the profile or the sysctl.',
  ].join('\n');
}

/** The same facts read from this machine. */
export function machineSandboxGuidance(electronBinary, platform = process.platform) {
  if (platform !== 'linux') return null;
  const read = (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };
  let helper = null;
  try {
    const s = statSync(join(electronBinary, '..', 'chrome-sandbox'));
    helper = { uid: s.uid, mode: s.mode };
  } catch {
    // no helper: only a profile or the sysctl can help
  }
  let profiles = [];
  try {
    profiles = readdirSync(APPARMOR_PROFILES, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => read(join(APPARMOR_PROFILES, d.name)) ?? '');
  } catch {
    // no AppArmor profiles folder
  }
  return sandboxGuidance({ platform, restriction: read(USERNS_RESTRICTION), helper, profiles, electronBinary });
}
