import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.ts';
import { NeteaseRoom } from '../../../src-renderer/src/vendors/netease/room.ts';
import { nertcDriver } from '../../../src-renderer/src/rooms/frame/drivers/nertc.ts';
import { until } from '../support/mount.ts';
import { localRoom } from '../support/rooms.ts';
import { fakeNertc } from './fake-nertc.ts';

const params = { appkey: 'app-1', channelName: 'room-1', uid: '10001', token: 'tok-1', botUid: '', captionLanguage: 'AUTO', variant: 'client' as const };

/** The room channel with the NERTC driver over nertc-web-sdk replaced at its boundary. */
function setup(opts?: Parameters<typeof fakeNertc>[0], roomParams = params) {
  const sdk = fakeNertc(opts);
  const recorded: NewEvent[] = [];
  let clock = 0;
  const open = localRoom({ nertc: nertcDriver(async () => sdk) });
  const room = new NeteaseRoom(roomParams, { record: (e) => recorded.push(...e), now: () => clock }, open);
  return { sdk, recorded, room, open, setClock: (t: number) => (clock = t) };
}
const names = (calls: { name: string }[]) => calls.map((c) => c.name);

describe('NeteaseRoom through the room channel (nertc-web-sdk replaced at its boundary)', () => {
  it('joins with appkey, channel, numeric uid and token, then publishes the microphone (captured in the frame)', async () => {
    const { sdk, room, recorded, setClock } = setup({ joinDelayMs: 100 });
    setClock(100);
    const joining = room.join();
    await until(() => names(sdk.calls).includes('join'));
    setClock(340);
    await joining;
    await room.publish({ kind: 'microphone' });
    expect(sdk.calls.find((c) => c.name === 'createClient')!.args[0]).toEqual({ appkey: 'app-1', debug: false });
    expect(sdk.calls.find((c) => c.name === 'join')!.args[0]).toEqual({ channelName: 'room-1', uid: 10001, token: 'tok-1' });
    expect(sdk.calls.find((c) => c.name === 'createStream')!.args[0]).toMatchObject({ audio: true, video: false, uid: '10001', audioSource: 'track' });
    expect(names(sdk.calls)).toEqual(expect.arrayContaining(['createStream', 'setAudioProfile', 'init', 'publish']));
    expect(recorded.find((e) => e.kind === 'metric')!.data).toMatchObject({ name: 'netease.join_ms', value: 240 });
    expect(recorded.map((e) => e.kind)).toEqual(['room.joining', 'room.joined', 'metric', 'room.publish']);
    expect(recorded.at(-1)!.data).toEqual({ source: 'microphone' });
    expect(JSON.stringify(recorded)).not.toContain('tok-1');
    await room.leave();
  });

  it('subscribes to the bot, starts captions after it joined, turns captions and ai-data into events with turn metrics', async () => {
    const { sdk, room, recorded, setClock } = setup();
    await room.join();
    sdk.fire('stream-added', { stream: sdk.remote(99) });
    await until(() => recorded.some((e) => e.kind === 'netease.captions-started'));
    expect(sdk.calls.filter((c) => ['subscribe', 'startAsrCaptions'].includes(c.name)).map((c) => c.args)).toEqual([
      [99, { audio: true, video: false }],
      ['AUTO', ''],
    ]);
    // No stream handed out: the SDK plays it itself, and the record says so.
    sdk.fire('stream-subscribed', { stream: sdk.remote(99), mediaType: 'audio' });
    await until(() => recorded.some((e) => e.kind === 'room.track' && (e.data as { change: string }).change === 'subscribed'));
    expect(recorded.find((e) => e.kind === 'room.track' && (e.data as { change: string }).change === 'subscribed')!.data).toEqual({
      participant: '99',
      change: 'subscribed',
      playback: 'sdk',
    });
    expect(names(sdk.calls)).toContain('play');
    setClock(1000);
    sdk.fire('asr-captions', [{ srcUid: 10001, timestamp: 1, language: 'zh', text: '你好', isFinal: true }]);
    await until(() => recorded.some((e) => e.kind === 'netease.caption'));
    setClock(1800);
    sdk.fire('asr-captions', [{ srcUid: 99, timestamp: 2, language: 'zh', text: '您好', isFinal: false }]);
    sdk.fire('ai-data', { type: 'state', data: '{"s":1}', uid: 99 });
    sdk.fire('asr-captions', 'garbage');
    await until(() => recorded.some((e) => e.kind === 'error'));
    const kinds = recorded.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['room.track', 'netease.captions-started', 'netease.caption', 'netease.ai-data', 'error']));
    expect(recorded.filter((e) => e.kind === 'room.track').map((e) => (e.data as { change: string }).change)).toEqual(['published', 'subscribed']);
    const turn = recorded.filter((e) => e.kind === 'metric').map((e) => e.data as { name: string; value: number });
    expect(turn).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'netease.caption_turn_ms', value: 800 })]));
    await room.leave();
  });

  it('aiManualInterrupt goes to the bot uid, twice, and leave stops captions, leaves and closes the room', async () => {
    const { sdk, room, recorded, open } = setup();
    await room.join();
    sdk.fire('stream-added', { stream: sdk.remote(77) });
    await until(() => names(sdk.calls).includes('startAsrCaptions'));
    await room.interrupt();
    await room.interrupt();
    expect(sdk.calls.filter((c) => c.name === 'aiManualInterrupt').map((c) => c.args)).toEqual([['77'], ['77']]);
    expect(recorded.filter((e) => e.kind === 'netease.interrupt').map((e) => e.summary)).toEqual(['aiManualInterrupt(77)', 'aiManualInterrupt(77)']);
    await room.leave();
    await room.leave();
    expect(names(sdk.calls)).toEqual(expect.arrayContaining(['stopAsrCaptions', 'leave', 'destroy']));
    expect(recorded.filter((e) => e.kind === 'room.left')).toHaveLength(1);
    expect(open.closed).toBe(1);
  });

  it('interrupts the configured bot uid when there is one', async () => {
    const { sdk, room } = setup(undefined, { ...params, botUid: '4242' });
    await room.join();
    await room.interrupt();
    expect(sdk.calls.find((c) => c.name === 'aiManualInterrupt')!.args).toEqual(['4242']);
    await room.leave();
  });

  it('a failing join rejects with the SDK message and the room code', async () => {
    const { room } = setup({ joinError: 'token invalid (code 403)' });
    await expect(room.join()).rejects.toMatchObject({ code: 'ROOM_JOIN', message: 'could not join the NERTC room: token invalid (code 403)' });
    await room.leave();
  });
});
