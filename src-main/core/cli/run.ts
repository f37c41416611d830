/**
 * The CLI's side of the one session runner (workflows/session-runner.ts): where a CLI run's profile, credentials,
 * records and sandbox come from. Everything else (validation, ids, the session engine, settling the turn, redaction)
 * is the app's own code.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProfileStore } from '../profiles/store.ts';
import type { Profile } from '../profiles/types.ts';
import { KeychainSecretStore } from '../secrets/store.ts';
import { SessionManager, type CredentialSource } from '../session/manager.ts';
import { SessionDirectory } from '../session/event-store.ts';
import type { SandboxHost } from '../sandbox/host.ts';
import { startVendorSandboxes } from '../sandbox/vendors.ts';
import { blockingErrors, findingLine, warningsOf } from '../payload.ts';
import { credentialEnvName, vendorById, VENDORS } from '../vendors/registry.ts';
import type { Fault } from '../sandbox/faults.ts';
import type { OperationOutcome, VendorId } from '../vendors/types.ts';
import { vendorErrorLine } from '../events.ts';
import { defaultDataDir } from '../data-dir.ts';
import { createSessionRunner, PayloadInvalidError, type RunRequest, type SessionRunner } from '../workflows/session-runner.ts';
import type { TurnInput } from '../workflows/turn.ts';
import { CliUsageError, type CliIO } from './command.ts';

export interface CliTarget {
  target: 'sandbox' | 'live';
  profile?: string;
  /** Overrides the endpoint setting (live) or the sandbox base URL of the vendor. */
  baseUrl?: string;
  settings?: Record<string, unknown>;
}

export interface CliEnvironment {
  manager: SessionManager;
  runner: SessionRunner;
  sessionsDir: string;
  /** Where the run's credentials come from (keychain, PARLEY_<VENDOR>_<NAME>, sandbox demo values). */
  credentials: CredentialSource;
  /** Whether a profile of this name is stored on this machine. */
  hasProfile(name: string): boolean;
  /** Stop the in-process sandbox, if one was started. */
  close(): Promise<void>;
}

/** Profiles made from a vendor's defaults when no stored profile is named (never saved). */
const CLI_PROFILE_PREFIX = 'cli-';

/**
 * A CLI environment: stored profiles by name (`--profile`, keychain credentials) or one made from the vendor's
 * defaults; credentials from the keychain, else PARLEY_<VENDOR>_<NAME>, else (sandbox only) the sandbox's demo
 * values, never from arguments; records under `outDir` (default: the data folder's sessions); the sandbox started in
 * this process when a sandbox run first needs it, unless a base URL is given.
 */
export function cliEnvironment(io: CliIO, opts: { target: CliTarget; outDir?: string; fault?: Fault | null }): CliEnvironment {
  const { target } = opts;
  const store = new ProfileStore(join(defaultDataDir(io.env), 'profiles.json'));
  let keychain: KeychainSecretStore | undefined;
  const credentials: CredentialSource = async (profile, name) => {
    if (!profile.id.startsWith(CLI_PROFILE_PREFIX)) {
      keychain ??= new KeychainSecretStore();
      const v = await keychain.get(profile.id, name);
      if (v !== null) return v;
    }
    const env = io.env[credentialEnvName(profile.vendor, name)];
    if (env) return env;
    return profile.target === 'sandbox' ? vendorById(profile.vendor).sandboxCredentials[name] : undefined;
  };
  const sessionsDir = opts.outDir ? resolve(io.cwd, opts.outDir) : join(defaultDataDir(io.env), 'sessions');
  mkdirSync(sessionsDir, { recursive: true });
  const manager = new SessionManager(new SessionDirectory(sessionsDir), credentials);

  let host: Promise<SandboxHost> | undefined;
  const sandboxUrlFor = async (profile: Profile): Promise<string | undefined> => {
    if (profile.target !== 'sandbox') return undefined;
    if (target.baseUrl) return target.baseUrl.replace(/\/$/, '');
    host ??= startVendorSandboxes().then((h) => {
      // `parley run --sandbox-fault`: the fault on every vendor of this run's own sandbox.
      if (opts.fault) for (const v of VENDORS) h.setFault(v.id, opts.fault);
      return h;
    });
    const h = await host;
    await h.prepare(profile.vendor);
    return h.vendorUrl(profile.vendor);
  };

  const resolveProfile = (vendorId: VendorId, wanted: string | undefined): Profile => {
    const vendor = vendorById(vendorId);
    const name = wanted ?? target.profile;
    if (name) {
      const p = store.find(name);
      if (!p) throw new CliUsageError(`--profile: no profile named "${name}" in ${defaultDataDir(io.env)}`);
      if (p.vendor !== vendorId) throw new CliUsageError(`--profile: "${name}" is a ${p.vendor} profile, expected ${vendorId}`);
      return { ...p, target: target.target ?? p.target, settings: { ...p.settings, ...target.settings } };
    }
    const now = new Date().toISOString();
    const settings = { ...vendor.defaultSettings(target.target), ...target.settings };
    if (target.baseUrl && target.target === 'live') settings.endpoint = target.baseUrl;
    return {
      id: `${CLI_PROFILE_PREFIX}${vendorId}`,
      name: `cli ${vendorId}`,
      vendor: vendorId,
      target: target.target,
      settings,
      createdAt: now,
      updatedAt: now,
    };
  };

  return {
    manager,
    runner: createSessionRunner({ sessions: manager, resolveProfile, sandboxUrlFor }),
    sessionsDir,
    credentials,
    hasProfile: (name) => !!store.find(name),
    async close() {
      if (host) await (await host).close();
    },
  };
}

