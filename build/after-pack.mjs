// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is signed.
// The six fuses the security baseline names (DESIGN.md §4) are verified after writing, so a packaging run can never
// ship a binary where one of them silently kept Electron's default.
import { join } from 'node:path';
import { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion, FuseState } from '@electron/fuses';
import { Arch } from 'electron-builder';

export const FUSES = {
  version: FuseVersion.V1,
  // No `ELECTRON_RUN_AS_NODE=1 Parley ...`: the app binary cannot be used as a general Node.js runtime.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and web storage on disk are encrypted with the OS keychain-protected key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS and --inspect/--inspect-brk cannot inject code or a debugger into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app.asar is checked against the hash electron-builder embeds, and code loads only from it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The renderer is served from app://parley/, so file:// keeps no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The file @electron/fuses patches, per platform (it resolves the framework binary inside a .app itself). */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  const binary = electronBinaryPath(context);
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // Flipping fuses invalidates the ad-hoc signature of an arm64 macOS binary; reset it (real signing comes later).
  const arm64 = context.arch === Arch.arm64 || context.arch === Arch.universal;
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: isMac && arm64 });
  const wire = await getCurrentFuseWire(binary);
  for (const [option, wanted] of Object.entries(FUSES)) {
    if (option === 'version') continue;
    const expected = wanted ? FuseState.ENABLE : FuseState.DISABLE;
    if (wire[option] !== expected) throw new Error(`afterPack: fuse ${FuseV1Options[option]} is ${wire[option]} in ${binary}, expected ${expected}`);
  }
}
