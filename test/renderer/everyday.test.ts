import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createPinia } from 'pinia';
import ProfileDialog from '../../src-renderer/src/components/ProfileDialog.vue';
import ErrorBanner from '../../src-renderer/src/components/ui/ErrorBanner.vue';
import { existingPlayer, playerFor, resetPlayers } from '../../src-renderer/src/audio/index.ts';
import { encodeFloatWav } from '../../src-renderer/src/audio/wav.ts';
import { useErrorsStore } from '../../src-renderer/src/stores/errors.ts';
import { useProfilesStore } from '../../src-renderer/src/stores/profiles.ts';
import { useSessionsStore } from '../../src-renderer/src/stores/sessions.ts';
import { useTasksStore } from '../../src-renderer/src/stores/tasks.ts';
import { useVendorsStore } from '../../src-renderer/src/stores/vendors.ts';
import type { VendorView } from '../../src-main/core/contract.ts';
import type { SessionEvent } from '../../src-main/core/events.ts';
import { mount, setInput, until, type Mounted } from './support/mount.ts';

type Call = { op: string; args: Record<string, unknown> };
function stubBridge(answers: Record<string, (args: Record<string, unknown>) => unknown>): Call[] {
  const calls: Call[] = [];
  window.parley = {
    invoke: (async (op: string, args: Record<string, unknown>) => {
      calls.push({ op, args });
      const answer = answers[op];
      if (!answer) throw new Error(`unexpected ${op}`);
      return answer(args);
    }) as never,
    on: () => () => undefined,
  };
  return calls;
}

const VENDOR: VendorView = {
  id: 'tencent',
  title: { en: 'Tencent TRTC AI Conversation', zh: '腾讯云 TRTC AI 对话' },
  color: '#4f8ff7',
  credentials: [
    { name: 'SECRET_KEY', label: { en: 'SecretKey', zh: 'SecretKey' }, secret: true },
    { name: 'SDK_APP_ID', label: { en: 'TRTC SDKAppID', zh: 'TRTC SDKAppID' }, secret: false },
  ],
  settingsSchema: {
    type: 'object',
    properties: {
      region: { type: 'string', title: { en: 'Region', zh: '地域' }, default: 'ap-guangzhou' },
      nested: { type: 'object', properties: { a: { type: 'string' } } },
    },
  },
  defaultSettings: { sandbox: { region: 'ap-guangzhou' }, live: { region: 'ap-guangzhou' } },
  operations: [],
  hasRoom: true,
};

let mounted: Mounted<Record<string, unknown>> | null = null;
afterEach(async () => {
  mounted?.unmount();
  mounted = null;
  localStorage.clear();
  await resetPlayers();
});

describe('profile dialog', () => {
  function setup() {
    const status = [
      { name: 'SECRET_KEY', label: VENDOR.credentials[0]!.label, set: true, last4: 'ab12', demo: true },
      { name: 'SDK_APP_ID', label: VENDOR.credentials[1]!.label, set: true, last4: '0000', publicValue: '1400000000', demo: true },
    ];
    return stubBridge({
      'secrets.status': () => status,
      'profiles.save': (a) => ({ ...(a.profile as object), id: 'p1', createdAt: '', updatedAt: '' }),
      'secrets.set': (a) => ({ name: a.name, label: { en: '', zh: '' }, set: true, last4: String(a.value).slice(-4), demo: false }),
    });
  }
  function mountFor(profileId: string | null) {
    const pinia = createPinia();
    useVendorsStore(pinia).setVendors([VENDOR]);
    // The store's list is reactive: its nested settings are proxies (structuredClone refuses them).
    useProfilesStore(pinia).list = [
      {
        id: 'p1',
        name: 'Tencent TRTC AI Conversation sandbox',
        vendor: 'tencent',
        target: 'sandbox',
        settings: { region: 'ap-guangzhou', nested: { a: 'x' } },
        createdAt: '',
        updatedAt: '',
      } as never,
    ];
    mounted = mount(ProfileDialog, { profileId, vendor: 'tencent' }, { pinia });
    return mounted;
  }

  it('edits an existing profile (its settings come from the reactive store), twice', async () => {
    const calls = setup();
    for (const name of ['renamed once', 'renamed twice']) {
      mounted?.unmount();
      mounted = mountFor('p1');
      await until(() => !!mounted!.el.querySelector('[data-test="profile-name"]'));
      setInput(mounted.el.querySelector('[data-test="profile-name"]'), name);
      await nextTick();
      (mounted.el.querySelector('[data-test="profile-save"]') as HTMLButtonElement).click();
      await until(() => calls.filter((c) => c.op === 'profiles.save').length > 0 && calls.at(-1)!.op === 'secrets.status');
      expect(calls.findLast((c) => c.op === 'profiles.save')!.args.profile).toMatchObject({
        id: 'p1',
        name,
        settings: { region: 'ap-guangzhou', nested: { a: 'x' } },
      });
    }
    expect(useErrorsStore(mounted!.pinia).shown).toEqual([]);
  });

  it('saves a typed, unconfirmed credential with Save; a non-secret id is shown as it is; a demo value on live warns', async () => {
    const calls = setup();
    const m = mountFor('p1');
    await until(() => m.el.querySelector('[data-test="credential-SDK_APP_ID"] [data-test="secret-status"]')?.textContent === '1400000000');
    expect(m.el.querySelector<HTMLInputElement>('[data-test="secret-input-SECRET_KEY"]')!.type).toBe('password');
    expect(m.el.querySelector<HTMLInputElement>('[data-test="secret-input-SDK_APP_ID"]')!.type).toBe('text');
    (m.el.querySelector('[data-test="profile-target-live"]') as HTMLInputElement).click();
    await until(() => !!m.el.querySelector('[data-test="demo-warning"]'));
    setInput(m.el.querySelector('[data-test="secret-input-SECRET_KEY"]'), 'my-own-secret-9876');
    await nextTick();
    (m.el.querySelector('[data-test="profile-save"]') as HTMLButtonElement).click();
    await until(() => calls.some((c) => c.op === 'secrets.set'));
    expect(calls.filter((c) => c.op === 'secrets.set').map((c) => c.args)).toEqual([{ profileId: 'p1', name: 'SECRET_KEY', value: 'my-own-secret-9876' }]);
    expect(calls.find((c) => c.op === 'profiles.save')!.args.profile).toMatchObject({ target: 'live', name: 'Tencent TRTC AI Conversation sandbox' });
  });

  it('Esc asks before discarding typed input, a second Esc keeps editing', async () => {
    setup();
    const m = mountFor(null);
    setInput(m.el.querySelector('[data-test="profile-name"]'), 'half typed');
    await nextTick();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await until(() => !!m.el.querySelector('[data-test="discard-confirm"]'));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await until(() => !m.el.querySelector('[data-test="discard-confirm"]'));
    expect(m.el.querySelector<HTMLInputElement>('[data-test="profile-name"]')!.value).toBe('half typed');
  });
});

