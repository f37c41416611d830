import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, extname } from 'node:path';
import { OP_NAMES, type Handlers, type OpName, type VendorView, type SecretStatus } from './contract.ts';
import { ProfileStore } from './profiles/store.ts';
import type { Profile } from './profiles/types.ts';
import { SessionManager } from './session/manager.ts';
import { SessionDirectory } from './session/event-store.ts';
import type { SecretStore } from './secrets/store.ts';
import { lastFour, mask, Redactor } from './secrets/redact.ts';
import type { SandboxHost } from './sandbox/host.ts';
import { startVendorSandboxes } from './sandbox/vendors.ts';
import { parseFault } from './sandbox/faults.ts';
import { validatePayload, validateSchema } from './payload.ts';
import { VENDORS, vendorById } from './vendors/registry.ts';
import type { OperationDescriptor, RequestInspection, VendorDescriptor } from './vendors/types.ts';
import { resolveSecretRefs } from './secrets/references.ts';
import { createWorkflowHandlers } from './workflows/handlers.ts';
import { createSessionRunner, pickProfile } from './workflows/session-runner.ts';
import { createScenarioHandlers } from './scenarios/handlers.ts';
import { HistoryIndex } from './history/client.ts';
import { Grants, type FileDialog } from './grants.ts';
import { Notices } from './notices.ts';
import { fsErrorText, MiB, readRegularFile } from './paths.ts';
import { resourcePath } from './resources.ts';
import { readSpeechFile, speechStore } from './workflows/input.ts';
import { turnAgents } from './workflows/turn-agent.ts';
import type { RoomCredential, RoomJoinInfo } from './vendors/types.ts';
import type { BuiltInRoomJoinInfo } from './vendors/registry.ts';

export interface CoreOptions {
  dataDir: string;
  secrets: SecretStore;
  version?: string;
  locale?: string;
  /** Start the sandbox host on this port (0: any free port). */
  sandboxPort?: number;
  /** Create one sandbox profile per vendor (with its demo credentials in the keychain) when none exist. */
  seedSandboxProfiles?: boolean;
  /**
   * The native open/save dialog behind dialog.open / dialog.save (Electron's in the app, a queue in the E2E harness).
   * Without one those operations answer NO_DIALOG: the CLI takes paths as arguments.
   */
  dialog?: FileDialog;
}

export interface Core {
  /** The contract's handlers, each behind the core's guard (secrets known first, results and errors redacted). */
  handlers: Handlers;
  sessions: SessionManager;
  history: HistoryIndex;
  profiles: ProfileStore;
  /** Paths the user chose in a dialog: what the renderer may use. */
  grants: Grants;
  notices: Notices;
  sandbox(): Promise<SandboxHost>;
  close(): Promise<void>;
}

/** Sessions session.list returns, newest first (the sidebar shows a few; history.query searches them all). */
export const SESSION_LIST_LIMIT = 1000;

const MIME: Record<string, string> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.pcm': 'application/octet-stream', '.json': 'application/json' };
/** A session artifact handed to the renderer whole (audio of a session): larger ones are not session audio. */
const MAX_ARTIFACT_BYTES = 64 * MiB;
/** An error message longer than this is cut: it goes to a status line, and may echo a huge argument. */
const MAX_ERROR_CHARS = 2000;
const ROOM_OPS = new Set<OpName>(['room.join', 'room.credential']);

/**
 * The error a caller sees: secrets redacted, file-system errors in words (naming the file, not the folder around
 * it), programming errors marked INTERNAL, and nothing longer than MAX_ERROR_CHARS.
 */
function publicError(op: string, err: unknown, redact: (text: string) => string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const errno = e as NodeJS.ErrnoException;
  if (typeof errno.syscall === 'string' && typeof errno.code === 'string') {
    e.message = `${op}: ${errno.path ? `${basename(errno.path)}: ` : ''}${fsErrorText(errno.code)}`;
    errno.code = errno.code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_REFUSED';
  } else if (!(e as { code?: unknown }).code && (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError)) {
    Object.assign(e, { code: 'INTERNAL' });
    e.message = `${op}: Parley could not process this request (${e.message})`;
  }
  const text = redact(e.message);
  e.message = text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
  return e;
}

