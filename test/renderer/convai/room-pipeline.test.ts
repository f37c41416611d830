import { afterEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.ts';
import { DataChannelPipeline } from '../../../src-renderer/src/vendors/convai/pipeline.ts';
import { joinRoom } from '../../../src-renderer/src/vendors/convai/room.ts';
import { livekitDriver, type LivekitRoom, type LivekitTrack } from '../../../src-renderer/src/rooms/frame/drivers/livekit.ts';
import { SegmentPlayer } from '../../../src-renderer/src/audio/segment-player.ts';
import { pcm16ToBytes } from '../../../src-main/core/audio/pcm.ts';
import { parseRecording } from '../../../src-main/core/vendors/convai/common/recording.ts';
import { buildClientMessage, encodeClientMessage } from '../../../src-main/core/vendors/convai/common/client-messages.ts';
import { resetPlayers, sharedPlayer } from '../../../src-renderer/src/audio/index.ts';
import { expectDetached, expectPlaying, toneStream } from '../support/remote-audio.ts';
import { until } from '../support/mount.ts';
import { localRoom } from '../support/rooms.ts';
import sequenceText from '../../../resources/convai/sequences/greeting-data-only.json?raw';
import bothText from '../../../resources/convai/sequences/text-both-wav-header.json?raw';

/** livekit-client's Room replaced at its boundary: same method names and RoomEvent strings, events fired by the test. */
function fakeRoom() {
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const calls: { name: string; args: unknown[] }[] = [];
  const room: LivekitRoom & { fire(event: string, ...args: unknown[]): void } = {
    localParticipant: {
      sid: 'PA_local1',
      identity: 'parley-user',
      publishData: async (...args: unknown[]) => void calls.push({ name: 'publishData', args }),
      publishTrack: async (...args: unknown[]) => {
        calls.push({ name: 'publishTrack', args });
        return { trackSid: undefined as never };
      },
      unpublishTrack: async (...args: unknown[]) => void calls.push({ name: 'unpublishTrack', args }),
    },
    connect: async (...args: unknown[]) => void calls.push({ name: 'connect', args }),
    disconnect: async () => void calls.push({ name: 'disconnect', args: [] }),
    on: ((event: string, fn: (...a: never[]) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), fn as (...a: unknown[]) => void]);
      return room;
    }) as LivekitRoom['on'],
    remoteParticipants: new Map(),
    fire: (event, ...args) => listeners.get(event)?.forEach((fn) => fn(...args)),
  };
  return { room, calls, open: localRoom({ livekit: livekitDriver(async () => room) }) };
}

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
let player: SegmentPlayer | null = null;
afterEach(async () => {
  await player?.close();
  player = null;
  await resetPlayers();
});
const handlersFor = (over: Partial<Parameters<typeof joinRoom>[2]> = {}): Parameters<typeof joinRoom>[2] => ({
  onData: () => undefined,
  onAudioTrack: () => undefined,
  onTrackGone: () => undefined,
  onDisconnected: () => undefined,
  onState: () => undefined,
  onParticipant: () => undefined,
  ...over,
});

