// Types for scripts/ensure-electron-sandbox.mjs (plain JS: it runs before anything is built).
export declare const USERNS_RESTRICTION: string;
export declare const APPARMOR_PROFILES: string;

export interface SandboxFacts {
  platform: string;
  /** The content of /proc/sys/kernel/apparmor_restrict_unprivileged_userns, null when absent. */
  restriction: string | null;
  /** chrome-sandbox next to the binary, null when absent. */
  helper: { uid: number; mode: number } | null;
  /** The text of each AppArmor profile file. */
  profiles: string[];
  electronBinary: string;
}

export declare function sandboxGuidance(facts: SandboxFacts): string | null;
export declare function machineSandboxGuidance(electronBinary: string, platform?: string): string | null;
