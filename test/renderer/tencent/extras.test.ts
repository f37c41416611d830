import { afterEach, describe, expect, it } from 'vitest';
import Extras from '../../../src-renderer/src/vendors/tencent/Extras.vue';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import { trtcDriver, type TrtcLike } from '../../../src-renderer/src/rooms/frame/drivers/trtc.ts';
import { localRoom } from '../support/rooms.ts';
import fixture from '../../unit/tencent/fixtures/conversation.json';
import { mount, tick, until, type Mounted } from '../support/mount.ts';
import { resetPlayers, sharedPlayer } from '../../../src-renderer/src/audio/index.ts';
import { expectDetached, expectPlaying, toneStream } from '../support/remote-audio.ts';

const USERSIG = 'eJwtzMEKgjAYB-console-user-sig';
const calls: { op: string; args: Record<string, unknown> }[] = [];
const recorded: { kind: string; dir: string; summary: string; data?: unknown }[] = [];

// window.parley as the bridge would be: only the operations these Extras use.
window.parley = {
  async invoke(op: string, args: Record<string, unknown>) {
    calls.push({ op, args });
    if (op === 'room.credential')
      return { credential: `minted-for-${args.userId}`, expiresAt: '2030-01-01T00:00:00.000Z', params: { sdkAppId: 1400000001, userId: args.userId } };
    if (op === 'room.join')
      return {
        vendor: 'tencent',
        params: { sdkAppId: 1400000001, userId: 'user_a', userSig: USERSIG, strRoomId: 'room_x', botUserId: 'bot_1', subtitleMode: 1, taskId: 'task-1' },
        sensitive: ['userSig'],
      };
    if (op === 'session.record') {
      recorded.push(...(args.events as typeof recorded));
      return { seq: recorded.length };
    }
    throw new Error(`unexpected ${op}`);
  },
  on: () => () => undefined,
} as never;

/** trtc-sdk-v5 replaced at its boundary: records calls, lets the test emit SDK events. */
class FakeTrtc implements TrtcLike {
  handlers = new Map<string, ((e: never) => void)[]>();
  entered: Record<string, unknown> | null = null;
  sent: { cmdId: number; data: ArrayBuffer }[] = [];
  published: unknown[] = [];
  destroyed = false;
  /** Remote users' audio tracks, as the SDK hands them out once subscribed. */
  tracks = new Map<string, MediaStreamTrack>();
  volumes: [string, number][] = [];
  async enterRoom(p: Record<string, unknown>) {
    this.entered = p;
  }
  async exitRoom() {}
  async startLocalAudio(c?: unknown) {
    this.published.push(c ?? 'microphone');
  }
  async stopLocalAudio() {}
  sendCustomMessage(m: { cmdId: number; data: ArrayBuffer }) {
    this.sent.push(m);
  }
  enableAudioVolumeEvaluation() {}
  getAudioTrack(userId: string) {
    return this.tracks.get(userId) ?? null;
  }
  setRemoteAudioVolume(userId: string, volume: number) {
    this.volumes.push([userId, volume]);
  }
  on(event: string, handler: (e: never) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }
  destroy() {
    this.destroyed = true;
  }
  emit(event: string, payload: unknown) {
    for (const h of this.handlers.get(event) ?? []) h(payload as never);
  }
}

type Props = Record<string, unknown>;
let m: Mounted<Props>;
afterEach(() => {
  m?.unmount();
  calls.length = 0;
  recorded.length = 0;
});

const startPayload = {
  SdkAppId: 12345678,
  RoomId: 'room_x',
  RoomIdType: 1,
  AgentConfig: { UserId: 'bot_1', UserSig: 'user_signature_example', TargetUserId: 'user_a' },
};

