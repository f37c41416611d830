import { afterEach, describe, expect, it } from 'vitest';
import Extras from '../../../src-renderer/src/vendors/netease/Extras.vue';
import { nertcDriver } from '../../../src-renderer/src/rooms/frame/drivers/nertc.ts';
import { localRoom } from '../support/rooms.ts';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { MODE_EXAMPLES } from '../../../src-main/core/vendors/netease/common/schema.ts';
import { mount, until, type Mounted } from '../support/mount.ts';
import { fakeNertc } from './fake-nertc.ts';
import { playerFor, resetPlayers } from '../../../src-renderer/src/audio/index.ts';
import { expectDetached, expectPlaying, toneStream } from '../support/remote-audio.ts';

type Call = { op: string; args: Record<string, unknown> };

/** window.parley answering the few operations the Extras uses; every call is kept for assertions. */
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

const profile = {
  id: 'p1',
  name: 'NetEase sandbox',
  vendor: 'netease',
  target: 'sandbox',
  settings: { uid: '10001', vendorLabels: { ttsVendor: { '6': 'Volcengine' } } },
  createdAt: '',
  updatedAt: '',
};
let seq = 0;
const ev = (kind: string, data: unknown, dir: SessionEvent['dir'] = 'in'): SessionEvent => ({
  seq: ++seq,
  t: seq,
  at: new Date().toISOString(),
  kind,
  dir,
  summary: kind,
  data,
});
let mounted: Mounted<Record<string, unknown>> | null = null;

afterEach(() => {
  mounted?.unmount();
  mounted = null;
  localStorage.clear();
});

