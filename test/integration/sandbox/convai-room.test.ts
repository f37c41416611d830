/**
 * The Convai sandbox without livekit-server: /connect answers with the loopback sandbox room, the token is checked
 * at the join, and the character there speaks Convai's RTVI data-channel messages and audio as the LiveKit character
 * does (the same ConvaiSandboxBot). Every flow runs twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxHost, WARNINGS_HEADER } from '../../../src-main/core/sandbox/host.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import { mountConvaiSandbox, SANDBOX_API_KEY } from '../../../src-main/core/vendors/convai/sandbox.ts';
import { ConvaiSandboxRooms } from '../../../src-main/core/vendors/convai/sandbox-room.ts';
import { SANDBOX_CHARACTER_ID } from '../../../src-main/core/vendors/convai/common/schema.ts';
import { decodeAudioData, WAV_HEADER_BYTES, base64ToBytes } from '../../../src-main/core/vendors/convai/common/audio-data.ts';
import { findLiveKitServer } from '../../../src-main/core/livekit/server.ts';
import { fromBase64, roomSocketUrl, toBase64 } from '../../../src-main/core/sandbox/rooms/wire.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { Member, until } from './room-member.ts';

const connectOp = vendorById('convai').operations[0]!;
const voice = shippedVoice();
const reply = (id: string) => voice.replies.find((r) => r.id === id)!;

type Data = { label?: string; type: string; data?: Record<string, unknown>; event_type?: string; status?: string; message?: string };
const dataOf = (m: Member): Data[] => m.messages.flatMap((x) => (x.ev === 'data' ? [JSON.parse(new TextDecoder().decode(fromBase64(x.data))) as Data] : []));
const ofType = (m: Member, type: string) => dataOf(m).filter((d) => d.type === type);
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; video: { room: string } };

describe('Convai sandbox without livekit-server: the loopback sandbox room', () => {
  const host = new SandboxHost();
  const members: Member[] = [];

  beforeAll(async () => {
    mountConvaiSandbox(host, connectOp, new ConvaiSandboxRooms({ lookup: () => findLiveKitServer({ PARLEY_LIVEKIT_SERVER: 'none' }) }));
    await host.start();
  });
  afterAll(async () => {
    await Promise.all(members.map((m) => m.close()));
    await host.close();
  });

  async function connect(output: Record<string, unknown>) {
    const res = await fetch(`${host.baseUrl}/convai/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': SANDBOX_API_KEY },
      body: JSON.stringify({ character_id: SANDBOX_CHARACTER_ID, debug: true, audio_config: { output } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { room_url: string; room_name: string; token: string };
    return { body, warnings: JSON.parse(res.headers.get(WARNINGS_HEADER) ?? '[]') as string[] };
  }

  async function join(body: { room_name: string; token: string }): Promise<Member> {
    const { sub } = claims(body.token);
    const m = await Member.join(roomSocketUrl(host.vendorUrl('convai'), body.room_name, sub, body.token));
    members.push(m);
    await until(() => ofType(m, 'bot-ready').length === 1, 'bot-ready');
    return m;
  }

  const sendClient = (m: Member, message: object) => m.send({ op: 'data', data: toBase64(new TextEncoder().encode(JSON.stringify(message))) });

  it('answers with the loopback room; a join needs the token /connect gave for that room and user', async () => {
    const { body, warnings } = await connect({ audio_routing: 'audio_only' });
    expect(body.room_url).toBe(`ws://127.0.0.1:${new URL(host.baseUrl).port}/convai/_room`);
    expect(warnings).toEqual([
      '[sandbox] room_url is the loopback sandbox room (no LiveKit server: PARLEY_LIVEKIT_SERVER=none: the Convai sandbox uses its loopback sandbox room, not livekit-server)',
    ]);
    expect(claims(body.token).video.room).toBe(body.room_name);
    for (const [room, user, token, why] of [
      [body.room_name, claims(body.token).sub, body.token.slice(0, -2) + 'xx', /not signed by this sandbox/],
      ['convai-other', claims(body.token).sub, body.token, /no grant to join room "convai-other"/],
      [body.room_name, 'someone-else', body.token, /it is for "user-/],
    ] as const) {
      const m = await Member.join(roomSocketUrl(host.vendorUrl('convai'), room, user, token));
      members.push(m);
      expect(m.messages).toEqual([{ ev: 'error', code: 'UNAUTHORIZED', message: expect.stringMatching(why) }]);
    }
  });

  it('"both": hears the WAV, answers on the track and in 100 ms data chunks with RTVI transcriptions and metrics; twice; interrupt-bot stops it', async () => {
    const { body } = await connect({ audio_routing: 'both', max_chunk_duration_ms: 100 });
    const m = await join(body);
    expect(m.messages[0]).toEqual({ ev: 'joined', users: [expect.stringMatching(/^character-/)], publishing: [expect.stringMatching(/^character-/)] });
    for (const round of [1, 2]) {
      const before = m.audio.length;
      m.send({ op: 'publish' });
      const spokeAt = await m.speak('hello-weather-en');
      await until(() => ofType(m, 'bot-stopped-speaking').length === round, `answer ${round}`, 20_000);
      expect(ofType(m, 'user-transcription').at(-1)!.data).toMatchObject({
        text: 'Hello, what is the weather like today?',
        final: true,
        user_id: claims(body.token).sub,
      });
      expect(ofType(m, 'bot-transcription').at(-1)!.data).toEqual({ text: reply('weather-en').text });
      const heard = m.audible(spokeAt);
      expect(heard.length).toBeGreaterThan(10);
      const trackSamples = m.audio.slice(before).reduce((n, a) => n + a.samples, 0);
      const length = reply('weather-en').audio.samples.length;
      expect(trackSamples).toBeGreaterThanOrEqual(length);
      expect(trackSamples).toBeLessThan(length + 160);
    }
    const chunks = ofType(m, 'server-message').map((d) => decodeAudioData(d.data!));
    // 100 ms chunks (1600 samples at 16 kHz), the last of each answer shorter: the answer's audio, twice.
    expect(chunks.filter((c) => c.samples.length !== 1600).length).toBeLessThanOrEqual(2);
    expect(chunks.reduce((n, c) => n + c.samples.length, 0)).toBe(2 * Math.ceil(reply('weather-en').audio.samples.length / 160) * 160);
    expect(ofType(m, 'metrics').map((d) => Object.keys(d.data!)[0])).toEqual(['ttfb', 'processing', 'ttfb', 'processing']);

    // A text turn (user_text_message), then interrupt-bot: both acknowledged, and the track goes quiet within a moment.
    sendClient(m, { type: 'user_text_message', data: { text: voice.utterances.find((u) => u.id === 'robot-story-en')!.text } });
    await until(() => ofType(m, 'bot-started-speaking').length === 3, 'the story starts');
    sendClient(m, { type: 'interrupt-bot', data: {} });
    await until(() => ofType(m, 'server-response').some((r) => r.event_type === 'interrupt-bot'), 'interrupt-bot response');
    const interruptedAt = Date.now();
    expect(ofType(m, 'server-response').map((r) => [r.event_type, r.status, r.message])).toEqual([
      ['user_text_message', 'success', 'user text message received'],
      ['interrupt-bot', 'success', 'bot interrupted'],
    ]);
    await until(() => ofType(m, 'bot-stopped-speaking').length === 3, 'the story stops');
    await new Promise((r) => setTimeout(r, 200));
    expect(m.audio.filter((a) => a.at > interruptedAt + 100)).toEqual([]);
    sendClient(m, { type: 'no-such-message' });
    await until(() => ofType(m, 'server-response').length === 3, 'the unknown type is answered');
    expect(ofType(m, 'server-response')[2]).toMatchObject({ event_type: 'no-such-message', status: 'error' });
  }, 60_000);

  it('"data_only" with 45 ms chunks and WAV headers: no track, 50 ms chunks each with its header; twice', async () => {
    const { body } = await connect({ audio_routing: 'data_only', max_chunk_duration_ms: 45, add_wav_header: true });
    const m = await join(body);
    for (const round of [1, 2]) {
      m.send({ op: 'publish' });
      await m.speak('tell-joke-en');
      await until(() => ofType(m, 'bot-stopped-speaking').length === round, `answer ${round}`, 20_000);
    }
    expect(m.messages[0]).toEqual({ ev: 'joined', users: [expect.stringMatching(/^character-/)], publishing: [] });
    expect(m.messages.some((x) => x.ev === 'audio-available')).toBe(false);
    expect(m.audio).toEqual([]);
    const raw = ofType(m, 'server-message').map((d) => d.data!);
    expect(raw.every((d) => d.includes_wav_header === true && new TextDecoder().decode(base64ToBytes(String(d.audio)).subarray(0, 4)) === 'RIFF')).toBe(true);
    const perAnswer = Math.ceil(reply('joke-en').audio.samples.length / (16 * 50));
    expect(raw).toHaveLength(2 * perAnswer);
    expect(base64ToBytes(String(raw[0]!.audio)).length).toBe(WAV_HEADER_BYTES + 800 * 2);
  }, 60_000);

  it('the character leaves when the last user has left', async () => {
    const { body } = await connect({ audio_routing: 'audio_only' });
    const a = await join(body);
    await a.close();
    const again = await Member.join(roomSocketUrl(host.vendorUrl('convai'), body.room_name, claims(body.token).sub, body.token));
    members.push(again);
    expect(again.messages[0]).toEqual({ ev: 'joined', users: [], publishing: [] });
  });
});