export function createCore(options: CoreOptions): Core {
  mkdirSync(options.dataDir, { recursive: true });
  const notices = new Notices();
  const profiles = new ProfileStore(join(options.dataDir, 'profiles.json'), notices);
  const directory = new SessionDirectory(join(options.dataDir, 'sessions'), notices);
  const grants = new Grants({ dataDir: options.dataDir, resources: { speechWav: [resourcePath('utterances')] }, notices });
  const speech = speechStore({ dataDir: options.dataDir, access: (path, field) => grants.resolve('speechWav', path, field) });
  const secrets = options.secrets;
  const sessions = new SessionManager(directory, (profile, name) => secrets.get(profile.id, name).then((v) => v ?? undefined));
  const history = new HistoryIndex({ dataDir: options.dataDir, sessions, notices });

  /** Every secret credential stored for any profile, by `<profileId>/<name>`: redacted from every result and error. */
  const stored = new Map<string, string>();
  const learned = new Set<string>();
  const learn = (profileId: string, name: string, value: string) => {
    stored.set(`${profileId}/${name}`, value);
    sessions.redactor.add(value);
  };
  /** After a keychain failure, the next attempt waits this long (a locked keychain is not asked on every audio frame). */
  const KEYCHAIN_RETRY_MS = 5000;
  let keychainRetryAt = 0;
  /** Load the stored secrets of profiles not seen yet, before any handler runs (so the first inspect is redacted too). */
  async function learnStoredSecrets(): Promise<void> {
    await seeded.catch(() => undefined);
    if (Date.now() < keychainRetryAt) return;
    try {
      await learnNewProfiles();
    } catch (err) {
      // The operations that need the keychain report it themselves (KEYCHAIN_UNAVAILABLE with the fix).
      keychainRetryAt = Date.now() + KEYCHAIN_RETRY_MS;
      throw err;
    }
  }
  async function learnNewProfiles(): Promise<void> {
    for (const p of profiles.list()) {
      if (learned.has(p.id)) continue;
      for (const field of vendorById(p.vendor).credentials) {
        if (!field.secret) continue;
        const value = await secrets.get(p.id, field.name);
        if (value) learn(p.id, field.name, value);
      }
      learned.add(p.id);
    }
  }

  /**
   * Room credentials are the one secret the renderer gets (design: minted or fetched per join). They must not carry a
   * stored secret other than themselves: a LiveKit token minted with end_user_id = {{secret:API_KEY}} holds the key in
   * its base64 claims, and is refused rather than handed over.
   */
  function checkRoomResult(op: string, result: RoomJoinInfo<string, object> | RoomCredential): void {
    const own = new Set('sensitive' in result ? result.sensitive : [result.credential]);
    const check = new Redactor();
    for (const v of stored.values()) if (!own.has(v)) check.add(v);
    if (check.contains(JSON.stringify(result)))
      throw Object.assign(
        new Error(
          `${op}: the room credential would carry a stored secret (a {{secret:NAME}} reference in a field the vendor copies into it, such as end_user_id or a user id): refusing to hand it over; put an ordinary value in that field`,
        ),
        { code: 'SECRET_FOUND' },
      );
  }
  /** What room.join needs of a session started here, kept while it runs (and no longer: no slow growth). */
  const sessionPayloads = new Map<string, { profile: Profile; vendor: VendorDescriptor; payload: Record<string, unknown> }>();

  let host: Promise<SandboxHost> | null = null;
  const sandboxUrls: Record<string, string> = {};
  function sandbox(): Promise<SandboxHost> {
    host ??= (async () => {
      const h = await startVendorSandboxes(options.sandboxPort ?? 0);
      for (const v of VENDORS) sandboxUrls[v.id] = h.vendorUrl(v.id);
      return h;
    })();
    return host;
  }

  async function sandboxUrlFor(profile: Profile): Promise<string | undefined> {
    if (profile.target !== 'sandbox') return undefined;
    const h = await sandbox();
    await h.prepare(profile.vendor);
    return h.vendorUrl(profile.vendor);
  }

  async function secretStatus(profile: Profile): Promise<SecretStatus[]> {
    const vendor = vendorById(profile.vendor);
    const out: SecretStatus[] = [];
    for (const field of vendor.credentials) {
      const value = await secrets.get(profile.id, field.name);
      out.push({
        name: field.name,
        label: field.label,
        set: !!value,
        last4: value && field.secret ? lastFour(value) : value ? value.slice(-4) : '',
        // A non-secret id (an app id, an AppKey) is shown as it is; a secret never is.
        ...(value && !field.secret ? { publicValue: value } : {}),
        demo: !!value && value === vendor.sandboxCredentials[field.name],
      });
    }
    return out;
  }

  /** A profile's credentials from the keychain, read once the way the session engine reads them for a session. */
  async function profileCredential(profile: Profile): Promise<(name: string) => Promise<string>> {
    const resolved = await sessions.credentialsFor(profile, vendorById(profile.vendor));
    return async (name) => resolved.get(name);
  }

  function operation(vendor: VendorDescriptor, id: string): OperationDescriptor {
    const op = vendor.operations.find((o) => o.id === id);
    if (!op) throw new Error(`operation: ${vendor.id} has no operation "${id}" (expected one of ${vendor.operations.map((o) => o.id).join(', ')})`);
    return op;
  }

  async function seed(): Promise<void> {
    if (!options.seedSandboxProfiles) return;
    const existing = profiles.list();
    for (const v of VENDORS) {
      if (existing.some((p) => p.vendor === v.id)) continue;
      const p = profiles.upsert({ name: `${v.title.en} sandbox`, vendor: v.id, target: 'sandbox', settings: v.defaultSettings('sandbox') });
      for (const [name, value] of Object.entries(v.sandboxCredentials)) {
        await secrets.set(p.id, name, value);
        if (v.credentials.find((c) => c.name === name)?.secret) learn(p.id, name, value);
      }
    }
  }
  const seeded = seed();
  // A keychain failure while seeding must not crash the process (unhandled rejection): it is reported by the calls that
  // await `seeded` (profiles.list) with its KEYCHAIN_UNAVAILABLE code, reason and fix.
  seeded.catch(() => undefined);

  /**
   * Build and sign a request without sending it, secrets masked. With keepReferences the payload's {{secret:NAME}}
   * references stay in the body (copy as code turns them into environment variables) instead of being resolved.
   */
  async function inspect(
    { profileId, operation: opId, payload }: { profileId: string; operation: string; payload: Record<string, unknown> },
    options: { keepReferences: boolean },
  ): Promise<RequestInspection> {
    const profile = profiles.get(profileId);
    const vendor = vendorById(profile.vendor);
    const op = operation(vendor, opId);
    if (!op.inspect) throw new Error(`payload.inspect: ${vendor.id} ${opId} has no signed request to inspect`);
    const resolved = await sessions.credentialsFor(profile, vendor);
    const inspection = await op.inspect({
      profile,
      sandboxUrl: await sandboxUrlFor(profile),
      payload: options.keepReferences ? payload : resolveSecretRefs(payload, (n) => resolved.values.get(n)),
      credential: async (name) => resolved.get(name),
      mask,
      now: () => Date.now(),
    });
    return sessions.redactor.value(inspection);
  }

  const runner = createSessionRunner({
    sessions,
    sandboxUrlFor,
    resolveProfile: (vendor, wanted, target) => pickProfile(profiles.list(), vendor, wanted, target),
  });

  const locale = options.locale ?? 'en';
  const workflowDeps = {
    dataDir: options.dataDir,
    profiles,
    secrets,
    sessions,
    history,
    runner,
    app: { name: 'Parley', version: options.version ?? '0.0.0' },
    inspect: (args: { profileId: string; operation: string; payload: Record<string, unknown> }) => inspect(args, { keepReferences: true }),
    grants,
    speech,
    notices,
  };
  const raw: Handlers = {
    ...createWorkflowHandlers(workflowDeps),
    ...createScenarioHandlers(workflowDeps),
    'app.info': async () => ({ name: 'Parley', version: options.version ?? '0.0.0', platform: process.platform, dataDir: options.dataDir, locale }),
    'app.notices': async () => notices.list(),
    'app.dismissNotice': async ({ id }) => {
      notices.dismiss(id);
      return { ok: true };
    },
    'dialog.open': async ({ purpose }) => {
      if (!options.dialog)
        throw Object.assign(new Error('dialog.open: this process has no file dialog (the CLI takes paths as arguments)'), { code: 'NO_DIALOG' });
      const chosen = await options.dialog.open({ purpose, locale });
      if (chosen === null) return { path: null };
      const path = grants.grant(purpose, chosen);
      if (purpose === 'speechWav') readSpeechFile(path, basename(path));
      return { path };
    },
    'dialog.save': async ({ purpose, defaultName }) => {
      if (!options.dialog)
        throw Object.assign(new Error('dialog.save: this process has no file dialog (the CLI takes paths as arguments)'), { code: 'NO_DIALOG' });
      const chosen = await options.dialog.save({ purpose, locale, defaultName: defaultName || 'repro.parley-bundle.json' });
      return { path: chosen === null ? null : grants.grant(purpose, chosen) };
    },
    'vendors.list': async () => VENDORS.map(viewOf),
    'profiles.list': async () => {
      await seeded;
      return profiles.list();
    },
    'profiles.save': async ({ profile }) => {
      const vendor = vendorById(profile.vendor);
      const settings = { ...vendor.defaultSettings(profile.target), ...(profile.settings ?? {}) };
      const errors = validateSchema(vendor.settingsSchema, settings);
      if (errors.length) throw new Error(`profile settings: ${errors.map((e) => e.message).join('; ')}`);
      return profiles.upsert({ ...profile, settings } as Profile);
    },
    'profiles.delete': async ({ id }) => {
      const p = profiles.get(id);
      for (const field of vendorById(p.vendor).credentials) await secrets.delete(p.id, field.name).catch(() => undefined);
      profiles.remove(id);
      return { ok: true };
    },
    'secrets.status': async ({ profileId }) => secretStatus(profiles.get(profileId)),
    'secrets.set': async ({ profileId, name, value }) => {
      const p = profiles.get(profileId);
      const field = vendorById(p.vendor).credentials.find((c) => c.name === name);
      if (!field) throw new Error(`secrets.set: ${p.vendor} has no credential "${name}"`);
      await secrets.set(p.id, name, value);
      if (field.secret) learn(p.id, name, value);
      return (await secretStatus(p)).find((s) => s.name === name)!;
    },
    'secrets.delete': async ({ profileId, name }) => {
      const p = profiles.get(profileId);
      if (!vendorById(p.vendor).credentials.some((c) => c.name === name)) throw new Error(`secrets.delete: ${p.vendor} has no credential "${name}"`);
      await secrets.delete(p.id, name);
      return (await secretStatus(p)).find((s) => s.name === name)!;
    },
    'payload.validate': async ({ vendor, operation: opId, payload }) => validatePayload(operation(vendorById(vendor), opId), payload),
    'payload.inspect': (args) => inspect(args, { keepReferences: false }),
    'session.start': async ({ profileId, operation: opId, payload, sendAnyway }) => {
      const profile = profiles.get(profileId);
      // Refused only for documented constraints (errors); the findings come back whole, warnings included.
      const s = await runner.start({ vendor: profile.vendor, operation: opId, payload, profile: profile.id, sendAnyway });
      if (!s.started) return { errors: s.findings };
      sessionPayloads.set(s.sessionId, { profile, vendor: s.vendor, payload });
      void s.done.finally(() => sessionPayloads.delete(s.sessionId)).catch(() => undefined);
      return { sessionId: s.sessionId };
    },
    'session.send': async ({ sessionId, action, data }) => {
      // A path in action data names a speech WAV (Mindcraft send_wav): it must be one the user chose, and the vendor
      // gets its checked bytes, never the path.
      if (data && typeof data === 'object' && 'path' in data) {
        const { path, ...rest } = data as Record<string, unknown>;
        if (typeof path !== 'string')
          throw Object.assign(new Error('session.send: data.path: expected the path of a WAV file chosen with "Choose…"'), { code: 'BAD_ARGUMENTS' });
        const bytes = readSpeechFile(grants.resolve('speechWav', path, 'data.path'), 'data.path');
        return sessions.send(sessionId, action, { ...rest, base64: bytes.toString('base64') });
      }
      return sessions.send(sessionId, action, data);
    },
    'session.stop': async ({ sessionId, closeTask }) => {
      const o = await sessions.stop(sessionId, { closeTask });
      return o && { ok: o.ok, summary: o.summary };
    },
    // From the history index (reading every summary file would block the main process at 100,000 sessions).
    'session.list': async () => history.recent(SESSION_LIST_LIMIT),
    'session.events': async ({ sessionId, from, limit }) => sessions.events(sessionId, from, limit),
    'session.record': async ({ sessionId, events }) => ({ seq: sessions.record(sessionId, events) }),
    'session.readFile': async ({ sessionId, name }) => {
      const file = directory.artifactFile(sessionId, name);
      if (!existsSync(file)) throw Object.assign(new Error(`session.readFile: ${sessionId} has no file "${name}"`), { code: 'NOT_FOUND' });
      const bytes = readRegularFile(file, MAX_ARTIFACT_BYTES, name);
      return { base64: bytes.toString('base64'), mime: MIME[extname(name)] ?? 'application/octet-stream', bytes: bytes.length };
    },
    'agent.ready': async () => {
      turnAgents(sessions).markReady();
      return { ok: true as const };
    },
    'agent.claim': async ({ sessionId, turnId }) => turnAgents(sessions).claim(sessionId, turnId),
    'agent.finish': async ({ sessionId, turnId, result, error }) => {
      turnAgents(sessions).finish(sessionId, turnId, { result, error });
      return { ok: true as const };
    },
    'room.join': async ({ sessionId }) => {
      // Sessions the panels started, and those a runner started (compare, cases: the turn agent joins those).
      const entry = sessionPayloads.get(sessionId) ?? sessions.startRequest(sessionId);
      if (!entry || !sessions.isLive(sessionId)) throw Object.assign(new Error(`room.join: session ${sessionId} is not running`), { code: 'NOT_RUNNING' });
      if (!entry.vendor.roomJoin) throw new Error(`room.join: ${entry.vendor.id} has no room`);
      const summary = directory.readSummary(sessionId);
      const result = sessions.controlPlaneResult(sessionId) ?? summary?.result;
      const info = await entry.vendor.roomJoin({
        profile: entry.profile,
        payload: entry.payload,
        result,
        credential: await profileCredential(entry.profile),
        sandboxUrl: await sandboxUrlFor(entry.profile),
      });
      checkRoomResult('room.join', info);
      // The descriptor registered under this id is the one whose join type the contract lists (registry.ts: one per id).
      return info as BuiltInRoomJoinInfo;
    },
    'room.credential': async ({ profileId, userId, expireSeconds }) => {
      const profile = profiles.get(profileId);
      const vendor = vendorById(profile.vendor);
      if (!vendor.mintRoomCredential) throw new Error(`room.credential: ${vendor.id} has no room credential to mint`);
      const minted = await vendor.mintRoomCredential({ profile, credential: await profileCredential(profile) }, { userId, expireSeconds });
      checkRoomResult('room.credential', minted);
      return minted;
    },
    'sandbox.info': async () => {
      const h = await sandbox();
      return { baseUrl: h.baseUrl, vendors: { ...sandboxUrls } };
    },
    'sandbox.fault': async ({ vendor, fault }) => {
      vendorById(vendor);
      (await sandbox()).setFault(vendor, parseFault(fault));
      return { ok: true };
    },
  };

  /**
   * Every handler behind one guard: the stored secrets are known before it runs, its result is scrubbed of every
   * secret value in every encoding (room credentials excepted, checked above), its error made public (publicError).
   */
  const handlers = {} as Record<OpName, (args: unknown) => Promise<unknown>>;
  for (const name of OP_NAMES) {
    const handler = raw[name] as (args: unknown) => Promise<unknown>;
    handlers[name] = async (args) => {
      await learnStoredSecrets().catch(() => undefined);
      try {
        const result = await handler(args);
        return ROOM_OPS.has(name) ? result : sessions.redactor.scrub(result);
      } catch (err) {
        throw publicError(name, err, (t) => sessions.redactor.text(t));
      }
    };
  }

  return {
    handlers: handlers as unknown as Handlers,
    sessions,
    history,
    profiles,
    grants,
    notices,
    sandbox,
    async close() {
      await sessions.stopAll();
      await history.close();
      if (host) await (await host).close();
    },
  };
}

export function viewOf(v: VendorDescriptor): VendorView {
  return {
    id: v.id,
    title: v.title,
    color: v.color,
    credentials: v.credentials,
    settingsSchema: v.settingsSchema,
    defaultSettings: { sandbox: v.defaultSettings('sandbox'), live: v.defaultSettings('live') },
    hasRoom: !!v.roomJoin,
    operations: v.operations.map((o) => ({
      id: o.id,
      title: o.title,
      description: o.description,
      transport: o.transport,
      schema: o.schema,
      example: o.example,
      actions: o.actions,
      inspectable: !!o.inspect,
      closesTask: !!o.closeTask,
    })),
  };
}