describe('NetEase Extras', () => {
  it('shows the mode, named vendor numbers and a live preview of the composed prompt', async () => {
    stubBridge({ 'profiles.list': () => [profile] });
    const payload = structuredClone(MODE_EXAMPLES.parameters) as { data: { llm: Record<string, unknown> } };
    mounted = mount(Extras, { profileId: 'p1', sessionId: null, operation: 'create', payload });
    await until(() => !!mounted!.el.querySelector('[data-test=netease-numbers]')?.textContent?.includes('Volcengine'));
    expect(mounted.el.querySelector('.chip.active')!.textContent).toBe('Parameters');
    expect(mounted.el.querySelector('[data-test=netease-prompt-preview]')).toBeNull();
    mounted.props.payload = {
      ...payload,
      data: { ...payload.data, llm: { ...payload.data.llm, role: 0, customPromptKeyWord: { name: '小乐' }, customPromptFormat: '角色: {{name}} / {{age}}' } },
    };
    await until(() => !!mounted!.el.querySelector('[data-test=netease-prompt-preview]'));
    const preview = mounted.el.querySelector('[data-test=netease-prompt-preview]')!;
    expect(preview.querySelector('pre')!.textContent).toBe('角色: 小乐 / {{age}}');
    expect(preview.textContent).toContain('No value for: {{age}}');
  });

  it('remembers a created task, shows code/requestId/cid/taskId, and closes it in one click', async () => {
    const calls = stubBridge({ 'profiles.list': () => [profile], 'session.start': () => ({ sessionId: 's-close' }) });
    mounted = mount(Extras, { profileId: 'p1', sessionId: 's1', operation: 'close', payload: {} });
    const sessions = useSessionsStore();
    sessions.upsertSummary({
      id: 's1',
      vendor: 'netease',
      operation: 'create',
      profileId: 'p1',
      target: 'sandbox',
      startedAt: '',
      endedAt: '',
      durationMs: 1,
      state: 'ended',
      outcome: '',
      eventCount: 1,
    });
    sessions.ingest(
      's1',
      [ev('netease.task-created', { variant: 'server', cname: 'room-9', code: 200, requestId: 'req-1', cid: 123, taskId: 'task-abc', mode: 'agent' })],
      true,
    );
    await until(() => !!mounted!.el.querySelector('[data-test=netease-task-id]'));
    const result = mounted.el.querySelector('[data-test=netease-result]')!.textContent!;
    for (const s of ['200', 'req-1', '123', 'task-abc']) expect(result).toContain(s);
    expect(mounted.el.querySelectorAll('[data-test=netease-task]')).toHaveLength(1);
    (mounted.el.querySelector('[data-test=netease-close-task]') as HTMLButtonElement).click();
    await until(() => calls.some((c) => c.op === 'session.start'));
    expect(calls.find((c) => c.op === 'session.start')!.args).toEqual({
      profileId: 'p1',
      operation: 'close',
      payload: { cname: 'room-9', taskId: 'task-abc', taskType: 7, variant: 'server' },
    });
    // A later batch (the store reuses one array per session) still reaches the Extras.
    sessions.ingest('s1', [ev('netease.task-closed', { variant: 'server', cname: 'room-9', code: 200, requestId: 'req-2', taskId: 'task-abc' })], true);
    await until(() => mounted!.el.querySelectorAll('[data-test=netease-task]').length === 0);
    expect(mounted.el.querySelector('[data-test=netease-result]')!.textContent).toContain('Close result');
  });

  it('a session opened from the history (its record loaded, not pushed) never joins its room again', async () => {
    const calls = stubBridge({
      'profiles.list': () => [{ ...profile, target: 'live' }],
      'room.join': () => ({ vendor: 'netease', params: { appkey: 'k', channelName: 'room-h', uid: '10001', token: 't' }, sensitive: ['t'] }),
      'session.send': () => ({ ok: true }),
      'session.record': () => ({ seq: 1 }),
    });
    const openRoom = localRoom({ nertc: nertcDriver(async () => fakeNertc()) });
    mounted = mount(Extras, { profileId: 'p1', sessionId: 's-hist', operation: 'create', payload: {}, openRoom });
    await until(() => !!mounted!.el.querySelector('input[value=none]'));
    (mounted.el.querySelector('input[value=none]') as HTMLInputElement).click();
    const sessions = useSessionsStore();
    sessions.upsertSummary({
      id: 's-hist',
      vendor: 'netease',
      operation: 'create',
      profileId: 'p1',
      target: 'live',
      startedAt: '',
      endedAt: null,
      durationMs: null,
      state: 'running',
      outcome: null,
      eventCount: 2,
    });
    // What loadRecord does: the recorded events, without the live flag.
    sessions.ingest('s-hist', [
      ev('netease.task-created', { variant: 'server', cname: 'room-h', code: 200, taskId: 'task-h' }),
      ev('session.control-plane-done', { variant: 'server', taskId: 'task-h' }, 'local'),
    ]);
    await until(() => !!mounted!.el.querySelector('[data-test=netease-task-id]'));
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.some((c) => c.op === 'room.join')).toBe(false);
    // Live events that come after it are acted on as usual.
    sessions.ingest('s-hist', [ev('room.awaiting-join', { cname: 'room-h' }, 'local')], true);
    await until(() => calls.some((c) => c.op === 'room.join'));
    await until(() => calls.some((c) => c.op === 'session.send'));
  });

  it('shows a vendor error with its own field name (errmsg)', async () => {
    stubBridge({ 'profiles.list': () => [profile] });
    mounted = mount(Extras, { profileId: 'p1', sessionId: 's2', operation: 'create', payload: {} });
    useSessionsStore().ingest('s2', [
      ev('error', { code: '414', message: 'CheckSum mismatch', requestId: 'req-9', details: { code: 414, errmsg: 'CheckSum mismatch' } }),
    ]);
    await until(() => !!mounted!.el.querySelector('[data-test=netease-errmsg]'));
    const card = mounted.el.querySelector('[data-test=netease-result]')!;
    expect(card.querySelector('[data-test=netease-code]')!.textContent).toBe('414');
    expect(card.textContent).toContain('errmsg');
    expect(card.textContent).toContain('req-9');
  });

  it('client API: joins the room when core waits for it, and only then reports `joined`', async () => {
    const sdk = fakeNertc({ joinDelayMs: 30 });
    const openRoom = localRoom({ nertc: nertcDriver(async () => sdk) });
    const calls = stubBridge({
      'profiles.list': () => [profile],
      'room.join': () => ({ vendor: 'netease', params: { appkey: 'k', channelName: 'room-c', uid: '10001', token: 't' }, sensitive: ['t'] }),
      'session.record': () => ({ seq: 1 }),
      'session.send': () => ({ ok: true }),
    });
    mounted = mount(Extras, { profileId: 'p1', sessionId: 's3', operation: 'create', payload: {}, openRoom });
    (mounted.el.querySelector('input[value=none]') as HTMLInputElement).click();
    useSessionsStore().ingest('s3', [ev('room.awaiting-join', { cname: 'room-c' }, 'local')], true);
    await until(() => calls.some((c) => c.op === 'session.send'));
    const joinAt = sdk.calls.findIndex((c) => c.name === 'join');
    expect(joinAt).toBeGreaterThanOrEqual(0);
    expect(calls.find((c) => c.op === 'session.send')!.args).toMatchObject({ sessionId: 's3', action: 'joined' });
    expect(mounted.el.querySelector('[data-test=netease-room-state]')!.textContent).toBe('joined');
    const recorded = calls.filter((c) => c.op === 'session.record').flatMap((c) => (c.args.events as { kind: string }[]).map((e) => e.kind));
    expect(recorded).toEqual(expect.arrayContaining(['room.joining', 'room.joined']));
  });

  it("plays the bot's subscribed NERTC stream through the shared player (live source, level, WAV) until leaving", async () => {
    const sdk = fakeNertc();
    const openRoom = localRoom({ nertc: nertcDriver(async () => sdk) });
    const tone = toneStream();
    stubBridge({
      'profiles.list': () => [profile],
      'room.join': () => ({ vendor: 'netease', params: { appkey: 'k', channelName: 'room-a', uid: '10001', token: 't' }, sensitive: ['t'] }),
      'session.record': () => ({ seq: 1 }),
    });
    try {
      mounted = mount(Extras, { profileId: 'p1', sessionId: 's4', operation: 'create', payload: {}, openRoom });
      (mounted.el.querySelector('input[value=none]') as HTMLInputElement).click();
      await until(() => !(mounted!.el.querySelector('[data-test=netease-join]') as HTMLButtonElement).disabled);
      (mounted.el.querySelector('[data-test=netease-join]') as HTMLButtonElement).click();
      await until(() => mounted!.el.querySelector('[data-test=netease-room-state]')?.textContent === 'joined');
      sdk.fire('stream-subscribed', { stream: sdk.remote(99, tone.stream), mediaType: 'audio' });
      const player = playerFor('s4');
      await expectPlaying(player, 'netease:99', 'NERTC uid 99');
      expect(sdk.calls.some((c) => c.name === 'play')).toBe(false); // not played by the SDK as well
      [...mounted.el.querySelectorAll('button')].find((b) => b.textContent === 'Leave')!.click();
      await until(() => sdk.calls.some((c) => c.name === 'leave'));
      await until(() => openRoom.closed === 1);
      await expectDetached(player, 'netease:99');
    } finally {
      await tone.stop();
      await resetPlayers();
    }
  });
});
