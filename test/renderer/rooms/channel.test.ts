import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeFloatWav } from '../../../src-renderer/src/audio/wav.ts';
import { serveRoom } from '../../../src-renderer/src/rooms/frame/server.ts';
import type { DriverContext, DriverFactory } from '../../../src-renderer/src/rooms/frame/driver.ts';
import { parseFrameMessage, type RoomEvent } from '../../../src-renderer/src/rooms/protocol.ts';
import { openRoomFrame, RoomSession } from '../../../src-renderer/src/rooms/session.ts';
import { sharedPlayerRef } from '../../../src-renderer/src/audio/index.ts';
import { until } from '../support/mount.ts';
import { localRoom } from '../support/rooms.ts';

/** A driver that records what the room asks of it; `context` lets the test play the SDK's side. */
function recordingDriver() {
  const calls: { op: string; args: unknown[] }[] = [];
  let context: DriverContext | null = null;
  const factory: DriverFactory = (ctx) => {
    context = ctx;
    return {
      join: async (params) => (calls.push({ op: 'join', args: [params] }), { localId: 'me' }),
      publish: async (track, source) => void calls.push({ op: 'publish', args: [track.kind, source] }),
      unpublish: async () => void calls.push({ op: 'unpublish', args: [] }),
      send: async (data, channel) => void calls.push({ op: 'send', args: [Array.from(data), channel] }),
      interrupt: async (target) => (calls.push({ op: 'interrupt', args: [target] }), { sent: { to: target } }),
      leave: async () => void calls.push({ op: 'leave', args: [] }),
    };
  };
  return { calls, factory, context: () => context! };
}

/** The frame's server on one end of a channel, and the raw other end: what any page could post. */
function rawFrame(factory: DriverFactory) {
  const channel = new MessageChannel();
  const server = serveRoom(channel.port2, factory);
  const replies: unknown[] = [];
  channel.port1.onmessage = (e) => replies.push(e.data);
  let id = 0;
  return {
    async send(raw: unknown, withId = true): Promise<unknown> {
      const before = replies.length;
      channel.port1.postMessage(withId ? { id: ++id, ...(raw as object) } : raw);
      await until(() => replies.length > before);
      return (replies.at(-1) as { reply: unknown }).reply;
    },
    close: () => server.close(),
  };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await sharedPlayerRef.value?.close();
  sharedPlayerRef.value = null;
});

describe('the room frame refuses what it does not understand, with the reason', () => {
  it.each([
    [{ op: 'hack', args: {} }, 'room request: unknown operation "hack"'],
    [{ op: 'join', args: { params: 'x' } }, 'join.params: expected an object'],
    [{ op: 'join' }, 'join: expected an arguments object'],
    [{ op: 'publish', args: { source: { kind: 'camera' } } }, 'publish.source: expected {kind: "microphone"} or {kind: "file", name, bytes}'],
    [{ op: 'publish', args: { source: { kind: 'file', name: 'a.wav', bytes: 'AAAA' } } }, 'publish.source: a file needs its name and bytes (ArrayBuffer)'],
    [{ op: 'send', args: { data: [1, 2, 3] } }, 'send.data: expected bytes (Uint8Array)'],
    [{ op: 'send', args: { data: new Uint8Array(1), channel: 1.5 } }, 'send.channel: expected an integer'],
    [{ op: 'interrupt', args: { target: 42 } }, 'interrupt.target: expected a string'],
  ])('%j', async (request, message) => {
    const frame = rawFrame(recordingDriver().factory);
    expect(await frame.send(request)).toMatchObject({ ok: false, error: { name: 'RoomError', code: 'BAD_ARGUMENTS', message } });
    frame.close();
  });

  it('ignores a message without an id (nothing to answer), then still serves', async () => {
    const driver = recordingDriver();
    const frame = rawFrame(driver.factory);
    const answer = frame.send({ op: 'join', args: { params: { url: 'wss://x.livekit.cloud', token: 't' } } });
    await frame.send('garbage', false).catch(() => undefined);
    expect(await answer).toMatchObject({ ok: true, result: { localId: 'me' } });
    frame.close();
  });

  it('checks the join parameters in the driver, naming the field', async () => {
    const open = localRoom({
      livekit: (await import('../../../src-renderer/src/rooms/frame/drivers/livekit.ts')).livekitDriver(async () => {
        throw new Error('the SDK must not be loaded for bad parameters');
      }),
    });
    const session = await open({ vendor: 'convai', sdk: 'livekit' });
    await expect(session.join({ url: '', token: 't' })).rejects.toEqual({
      name: 'RoomError',
      code: 'BAD_ARGUMENTS',
      message: 'join.params.url: expected a non-empty string, got ""',
    });
    await expect(session.join({ url: 'wss://x', token: 7 })).rejects.toMatchObject({ message: 'join.params.token: expected a non-empty string, got 7' });
    await session.close();
  });
});

