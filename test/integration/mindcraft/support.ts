import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { OperationOutcome } from '../../../src-main/core/vendors/types.ts';
import { mindcraft } from '../../../src-main/core/vendors/mindcraft/index.ts';
import { CHAT_BOT_V3_EXAMPLE } from '../../../src-main/core/vendors/mindcraft/common/schema.ts';

export const op = mindcraft.operations.find((o) => o.id === 'chat_bot_v3')!;

/** The doc example minus its session token (a new conversation), which is what the panel starts from. */
export function payload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { session_token: _t, ...rest } = CHAT_BOT_V3_EXAMPLE;
  return { ...rest, ...extra };
}

export interface Rig {
  host: SandboxHost;
  manager: SessionManager;
  dir: string;
  credentials: Record<string, string>;
  start(
    p: Record<string, unknown>,
    settings?: Record<string, unknown>,
    timeouts?: Profile['timeouts'],
  ): Promise<{ id: string; done: Promise<OperationOutcome> }>;
  events(id: string): SessionEvent[];
  /** The NDJSON record as written on disk. */
  record(id: string): string;
  waitFor(id: string, pred: (e: SessionEvent) => boolean, ms?: number): Promise<SessionEvent>;
  close(): Promise<void>;
}

export async function rig(credentials: Record<string, string> = { ...mindcraft.sandboxCredentials }): Promise<Rig> {
  const host = new SandboxHost();
  mindcraft.mountSandbox(host);
  await host.start();
  const dir = mkdtempSync(join(tmpdir(), 'parley-mindcraft-'));
  const manager = new SessionManager(new SessionDirectory(dir), async (_p, name) => credentials[name]);
  const self: Rig = {
    host,
    manager,
    dir,
    credentials,
    async start(p, settings = {}, timeouts) {
      const profile: Profile = {
        id: 'mc-test',
        name: 'mindcraft test',
        vendor: 'mindcraft',
        target: 'sandbox',
        settings: { ...mindcraft.defaultSettings('sandbox'), ...settings },
        timeouts,
        createdAt: '',
        updatedAt: '',
      };
      const { sessionId, done } = await manager.start({ vendor: mindcraft, operation: op, profile, payload: p, sandboxUrl: host.vendorUrl('mindcraft') });
      return { id: sessionId, done };
    },
    events: (id) => manager.events(id, 0, 100000).events,
    record: (id) => readFileSync(manager.directory.eventsFile(id), 'utf8'),
    async waitFor(id, pred, ms = 10000) {
      const until = Date.now() + ms;
      for (;;) {
        const hit = self.events(id).find(pred);
        if (hit) return hit;
        if (Date.now() > until)
          throw new Error(
            `timed out waiting for an event; got kinds: ${self
              .events(id)
              .map((e) => e.kind)
              .join(', ')}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await manager.stopAll();
      await host.close();
    },
  };
  return self;
}