export interface CliRun {
  /** The outcome in clear, as the command prints it (the record and reports stay redacted). */
  outcome: OperationOutcome;
  sessionId: string;
  sessionFile: string;
  artifactsDir: string;
  manager: SessionManager;
  /** Why the turn could not be completed, when it could not. */
  driveError?: string;
}

/**
 * One vendor command's run, the way the app runs it: warnings printed, documented errors refused unless
 * --send-anyway, the session taken to its end (the input's turn for a socket, the control plane for a room the CLI
 * does not join).
 */
export async function runOperation(opts: {
  vendorId: VendorId;
  operationId: string;
  payload: Record<string, unknown>;
  io: CliIO;
  target: CliTarget;
  outDir?: string;
  sendAnyway?: boolean;
  input?: TurnInput;
  turnTimeoutMs?: number;
  /** The command takes the session to its end itself (RunRequest.drive). */
  drive?: RunRequest['drive'];
}): Promise<CliRun> {
  const env = cliEnvironment(opts.io, { target: opts.target, outDir: opts.outDir });
  const req: RunRequest = {
    vendor: opts.vendorId,
    operation: opts.operationId,
    payload: opts.payload,
    profile: opts.target.profile,
    target: opts.target.target,
    input: opts.input,
    turnTimeoutMs: opts.turnTimeoutMs,
    drive: opts.drive,
    sendAnyway: opts.sendAnyway,
    // The fidelity rule: warnings (inferred constraints, undocumented fields) are printed and the request goes out.
    onFindings: (findings) => {
      for (const w of warningsOf(findings)) opts.io.stderr(`warning: ${findingLine(w)}\n`);
      if (opts.sendAnyway) for (const e of blockingErrors(findings)) opts.io.stderr(`sent anyway: ${findingLine(e)}\n`);
    },
  };
  try {
    const r = await env.runner(req);
    return {
      outcome: r.outcomeWithSecrets,
      sessionId: r.sessionId,
      sessionFile: env.manager.directory.eventsFile(r.sessionId),
      artifactsDir: join(env.sessionsDir, r.sessionId),
      manager: env.manager,
      driveError: r.driveError,
    };
  } catch (err) {
    if (err instanceof PayloadInvalidError)
      throw new CliUsageError(`payload is invalid (pass --send-anyway to send it as is):\n  ${blockingErrors(err.findings).map(findingLine).join('\n  ')}`);
    if ((err as { code?: unknown }).code === 'BAD_ARGUMENTS') throw new CliUsageError((err as Error).message);
    throw err;
  } finally {
    await env.close();
  }
}

/** `--base-url`: an http(s) URL (a socket vendor also takes ws(s)://), or a usage error saying what was expected. */
export function parseBaseUrl(value: string | undefined, opts: { socket?: boolean } = {}): string | undefined {
  if (value === undefined) return undefined;
  if (opts.socket ? /^(wss?|https?):\/\/\S+$/.test(value) : /^https?:\/\/\S+$/.test(value)) return value;
  throw new CliUsageError(
    opts.socket
      ? `--base-url: expected a ws(s):// socket URL (live) or the sandbox http:// base URL, got "${value}"`
      : `--base-url: expected an http(s) URL, got "${value}"`,
  );
}

/** A credential the signing helpers read from PARLEY_<VENDOR>_<NAME> (credentialEnvName: named once, in the registry). */
export function envCredential(io: CliIO, vendor: VendorId, name: string): string {
  const variable = credentialEnvName(vendor, name);
  const value = io.env[variable];
  if (!value) throw new CliUsageError(`${variable} is not set (credentials are read from the environment, never from arguments)`);
  return value;
}

/** Why a run failed, in one line: the vendor's code, message and request id, else the outcome's summary. */
export function failureLine(outcome: OperationOutcome): string {
  return outcome.error ? vendorErrorLine(outcome.error) : outcome.summary;
}

export function parseTarget(value: unknown): 'sandbox' | 'live' {
  if (value === undefined) return 'sandbox';
  if (value === 'sandbox' || value === 'live') return value;
  throw new CliUsageError(`--target: expected sandbox or live, got "${String(value)}"`);
}