describe('Tencent Extras', () => {
  it('"Fill AgentConfig.UserSig" mints for AgentConfig.UserId and sets SdkAppId to the profile app', async () => {
    let updated: Record<string, unknown> | null = null;
    m = mount(Extras, {
      profileId: 'p1',
      sessionId: null,
      operation: 'StartAIConversation',
      payload: startPayload,
      'onUpdate:payload': (p: Record<string, unknown>) => (updated = p),
    });
    await tick();
    m.el.querySelector<HTMLButtonElement>('[data-test="tencent-fill-usersig"]')!.click();
    await until(() => updated !== null);
    expect(calls[0]).toEqual({ op: 'room.credential', args: { profileId: 'p1', userId: 'bot_1' } });
    expect(updated).toEqual({ ...startPayload, SdkAppId: 1400000001, AgentConfig: { ...startPayload.AgentConfig, UserSig: 'minted-for-bot_1' } });
    await until(() => !!m.el.querySelector('[data-test="tencent-usersig-status"]'));
  });

  it('joins with strRoomId, turns custom messages into subtitles, state and turn metrics, and sends the 20001 interrupt', async () => {
    const trtc = new FakeTrtc();
    m = mount(Extras, {
      profileId: 'p1',
      sessionId: 's1',
      operation: 'StartAIConversation',
      payload: startPayload,
      openRoom: localRoom({ trtc: trtcDriver(async () => trtc) }),
    });
    useSessionsStore(m.pinia).upsertSummary({
      id: 's1',
      vendor: 'tencent',
      operation: 'StartAIConversation',
      profileId: 'p1',
      target: 'sandbox',
      startedAt: new Date().toISOString(),
      endedAt: null,
      durationMs: null,
      state: 'running',
      outcome: null,
      eventCount: 3,
    });
    await tick();
    const joinButton = m.el.querySelector<HTMLButtonElement>('[data-test="tencent-join"]')!;
    expect(joinButton.disabled).toBe(false);
    joinButton.click();
    await until(() => !!m.el.querySelector('[data-test="tencent-leave"]'));
    expect(trtc.entered).toMatchObject({ sdkAppId: 1400000001, userId: 'user_a', userSig: USERSIG, strRoomId: 'room_x', role: 'anchor' });
    expect(trtc.entered).not.toHaveProperty('roomId');

    for (const { msg } of fixture)
      trtc.emit('custom-message', { userId: 'bot_1', cmdId: 1, seq: 1, data: new TextEncoder().encode(JSON.stringify(msg)).buffer });
    trtc.emit('custom-message', { userId: 'bot_1', cmdId: 1, seq: 99, data: new TextEncoder().encode('{"type":10000,').buffer });
    await until(() => (m.el.querySelector('[data-test="tencent-turns"]')?.querySelectorAll('tbody tr').length ?? 0) === 2);
    const subtitles = m.el.querySelector('[data-test="tencent-subtitles"]')!.textContent!;
    expect(subtitles).toContain('你好,很高兴认识你。');
    expect(subtitles).toContain('你好!我也很高兴认识你。');
    expect(m.el.querySelector('[data-test="tencent-bot-state"]')!.textContent).toContain('interrupted');
    const table = m.el.querySelector('[data-test="tencent-turns"]')!;
    expect(table.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(table.querySelector('tbody tr')!.textContent).toContain('420');

    m.el.querySelector<HTMLButtonElement>('[data-test="tencent-interrupt"]')!.click();
    await until(() => trtc.sent.length === 1);
    expect(trtc.sent[0]!.cmdId).toBe(2);
    expect(JSON.parse(new TextDecoder().decode(trtc.sent[0]!.data))).toMatchObject({
      type: 20001,
      sender: 'user_a',
      receiver: ['bot_1'],
      payload: { id: expect.any(String), timestamp: expect.any(Number) },
    });

    await until(() => recorded.some((e) => e.kind === 'tencent.interrupt'));
    const kinds = new Set(recorded.map((e) => e.kind));
    for (const k of ['room.joined', 'tencent.subtitle', 'tencent.state', 'tencent.metric', 'metric', 'error', 'tencent.interrupt']) expect(kinds).toContain(k);
    expect(recorded.find((e) => e.kind === 'error')!.summary).toMatch(/^tencent custom message: expected/);
    expect(calls.every((c) => c.op !== 'session.record' || c.args.sessionId === 's1')).toBe(true);
    expect(JSON.stringify(recorded)).not.toContain(USERSIG);

    m.el.querySelector<HTMLButtonElement>('[data-test="tencent-leave"]')!.click();
    await until(() => trtc.destroyed);
  });

  it("plays the bot's remote track through the shared player (live source, level, WAV), muting the SDK's own playout", async () => {
    const trtc = new FakeTrtc();
    const tone = toneStream();
    try {
      m = mount(Extras, {
        profileId: 'p1',
        sessionId: 's2',
        operation: 'StartAIConversation',
        payload: startPayload,
        openRoom: localRoom({ trtc: trtcDriver(async () => trtc) }),
      });
      useSessionsStore(m.pinia).upsertSummary({
        id: 's2',
        vendor: 'tencent',
        operation: 'StartAIConversation',
        profileId: 'p1',
        target: 'sandbox',
        startedAt: new Date().toISOString(),
        endedAt: null,
        durationMs: null,
        state: 'running',
        outcome: null,
        eventCount: 1,
      });
      await tick();
      m.el.querySelector<HTMLButtonElement>('[data-test="tencent-join"]')!.click();
      await until(() => !!m.el.querySelector('[data-test="tencent-leave"]'));
      // The event may come before the subscription completes: the track shows up a little later.
      trtc.emit('remote-audio-available', { userId: 'bot_1' });
      await new Promise((r) => setTimeout(r, 150));
      expect(trtc.volumes).toEqual([]);
      trtc.tracks.set('bot_1', tone.track);
      const player = sharedPlayer();
      await expectPlaying(player, 'tencent:bot_1', 'TRTC bot_1 (bot)');
      expect(trtc.volumes).toEqual([['bot_1', 0]]);
      trtc.emit('remote-audio-unavailable', { userId: 'bot_1' });
      await until(() => player.liveSources().length === 0);
      await expectDetached(player, 'tencent:bot_1');
      // Available again, then leaving the room detaches it too.
      trtc.emit('remote-audio-available', { userId: 'bot_1' });
      await until(() => player.liveSources().length === 1);
      m.el.querySelector<HTMLButtonElement>('[data-test="tencent-leave"]')!.click();
      await until(() => trtc.destroyed);
      await until(() => player.liveSources().length === 0);
    } finally {
      await tone.stop();
      await resetPlayers();
    }
  });
});
