import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import type { Handlers, VendorView, SecretStatus } from './contract.ts';
import { ProfileStore } from './profiles/store.ts';
import type { Profile } from './profiles/types.ts';
import { SessionManager } from './session/manager.ts';
import { SessionDirectory } from './session/event-store.ts';
import type { SecretStore } from './secrets/store.ts';
import { lastFour, mask } from './secrets/redact.ts';
import { SandboxHost } from './sandbox/host.ts';
import { parseFault } from './sandbox/faults.ts';
import { validatePayload, validateSchema } from './payload.ts';
import { VENDORS, vendorById } from './vendors/registry.ts';
import type { OperationDescriptor, VendorDescriptor } from './vendors/types.ts';
import { resolveSecretRefs } from './secrets/references.ts';
import { createWorkflowHandlers } from './workflows/handlers.ts';
import { HistoryIndex } from './history/client.ts';

export interface CoreOptions {
  dataDir: string;
  secrets: SecretStore;
  version?: string;
  locale?: string;
  /** Start the sandbox host on this port (0: any free port). */
  sandboxPort?: number;
  /** Create one sandbox profile per vendor (with its demo credentials in the keychain) when none exist. */
  seedSandboxProfiles?: boolean;
}

export interface Core {
  handlers: Handlers;
  sessions: SessionManager;
  history: HistoryIndex;
  profiles: ProfileStore;
  sandbox(): Promise<SandboxHost>;
  close(): Promise<void>;
}

/** Sessions session.list returns, newest first (the sidebar shows a few; history.query searches them all). */
export const SESSION_LIST_LIMIT = 1000;

const MIME: Record<string, string> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.pcm': 'application/octet-stream', '.json': 'application/json' };

