// Types for build/after-pack.mjs (plain JS because electron-builder loads hooks without a TypeScript step).
import type { FuseV1Options, FuseVersion } from '@electron/fuses';

export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName: string; appInfo: { productFilename: string } };
}

export declare const FUSES: { version: FuseVersion } & Partial<Record<FuseV1Options, boolean>>;
export declare function electronBinaryPath(context: AfterPackContextLike): string;
export default function afterPack(context: AfterPackContextLike): Promise<void>;
