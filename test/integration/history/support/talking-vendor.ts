import type { Profile } from '../../../../src-main/core/profiles/types.ts';
import type { SessionManager } from '../../../../src-main/core/session/manager.ts';
import type { OperationDescriptor, VendorDescriptor } from '../../../../src-main/core/vendors/types.ts';

/** What the bot says in event n (the words are searched for; n keeps every line distinct). */
export const phrase = (n: number) => `answer ${n}: the lighthouse keeper counts ${n} waves`;

/**
 * A vendor whose one socket operation answers with `phrase(n)` every `everyMs` (until stopped, or `count` answers),
 * each beside a burst of audio frames. Session ids come out as for Mindcraft.
 */
export function talkingVendor(opts: { everyMs: number; count?: number }): { vendor: VendorDescriptor; op: OperationDescriptor; profile: Profile } {
  const op: OperationDescriptor = {
    id: 'talk',
    title: { en: 'talk', zh: '说话' },
    transport: 'socket',
    schema: { type: 'object' },
    example: {},
    run: (ctx) =>
      new Promise((resolve) => {
        let n = 0;
        const timer = setInterval(() => {
          n++;
          for (let f = 0; f < 5; f++) ctx.emit({ kind: 'ws.binary', dir: 'in', summary: '3200 B PCM · turn 1', data: { bytes: 3200 } });
          ctx.emit({ kind: 'mindcraft.llm', dir: 'in', summary: `llm #${n}: ${phrase(n)}`, data: { role: 'bot', text: phrase(n) } });
          if (opts.count && n >= opts.count) done();
        }, opts.everyMs);
        const done = () => {
          clearInterval(timer);
          resolve({ ok: true, summary: `${n} answers` });
        };
        ctx.signal.addEventListener('abort', done, { once: true });
      }),
  };
  const vendor = {
    id: 'mindcraft',
    title: op.title,
    color: '#7fd36b',
    docsHosts: [],
    credentials: [],
    settingsSchema: {},
    defaultSettings: () => ({}),
    operations: [op],
    mountSandbox: () => undefined,
    sandboxCredentials: {},
  } satisfies VendorDescriptor;
  const profile: Profile = { id: 'talk-profile', name: 'Talking bot', vendor: 'mindcraft', target: 'sandbox', settings: {}, createdAt: '', updatedAt: '' };
  return { vendor, op, profile };
}

export async function startTalking(sessions: SessionManager, opts: { everyMs: number; count?: number }) {
  const { vendor, op, profile } = talkingVendor(opts);
  return sessions.start({ vendor, operation: op, profile, payload: {}, sandboxUrl: undefined });
}
