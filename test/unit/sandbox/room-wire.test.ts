import { describe, expect, it } from 'vitest';
import { decodeAudioFrame, encodeAudioFrame, fromBase64, parseDown, parseUp, roomSocketUrl, toBase64 } from '../../../src-main/core/sandbox/rooms/wire.ts';
import { sandboxRoomUrl, StreamResampler } from '../../../src-renderer/src/rooms/sandbox/room-socket.ts';
import { sentences } from '../../../src-main/core/sandbox/rooms/tencent-persona.ts';

describe('sandbox room wire', () => {
  it('audio frames carry their sender and PCM exactly; a truncated frame is refused', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
    const frame = encodeAudioFrame('bot_1', pcm);
    expect(decodeAudioFrame(frame)).toEqual({ user: 'bot_1', pcm });
    expect(decodeAudioFrame(frame.subarray(0, frame.length - 1))).toBeNull();
    expect(decodeAudioFrame(new Uint8Array([9, 1]))).toBeNull();
  });

  it('up and down messages are checked field by field; anything else is refused with the reason', () => {
    expect(parseUp('{"op":"custom","cmdId":2,"data":"e30="}')).toEqual({ ok: true, message: { op: 'custom', cmdId: 2, data: 'e30=' } });
    expect(parseUp('{"op":"custom","cmdId":"2","data":1}')).toMatchObject({ ok: false, why: expect.stringContaining('cmdId') });
    expect(parseUp('not json')).toEqual({ ok: false, why: 'not JSON' });
    expect(parseUp('{"op":"launch"}')).toMatchObject({ ok: false, why: expect.stringContaining('unknown op') });
    expect(parseDown('{"ev":"joined","users":["a"],"publishing":[]}')).toEqual({ ev: 'joined', users: ['a'], publishing: [] });
    expect(parseDown('{"ev":"joined","users":[1],"publishing":[]}')).toBeNull();
    expect(parseDown('{"ev":"custom","user":"b","cmdId":1,"seq":1.5,"data":""}')).toBeNull();
  });

  it('base64 round-trips any bytes; the room URL is the vendor path on ws', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(roomSocketUrl('http://127.0.0.1:4000/tencent', '1/str/r', 'u 1', 's&g')).toBe(
      'ws://127.0.0.1:4000/tencent/_room?room=1%2Fstr%2Fr&user=u+1&sig=s%26g',
    );
  });

  it('the frame takes only the loopback sandbox host as a sandbox room', () => {
    expect(sandboxRoomUrl({}, 'tencent')).toBeNull();
    expect(sandboxRoomUrl({ sandboxRoom: 'http://127.0.0.1:4000/tencent' }, 'tencent')).toBe('http://127.0.0.1:4000/tencent');
    expect(() => sandboxRoomUrl({ sandboxRoom: 'http://evil.example/tencent' }, 'tencent')).toThrow(/loopback sandbox host/);
    expect(() => sandboxRoomUrl({ sandboxRoom: 'http://127.0.0.1:4000/netease' }, 'tencent')).toThrow(/sandboxRoom/);
  });

  it('the stream resampler keeps its phase across blocks: 48 kHz in blocks of 480 gives 16 kHz without gaps', () => {
    const r = new StreamResampler(48000, 16000);
    const tone = (i: number) => Math.sin((2 * Math.PI * 440 * i) / 48000) * 0.5;
    const out: number[] = [];
    for (let b = 0; b < 10; b++) out.push(...r.push(Float32Array.from({ length: 480 }, (_, i) => tone(b * 480 + i))));
    expect(out.length).toBeGreaterThanOrEqual(1599);
    expect(out.length).toBeLessThanOrEqual(1600);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! / 32767 - tone(i * 3))).toBeLessThan(0.01);
  });

  it('SubtitleMode 1 sentences keep their punctuation, in English and Chinese', () => {
    expect(sentences('Why? Because he was outstanding.')).toEqual(['Why? ', 'Because he was outstanding.']);
    expect(sentences('好的,已经订好。再见!')).toEqual(['好的,已经订好。', '再见!']);
  });
});