describe('Convai room through the room channel (livekit-client replaced) and data-channel pipeline', () => {
  it('joins with url, token and relay policy; data messages become recorded events', async () => {
    const { room, calls, open } = fakeRoom();
    const recorded: NewEvent[] = [];
    let clock = 1000;
    const p = new DataChannelPipeline({ record: async (e) => void recorded.push(...e), now: () => clock, flushMs: 1 });
    p.roomJoinStarted();
    const joined = await joinRoom(
      open,
      { url: 'wss://x.livekit.cloud', token: 'lk-token', iceTransportPolicy: 'relay' },
      handlersFor({ onData: (payload) => p.receive(payload) }),
    );
    clock = 1300;
    p.roomJoined();
    expect(calls[0]).toEqual({ name: 'connect', args: ['wss://x.livekit.cloud', 'lk-token', { rtcConfig: { iceTransportPolicy: 'relay' } }] });
    expect(joined).toMatchObject({ localIdentity: 'parley-user', localSid: 'PA_local1' });

    clock = 1500;
    room.fire('dataReceived', enc({ label: 'rtvi-ai', type: 'bot-ready', data: { version: '0.3.0' } }), { sid: 'PA_bot', identity: 'convai-bot' });
    await until(() => p.state.botReady);
    const msg = buildClientMessage('tts-toggle', { enabled: false }, joined.localSid);
    if (!msg.ok) throw new Error(msg.error);
    await joined.publishData(encodeClientMessage(msg.message));
    p.sent(msg.message);
    clock = 1620;
    room.fire(
      'dataReceived',
      enc({ type: 'server-response', event_type: 'tts-toggle', status: 'success', message: 'TTS disabled', extras: { enabled: false } }),
    );
    room.fire('dataReceived', new TextEncoder().encode('{oops'));
    await until(() => p.state.errors === 1);
    await p.flush();

    expect(JSON.parse(new TextDecoder().decode(calls.find((c) => c.name === 'publishData')!.args[0] as Uint8Array))).toEqual({
      type: 'tts-toggle',
      data: { enabled: false },
    });
    expect(calls.find((c) => c.name === 'publishData')!.args[1]).toEqual({ reliable: true });
    expect(recorded.map((e) => e.kind)).toEqual([
      'metric',
      'convai.bot-ready',
      'metric',
      'convai.client.tts-toggle',
      'convai.server-response',
      'metric',
      'error',
    ]);
    expect(recorded.filter((e) => e.kind === 'metric').map((e) => e.data)).toEqual([
      expect.objectContaining({ name: 'convai.room_join_ms', value: 300 }),
      expect.objectContaining({ name: 'convai.bot_ready_ms', value: 200 }),
      expect.objectContaining({ name: 'convai.response_ms', value: 120 }),
    ]);
    expect(p.state.responses[0]).toMatchObject({ type: 'tts-toggle', status: 'success', latencyMs: 120 });
    expect(JSON.stringify(recorded)).not.toContain('lk-token');
    await joined.disconnect();
    expect(calls.at(-1)!.name).toBe('disconnect');
    expect(open.closed).toBe(1);
  });

  it('publishes the microphone, then a WAV file in its place, then unpublishes', async () => {
    const { calls, open } = fakeRoom();
    const joined = await joinRoom(open, { url: 'wss://x.livekit.cloud', token: 'lk-token', iceTransportPolicy: 'relay' }, handlersFor());
    await joined.setMicrophone(true);
    const wav = new Uint8Array(await (await fetch(new URL('../../../resources/utterances/hello-weather-en.wav', import.meta.url))).arrayBuffer()).buffer;
    const file = await joined.publishFile('hello.wav', wav);
    expect(file.durationS).toBeGreaterThan(0.5);
    await joined.setMicrophone(false);
    expect(calls.filter((c) => c.name !== 'connect').map((c) => [c.name, (c.args[1] as { name?: string } | undefined)?.name ?? ''])).toEqual([
      ['publishTrack', 'microphone'],
      ['unpublishTrack', ''],
      ['publishTrack', 'wav-file'],
      ['unpublishTrack', ''],
    ]);
    await joined.disconnect();
  });

  it("the character's LiveKit audio track plays through the shared player (live source, level, WAV) until unsubscribed or disconnected", async () => {
    const { room, open } = fakeRoom();
    const tone = toneStream();
    const subscribed: string[] = [];
    const gone: string[] = [];
    const disconnected: unknown[] = [];
    try {
      await joinRoom(
        open,
        { url: 'wss://x.livekit.cloud', token: 'lk-token', iceTransportPolicy: 'relay' },
        handlersFor({
          onAudioTrack: (t, who) => subscribed.push(`${who?.identity}/${t.sid}`),
          onTrackGone: (t) => gone.push(t.sid),
          onDisconnected: (r) => disconnected.push(r),
        }),
      );
      const track: LivekitTrack = { kind: 'audio' as LivekitTrack['kind'], sid: 'TR_1', mediaStreamTrack: tone.track };
      room.fire('trackSubscribed', { kind: 'video', sid: 'TR_v', mediaStreamTrack: tone.track }, {}, { sid: 'PA_bot', identity: 'convai-bot' });
      room.fire('trackSubscribed', track, {}, { sid: 'PA_bot', identity: 'convai-bot' });
      await until(() => subscribed.length === 1);
      expect(subscribed).toEqual(['convai-bot/TR_1']);
      const player = sharedPlayer();
      expect(player.liveSources().map((s) => s.id)).toEqual(['convai:TR_1']);
      await expectPlaying(player, 'convai:TR_1', 'LiveKit convai-bot');
      room.fire('trackUnsubscribed', track, {}, { sid: 'PA_bot', identity: 'convai-bot' });
      await until(() => gone.length === 1);
      expect(gone).toEqual(['TR_1']);
      await expectDetached(player, 'convai:TR_1');
      room.fire('trackSubscribed', track, {}, { sid: 'PA_bot', identity: 'convai-bot' });
      await until(() => player.liveSources().length === 1);
      room.fire('disconnected', 'client');
      await until(() => open.closed === 1);
      expect(disconnected).toEqual(['client']);
      expect(player.liveSources()).toEqual([]);
    } finally {
      await tone.stop();
    }
  });

  it('a recorded data_only sequence plays gaplessly through the shared player with transcript and turn metrics', async () => {
    player = new SegmentPlayer();
    const scheduled: { start: number; end: number }[] = [];
    const parsed = parseRecording(sequenceText);
    if (!parsed.ok) throw new Error(parsed.error);
    let clock = 0;
    const p = new DataChannelPipeline({
      now: () => clock,
      playAudio: (chunk) => {
        const s = player!.pushPcm(pcm16ToBytes(chunk.samples), { sampleRate: chunk.sampleRate, channels: chunk.channels });
        if (s) scheduled.push({ start: s.scheduledStart, end: s.scheduledEnd });
      },
    });
    for (const m of parsed.sequence.messages) {
      clock = m.t;
      p.receiveObject(m.message);
    }
    expect(p.state.errors).toBe(0);
    expect(p.state.dataAudio).toMatchObject({ sampleRate: 24000, channels: 1 });
    expect(p.state.dataAudio.seconds).toBeCloseTo(5.32, 1);
    expect(scheduled.length).toBe(p.state.dataAudio.chunks);
    for (let i = 1; i < scheduled.length; i++) expect(Math.abs(scheduled[i]!.start - scheduled[i - 1]!.end)).toBeLessThan(0.001);
    expect(player.recordedSeconds()).toBeCloseTo(p.state.dataAudio.seconds, 1);
    expect(p.state.transcript.map((l) => [l.who, l.final])).toEqual([
      ['user', true],
      ['bot', true],
    ]);
    expect(p.state.transcript[1]!.text).toContain('Tyrannosaurus');
    expect(p.state.turnLatencies).toEqual([400]);
    expect(new Set(p.state.serverMetrics.map((m) => m.kind))).toEqual(new Set(['ttfb', 'processing', 'custom']));
    expect(p.state.emotion).toBe('joy × 2');
  });

  it('WAV-headed stereo chunks (audio_routing both) are stripped and played as 16 kHz stereo', async () => {
    player = new SegmentPlayer();
    const parsed = parseRecording(bothText);
    if (!parsed.ok) throw new Error(parsed.error);
    const formats = new Set<string>();
    const p = new DataChannelPipeline({
      playAudio: (c) => {
        formats.add(`${c.sampleRate}/${c.channels}`);
        player!.pushPcm(pcm16ToBytes(c.samples), { sampleRate: c.sampleRate, channels: c.channels });
      },
    });
    for (const m of parsed.sequence.messages) p.receiveObject(m.message);
    expect([...formats]).toEqual(['16000/2']);
    expect(p.state.dataAudio.withHeader).toBe(p.state.dataAudio.chunks);
    expect(p.state.responses.map((r) => r.unmatched)).toEqual([true, true]); // nothing was sent in a replay
  });
});
