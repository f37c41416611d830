import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProfileStore } from '../core/profiles/store.ts';
import type { Profile } from '../core/profiles/types.ts';
import { KeychainSecretStore } from '../core/secrets/store.ts';
import { SessionManager } from '../core/session/manager.ts';
import { SessionDirectory } from '../core/session/event-store.ts';
import { SandboxHost } from '../core/sandbox/host.ts';
import { blockingErrors, findingLine, validatePayload, warningsOf } from '../core/payload.ts';
import { VENDORS, vendorById, credentialEnvName } from '../core/vendors/registry.ts';
import type { OperationOutcome, VendorDescriptor, VendorId } from '../core/vendors/types.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { CliUsageError, type CliIO } from './types.ts';

export interface CliTarget {
  target: 'sandbox' | 'live';
  profile?: string;
  /** Overrides the endpoint setting (live) or the sandbox base URL. */
  baseUrl?: string;
  settings?: Record<string, unknown>;
}

/**
 * Credentials for the CLI: from a keychain profile (`--profile`), else from PARLEY_<VENDOR>_<FIELD>,
 * else (sandbox only) the sandbox's demo credentials. Never from command-line arguments.
 */
export function cliCredentials(vendor: VendorDescriptor, io: CliIO, target: CliTarget, profile: Profile | undefined) {
  const keychain = profile ? new KeychainSecretStore() : undefined;
  return async (_p: Profile, name: string): Promise<string | undefined> => {
    if (profile && keychain) {
      const v = await keychain.get(profile.id, name);
      if (v !== null) return v;
    }
    const env = io.env[credentialEnvName(vendor.id, name)];
    if (env) return env;
    if (target.target === 'sandbox') return vendor.sandboxCredentials[name];
    return undefined;
  };
}

export function resolveProfile(vendorId: VendorId, io: CliIO, target: CliTarget): Profile {
  const vendor = vendorById(vendorId);
  if (target.profile) {
    const store = new ProfileStore(join(defaultDataDir(io.env), 'profiles.json'));
    const p = store.find(target.profile);
    if (!p) throw new CliUsageError(`--profile: no profile named "${target.profile}" in ${defaultDataDir(io.env)}`);
    if (p.vendor !== vendorId) throw new CliUsageError(`--profile: "${target.profile}" is a ${p.vendor} profile, expected ${vendorId}`);
    return { ...p, target: target.target ?? p.target, settings: { ...p.settings, ...target.settings } };
  }
  const now = new Date().toISOString();
  const settings = { ...vendor.defaultSettings(target.target), ...target.settings };
  if (target.baseUrl && target.target === 'live') settings.endpoint = target.baseUrl;
  return { id: `cli-${vendorId}`, name: `cli ${vendorId}`, vendor: vendorId, target: target.target, settings, createdAt: now, updatedAt: now };
}

export interface CliRun {
  outcome: OperationOutcome;
  sessionId: string;
  sessionFile: string;
  artifactsDir: string;
  manager: SessionManager;
}

/**
 * Run one operation the way the app does (same session engine, events and redaction), with the sandbox
 * started in-process for `--target sandbox` unless a base URL is given. `drive` may act on the session
 * while it runs (send audio, stop upload) and decides when it ends.
 */
export async function runOperation(opts: {
  vendorId: VendorId;
  operationId: string;
  payload: Record<string, unknown>;
  io: CliIO;
  target: CliTarget;
  outDir?: string;
  sendAnyway?: boolean;
  drive?: (manager: SessionManager, sessionId: string) => Promise<void>;
}): Promise<CliRun> {
  const vendor = vendorById(opts.vendorId);
  const op = vendor.operations.find((o) => o.id === opts.operationId);
  if (!op) throw new CliUsageError(`${vendor.id}: no operation "${opts.operationId}" (expected ${vendor.operations.map((o) => o.id).join(', ')})`);
  // The fidelity rule: warnings (inferred constraints, undocumented fields) are printed and the request goes out;
  // documented constraints refuse it unless --send-anyway.
  const findings = validatePayload(op, opts.payload);
  for (const w of warningsOf(findings)) opts.io.stderr(`warning: ${findingLine(w)}\n`);
  const errors = blockingErrors(findings);
  if (errors.length && !opts.sendAnyway)
    throw new CliUsageError(`payload is invalid (pass --send-anyway to send it as is):\n  ${errors.map(findingLine).join('\n  ')}`);
  for (const e of errors) opts.io.stderr(`sent anyway: ${findingLine(e)}\n`);

  const profile = resolveProfile(vendor.id, opts.io, opts.target);
  const sessionsDir = opts.outDir ? resolve(opts.io.cwd, opts.outDir) : join(defaultDataDir(opts.io.env), 'sessions');
  mkdirSync(sessionsDir, { recursive: true });
  const manager = new SessionManager(new SessionDirectory(sessionsDir), cliCredentials(vendor, opts.io, opts.target, opts.target.profile ? profile : undefined));

  let host: SandboxHost | undefined;
  let sandboxUrl: string | undefined;
  if (profile.target === 'sandbox') {
    if (opts.target.baseUrl) sandboxUrl = opts.target.baseUrl.replace(/\/$/, '');
    else {
      host = new SandboxHost();
      for (const v of VENDORS) v.mountSandbox(host);
      await host.start();
      sandboxUrl = host.vendorUrl(vendor.id);
    }
  }
  try {
    const { sessionId, done } = await manager.start({ vendor, operation: op, profile, payload: opts.payload, sandboxUrl });
    if (opts.drive && manager.isLive(sessionId)) await opts.drive(manager, sessionId);
    if (op.transport === 'room' && manager.isLive(sessionId)) {
      // No room is joined from the CLI: the control plane is the whole run.
      await waitForControlPlane(manager, sessionId);
      await manager.stop(sessionId);
    }
    const outcome = await done;
    return { outcome, sessionId, sessionFile: manager.directory.eventsFile(sessionId), artifactsDir: join(sessionsDir, sessionId), manager };
  } finally {
    await host?.close();
  }
}

async function waitForControlPlane(manager: SessionManager, sessionId: string): Promise<void> {
  for (;;) {
    if (!manager.isLive(sessionId)) return;
    const { events } = manager.events(sessionId, 0, 100000);
    if (events.some((e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function parseTarget(value: unknown): 'sandbox' | 'live' {
  if (value === undefined) return 'sandbox';
  if (value === 'sandbox' || value === 'live') return value;
  throw new CliUsageError(`--target: expected sandbox or live, got "${String(value)}"`);
}