export function createCore(options: CoreOptions): Core {
  const profiles = new ProfileStore(join(options.dataDir, 'profiles.json'));
  const directory = new SessionDirectory(join(options.dataDir, 'sessions'));
  const secrets = options.secrets;
  const sessions = new SessionManager(directory, (profile, name) => secrets.get(profile.id, name).then((v) => v ?? undefined));
  const history = new HistoryIndex({ dataDir: options.dataDir, sessions });
  const sessionPayloads = new Map<string, { profile: Profile; vendor: VendorDescriptor; payload: Record<string, unknown>; result: unknown }>();

  let host: Promise<SandboxHost> | null = null;
  const sandboxUrls: Record<string, string> = {};
  function sandbox(): Promise<SandboxHost> {
    host ??= (async () => {
      const h = new SandboxHost();
      for (const v of VENDORS) v.mountSandbox(h);
      await h.start(options.sandboxPort ?? 0);
      for (const v of VENDORS) sandboxUrls[v.id] = h.vendorUrl(v.id);
      return h;
    })();
    return host;
  }

  async function sandboxUrlFor(profile: Profile): Promise<string | undefined> {
    if (profile.target !== 'sandbox') return undefined;
    const h = await sandbox();
    return h.vendorUrl(profile.vendor);
  }

  async function secretStatus(profile: Profile): Promise<SecretStatus[]> {
    const vendor = vendorById(profile.vendor);
    const out: SecretStatus[] = [];
    for (const field of vendor.credentials) {
      const value = await secrets.get(profile.id, field.name);
      out.push({ name: field.name, label: field.label, set: !!value, last4: value && field.secret ? lastFour(value) : value ? value.slice(-4) : '' });
    }
    return out;
  }

  /** A profile's credential from the keychain; a missing one is an error naming it. */
  function profileCredential(profile: Profile): (name: string) => Promise<string> {
    return async (name) => {
      const v = await secrets.get(profile.id, name);
      if (v === null) throw new Error(`credential ${name} is not set for profile "${profile.name}"`);
      return v;
    };
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
      for (const [name, value] of Object.entries(v.sandboxCredentials)) await secrets.set(p.id, name, value);
    }
  }
  const seeded = seed();
  // A keychain failure while seeding must not crash the process (unhandled rejection): it is reported by the calls that
  // await `seeded` (profiles.list) with its KEYCHAIN_UNAVAILABLE code, reason and fix.
  seeded.catch(() => undefined);

  const handlers: Handlers = {
    ...createWorkflowHandlers({
      dataDir: options.dataDir,
      profiles,
      secrets,
      sessions,
      history,
      sandboxUrlFor,
      app: { name: 'Parley', version: options.version ?? '0.0.0' },
      inspect: (args) => handlers['payload.inspect'](args),
    }),
    'app.info': async () => ({ name: 'Parley', version: options.version ?? '0.0.0', platform: process.platform, dataDir: options.dataDir, locale: options.locale ?? 'en' }),
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
      if (field.secret) sessions.redactor.add(value);
      return (await secretStatus(p)).find((s) => s.name === name)!;
    },
    'secrets.delete': async ({ profileId, name }) => {
      const p = profiles.get(profileId);
      await secrets.delete(p.id, name);
      return (await secretStatus(p)).find((s) => s.name === name)!;
    },
    'payload.validate': async ({ vendor, operation: opId, payload }) => validatePayload(operation(vendorById(vendor), opId), payload),
    'payload.inspect': async ({ profileId, operation: opId, payload }) => {
      const profile = profiles.get(profileId);
      const vendor = vendorById(profile.vendor);
      const op = operation(vendor, opId);
      if (!op.inspect) throw new Error(`payload.inspect: ${vendor.id} ${opId} has no signed request to inspect`);
      const credential = profileCredential(profile);
      const resolved = new Map<string, string>();
      for (const f of vendor.credentials) {
        const v = await secrets.get(profile.id, f.name);
        if (v !== null) resolved.set(f.name, v);
      }
      const inspection = await op.inspect({
        profile,
        sandboxUrl: await sandboxUrlFor(profile),
        payload: resolveSecretRefs(payload, (n) => resolved.get(n)),
        credential,
        mask,
        now: () => Date.now(),
      });
      return sessions.redactor.value(inspection);
    },
    'session.start': async ({ profileId, operation: opId, payload, sendAnyway }) => {
      const profile = profiles.get(profileId);
      const vendor = vendorById(profile.vendor);
      const op = operation(vendor, opId);
      const errors = validatePayload(op, payload);
      if (errors.length && !sendAnyway) return { errors };
      const { sessionId, done } = await sessions.start({ vendor, operation: op, profile, payload, sandboxUrl: await sandboxUrlFor(profile) });
      sessionPayloads.set(sessionId, { profile, vendor, payload, result: undefined });
      void done.then((o) => {
        const entry = sessionPayloads.get(sessionId);
        if (entry) entry.result = o.result;
      });
      return { sessionId };
    },
    'session.send': async ({ sessionId, action, data }) => sessions.send(sessionId, action, data),
    'session.stop': async ({ sessionId }) => {
      const o = await sessions.stop(sessionId);
      return o && { ok: o.ok, summary: o.summary };
    },
    // From the history index (reading every summary file would block the main process at 100,000 sessions).
    'session.list': async () => history.recent(SESSION_LIST_LIMIT),
    'session.events': async ({ sessionId, from, limit }) => sessions.events(sessionId, from, limit),
    'session.record': async ({ sessionId, events }) => ({ seq: sessions.record(sessionId, events) }),
    'session.readFile': async ({ sessionId, name }) => {
      const file = join(directory.artifactsDir(sessionId), name);
      if (!existsSync(file)) throw new Error(`session.readFile: ${sessionId} has no file "${name}"`);
      const bytes = readFileSync(file);
      return { base64: bytes.toString('base64'), mime: MIME[extname(name)] ?? 'application/octet-stream', bytes: bytes.length };
    },
    'room.join': async ({ sessionId }) => {
      const entry = sessionPayloads.get(sessionId);
      if (!entry) throw new Error(`room.join: session ${sessionId} is not running`);
      if (!entry.vendor.roomJoin) throw new Error(`room.join: ${entry.vendor.id} has no room`);
      const summary = directory.readSummary(sessionId);
      const result = entry.result ?? sessions.controlPlaneResult(sessionId) ?? summary?.result;
      return entry.vendor.roomJoin({
        profile: entry.profile,
        payload: entry.payload,
        result,
        credential: profileCredential(entry.profile),
      });
    },
    'room.credential': async ({ profileId, userId, expireSeconds }) => {
      const profile = profiles.get(profileId);
      const vendor = vendorById(profile.vendor);
      if (!vendor.mintRoomCredential) throw new Error(`room.credential: ${vendor.id} has no room credential to mint`);
      return vendor.mintRoomCredential({ profile, credential: profileCredential(profile) }, { userId, expireSeconds });
    },
    'sandbox.info': async () => {
      const h = await sandbox();
      return { baseUrl: h.baseUrl, vendors: { ...sandboxUrls } };
    },
    'sandbox.fault': async ({ vendor, fault }) => {
      (await sandbox()).setFault(vendor, parseFault(fault));
      return { ok: true };
    },
  };

  return {
    handlers,
    sessions,
    history,
    profiles,
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
    credentials: v.credentials,
    settingsSchema: v.settingsSchema,
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
    })),
  };
}