describe('room visits', () => {
  it('one join per frame, nothing before joining, and leave twice', async () => {
    const driver = recordingDriver();
    const session = await localRoom({ livekit: driver.factory })({ vendor: 'convai', sdk: 'livekit' });
    await expect(session.send(new Uint8Array([1]))).rejects.toMatchObject({ code: 'NOT_JOINED' });
    expect(await session.join({ url: 'u' })).toEqual({ localId: 'me' });
    await expect(session.join({})).rejects.toMatchObject({ code: 'ALREADY_JOINED' });
    await session.send(new Uint8Array([7, 8]), 3);
    expect(await session.interrupt('bot')).toEqual({ sent: { to: 'bot' } });
    await session.close();
    await session.close();
    expect(driver.calls.map((c) => c.op)).toEqual(['join', 'send', 'interrupt', 'leave']);
    expect(driver.calls[1]!.args).toEqual([[7, 8], 3]);
    await expect(session.interrupt()).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
  });

  it('a denied microphone publishes nothing and says how to allow it, every time', async () => {
    const denied = vi.spyOn(navigator.mediaDevices, 'getUserMedia').mockRejectedValue(new DOMException('Permission denied', 'NotAllowedError'));
    const driver = recordingDriver();
    const session = await localRoom({ livekit: driver.factory })({ vendor: 'convai', sdk: 'livekit' });
    await session.join({});
    for (let i = 0; i < 2; i++) {
      const err = await session.publish({ kind: 'microphone' }).then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
      expect(err).toMatchObject({ code: 'MICROPHONE_DENIED' });
      expect(err!.message).toMatch(
        /^Microphone access is denied, so nothing was sent\. Allow Parley to use the microphone \(macOS: System Settings → Privacy & Security → Microphone/,
      );
    }
    expect(denied).toHaveBeenCalledTimes(2);
    expect(driver.calls.map((c) => c.op)).toEqual(['join']);
    await session.close();
  });

  it('no microphone at all is its own message', async () => {
    vi.spyOn(navigator.mediaDevices, 'getUserMedia').mockRejectedValue(new DOMException('Requested device not found', 'NotFoundError'));
    const session = await localRoom({ livekit: recordingDriver().factory })({ vendor: 'convai', sdk: 'livekit' });
    await session.join({});
    await expect(session.publish({ kind: 'microphone' })).rejects.toMatchObject({
      code: 'MICROPHONE_MISSING',
      message: expect.stringContaining('No microphone was found'),
    });
    await session.close();
  });

  it('publishes the (fake) microphone, then a WAV file that reports its end, then refuses bytes that are not audio', async () => {
    const driver = recordingDriver();
    const session = await localRoom({ livekit: driver.factory })({ vendor: 'convai', sdk: 'livekit' });
    const events: RoomEvent[] = [];
    session.on((e) => events.push(e));
    await session.join({});
    expect(await session.publish({ kind: 'microphone' })).toEqual({ durationS: null });
    const tone = new Float32Array(4800).map((_, i) => Math.sin(i / 8) * 0.3);
    const wav = encodeFloatWav([tone], 48000);
    const published = await session.publish({ kind: 'file', name: 'tone.wav', bytes: wav });
    expect(published.durationS).toBeCloseTo(0.1, 2);
    await until(() => events.some((e) => e.type === 'publish-ended'));
    await expect(session.publish({ kind: 'file', name: 'notes.txt', bytes: new TextEncoder().encode('hello').buffer })).rejects.toMatchObject({
      code: 'BAD_AUDIO_FILE',
      message: expect.stringMatching(/^notes\.txt: the file is not audio Chromium can decode/),
    });
    expect(driver.calls.map((c) => c.args)).toEqual([[{}], ['audio', 'microphone'], ['audio', 'file']]);
    await session.close();
  });

  it('remote audio read in the frame plays in the page’s player until the track goes', async () => {
    const driver = recordingDriver();
    const session = await localRoom({ livekit: driver.factory })({ vendor: 'convai', sdk: 'livekit' });
    const events: RoomEvent[] = [];
    session.on((e) => events.push(e));
    await session.join({});
    const context = new AudioContext();
    const osc = context.createOscillator();
    const dest = context.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    try {
      driver.context().remoteAudio('TR_9', 'bot', 'LiveKit bot', dest.stream.getAudioTracks()[0]!);
      const player = (await import('../../../src-renderer/src/audio/index.ts')).sharedPlayer();
      await until(() => player.liveSources().some((s) => s.id === 'convai:TR_9' && s.level > 0.05), 4000);
      expect(events.filter((e) => e.type === 'track')).toEqual([
        { type: 'track', change: 'subscribed', trackId: 'TR_9', participant: 'bot', label: 'LiveKit bot' },
      ]);
      // PCM stays inside the session: listeners see the track events, not the audio frames.
      expect(events.some((e) => e.type === 'audio')).toBe(false);
      driver.context().remoteAudioGone('TR_9');
      await until(() => player.liveSources().length === 0);
    } finally {
      osc.stop();
      await context.close();
      await session.close();
    }
  });
});

describe('the page checks what the frame sends (it runs closed-source code)', () => {
  it.each([
    [{ type: 'event', event: { type: 'audio', trackId: 't', sampleRate: 48000, samples: [0.1, 0.2] } }],
    [{ type: 'event', event: { type: 'audio', trackId: 't', sampleRate: 1e9, samples: new Float32Array(4) } }],
    [{ type: 'event', event: { type: 'message', name: 'x'.repeat(5000) } }],
    [{ type: 'event', event: { type: 'participant', change: 'exploded', id: 'a' } }],
    [{ type: 'event', event: { type: 'nonsense' } }],
    [{ type: 'reply', reply: { id: 'one', ok: true } }],
    [{ type: 'reply', reply: { id: 1, ok: false, error: 'boom' } }],
    ['a string'],
  ])('drops %j', (raw) => {
    expect(parseFrameMessage(raw)).toBeNull();
  });

  it('a session ignores malformed frame messages and keeps the well-formed ones', async () => {
    const channel = new MessageChannel();
    const session = new RoomSession(channel.port1, () => undefined, { leaveTimeoutMs: 10 });
    const events: RoomEvent[] = [];
    session.on((e) => events.push(e));
    channel.port2.postMessage({ type: 'event', event: { type: 'level', participant: 'bot', level: 'loud' } });
    channel.port2.postMessage({ type: 'event', event: { type: 'level', participant: 'bot', level: 42 } });
    await until(() => events.length === 1);
    expect(events).toEqual([{ type: 'level', participant: 'bot', level: 42 }]);
    await session.close();
  });

  it('a frame that stops answering is closed anyway, and what was pending fails instead of waiting forever', async () => {
    const channel = new MessageChannel();
    let disposed = 0;
    const session = new RoomSession(channel.port1, () => disposed++, { leaveTimeoutMs: 50 });
    const joining = session.join({});
    await session.close();
    await expect(joining).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
    expect(disposed).toBe(1);
  });
});

describe('openRoomFrame', () => {
  it('refuses to open outside a Parley page, saying why', async () => {
    // The component-test page is served by vitest on http://localhost:<port>, which pairs with no room origin.
    await expect(openRoomFrame({ vendor: 'tencent', sdk: 'trtc' })).rejects.toMatchObject({
      code: 'ROOM_FRAME',
      message: expect.stringMatching(/^rooms need Parley's own page \(app:\/\/parley or a loopback dev server\), not http:\/\/localhost:/),
    });
    expect(document.querySelector('iframe.room-frame')).toBeNull();
  });
});