describe('player state belongs to a session', () => {
  const segment = (rate: number) => encodeFloatWav([Float32Array.from({ length: Math.round(rate * 0.2) }, (_, i) => 0.3 * Math.sin(i / 5))], rate);

  it('each session has its own player: the second one starts from order 0, nothing late, both recorded', async () => {
    for (const id of ['session-a', 'session-b']) {
      const player = playerFor(id);
      const rate = player.context.sampleRate;
      const timings = await Promise.all([0, 1, 2].map((order) => player.enqueue({ id: `${id}-${order}`, order, bytes: segment(rate) })));
      expect(timings.map((t) => t.status)).not.toContain('late');
      expect(
        player.timings.every((t) => t.scheduledStart !== null),
        id,
      ).toBe(true);
      expect(player.recordedSeconds()).toBeGreaterThan(0.5);
    }
    expect(playerFor('session-a')).not.toBe(playerFor('session-b'));
    expect(playerFor('session-a').context).toBe(playerFor('session-b').context);
    expect(existingPlayer('never-played')).toBeNull();
  });
});

describe('error banner and open tasks', () => {
  it('shows an unhandled error until dismissed', async () => {
    mounted = mount(ErrorBanner, {});
    const errors = useErrorsStore(mounted.pinia);
    errors.report(new Error('boom'), 'test');
    errors.report(new Error('boom'), 'test');
    await until(() => mounted!.el.querySelectorAll('[data-test="error-item"]').length === 1);
    expect(mounted.el.textContent).toContain('boom');
    (mounted.el.querySelector('[data-test="error-dismiss"]') as HTMLButtonElement).click();
    await until(() => !mounted!.el.querySelector('[data-test="error-banner"]'));
  });

  it('follows tasks opened and closed as they happen (not records loaded from the history)', async () => {
    mounted = mount(ErrorBanner, {});
    const sessions = useSessionsStore(mounted.pinia);
    const tasks = useTasksStore(mounted.pinia);
    let seq = 0;
    const ev = (kind: string, data: unknown): SessionEvent => ({ seq: ++seq, t: seq, at: new Date().toISOString(), kind, dir: 'in', summary: kind, data });
    sessions.upsertSummary({
      id: 's1',
      vendor: 'tencent',
      operation: 'StartAIConversation',
      profileId: 'p1',
      target: 'sandbox',
      startedAt: '',
      endedAt: null,
      durationMs: null,
      state: 'running',
      outcome: null,
      eventCount: 0,
    });
    sessions.ingest('s1', [ev('session.start', { payload: { RoomId: 'room-1' } }), ev('tencent.StartAIConversation', { TaskId: 't-1' })], true);
    expect(tasks.forProfile('p1')).toMatchObject([{ vendor: 'tencent', taskId: 't-1', room: 'room-1', sessionId: 's1' }]);
    sessions.ingest('s1', [ev('tencent.StopAIConversation', { RequestId: 'r' })], true);
    expect(tasks.forProfile('p1')).toEqual([]);
    // A record loaded from the history is shown, not followed: its old task does not come back.
    sessions.ingest('s-old', [ev('tencent.StartAIConversation', { TaskId: 't-old' })]);
    expect(tasks.open).toEqual([]);
  });
});
