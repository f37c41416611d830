import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.ts';
import { NeteaseRoom } from '../../../src-renderer/src/vendors/netease/room.ts';
import { fakeNertc } from './fake-nertc.ts';

const params = { appkey: 'app-1', channelName: 'room-1', uid: '10001', token: 'tok-1', botUid: '', captionLanguage: 'AUTO' };

function setup(opts?: Parameters<typeof fakeNertc>[0]) {
  const sdk = fakeNertc(opts);
  const recorded: NewEvent[] = [];
  let clock = 0;
  const room = new NeteaseRoom(sdk, params, { record: (e) => recorded.push(...e), onAudio: () => undefined, now: () => clock });
  return { sdk, recorded, room, setClock: (t: number) => (clock = t) };
}

describe('NeteaseRoom (nertc-web-sdk replaced at its boundary)', () => {
  it('joins with appkey, channel, numeric uid and token, then publishes the microphone', async () => {
    const { sdk, room, recorded, setClock } = setup();
    setClock(100);
    const joining = room.join();
    setClock(340);
    await joining;
    await room.publish({ kind: 'mic' });
    expect(sdk.calls.find((c) => c.name === 'createClient')!.args[0]).toEqual({ appkey: 'app-1', debug: false });
    expect(sdk.calls.find((c) => c.name === 'join')!.args[0]).toEqual({ channelName: 'room-1', uid: 10001, token: 'tok-1' });
    expect(sdk.calls.map((c) => c.name)).toEqual(expect.arrayContaining(['createStream', 'setAudioProfile', 'init', 'publish']));
    expect(recorded.find((e) => e.kind === 'metric')!.data).toMatchObject({ name: 'netease.join_ms', value: 240 });
    expect(recorded.map((e) => e.kind)).toEqual(['room.joining', 'room.joined', 'metric', 'room.published']);
    expect(JSON.stringify(recorded)).not.toContain('tok-1');
  });

  it('subscribes to the bot, starts captions after it joined, turns captions and ai-data into events with turn metrics', async () => {
    const { sdk, room, recorded, setClock } = setup();
    await room.join();
    sdk.fire('stream-added', { stream: sdk.remote(99) });
    await new Promise((r) => setTimeout(r, 10));
    expect(sdk.calls.filter((c) => ['subscribe', 'startAsrCaptions'].includes(c.name)).map((c) => c.args)).toEqual([[99, { audio: true, video: false }], ['AUTO', '']]);
    sdk.fire('stream-subscribed', { stream: sdk.remote(99), mediaType: 'audio' });
    expect(sdk.calls.some((c) => c.name === 'play')).toBe(true);
    setClock(1000);
    sdk.fire('asr-captions', [{ srcUid: 10001, timestamp: 1, language: 'zh', text: '你好', isFinal: true }]);
    setClock(1800);
    sdk.fire('asr-captions', [{ srcUid: 99, timestamp: 2, language: 'zh', text: '您好', isFinal: false }]);
    sdk.fire('ai-data', { type: 'state', data: '{"s":1}', uid: 99 });
    sdk.fire('asr-captions', 'garbage');
    const kinds = recorded.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['room.stream-added', 'netease.captions-started', 'room.audio', 'netease.caption', 'netease.ai-data', 'error']));
    const turn = recorded.filter((e) => e.kind === 'metric').map((e) => e.data as { name: string; value: number });
    expect(turn).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'netease.caption_turn_ms', value: 800 })]));
  });

  it('aiManualInterrupt goes to the bot uid, and leave stops captions and leaves', async () => {
    const { sdk, room, recorded } = setup();
    await room.join();
    sdk.fire('stream-added', { stream: sdk.remote(77) });
    await new Promise((r) => setTimeout(r, 10));
    room.interrupt();
    expect(sdk.calls.find((c) => c.name === 'aiManualInterrupt')!.args).toEqual(['77']);
    await room.leave();
    expect(sdk.calls.map((c) => c.name)).toEqual(expect.arrayContaining(['stopAsrCaptions', 'leave', 'destroy']));
    expect(recorded.at(-1)!.kind).toBe('room.left');
  });

  it('a failing join rejects with the SDK message', async () => {
    const { room } = setup({ joinError: 'token invalid (code 403)' });
    await expect(room.join()).rejects.toThrow('token invalid (code 403)');
  });
});
