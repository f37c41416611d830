import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav, parseWav, WavError } from '../../../src-main/core/audio/wav.ts';
import { PcmResampler, resampleToMono } from '../../../src-main/core/audio/resample.ts';
import { paceFrames, splitFrames } from '../../../src-main/core/audio/pacing.ts';
import { pcm16FromBytes, pcm16ToBytes, rms, toMono } from '../../../src-main/core/audio/pcm.ts';
import { loadSpeech } from '../../../src-main/core/audio/speech.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function sine(freq: number, rate: number, seconds: number, amp = 0.5): Int16Array {
  const n = Math.round(rate * seconds);
  return Int16Array.from({ length: n }, (_, i) => Math.round(amp * 32767 * Math.sin((2 * Math.PI * freq * i) / rate)));
}

/** Magnitude of one frequency (Goertzel), normalised to the sine amplitude. */
function tone(samples: Int16Array, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < samples.length; i++) {
    re += samples[i]! * Math.cos(w * i);
    im += samples[i]! * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / samples.length / 32767;
}

function wavHeader(format: number, channels: number, rate: number, bits: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(44 + data.length);
  const v = new DataView(out.buffer);
  out.set(
    [...'RIFF'].map((c) => c.charCodeAt(0)),
    0,
  );
  v.setUint32(4, 36 + data.length, true);
  out.set(
    [...'WAVEfmt '].map((c) => c.charCodeAt(0)),
    8,
  );
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, (rate * channels * bits) / 8, true);
  v.setUint16(32, (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  out.set(
    [...'data'].map((c) => c.charCodeAt(0)),
    36,
  );
  v.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}

describe('WAV', () => {
  it('round-trips PCM16 through encode and parse', () => {
    const pcm = sine(440, 16000, 0.1);
    const wav = parseWav(encodeWav(pcm, 16000));
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, format: 1 });
    expect(Array.from(wav.samples)).toEqual(Array.from(pcm));
    expect(wav.durationSeconds).toBeCloseTo(0.1, 5);
  });

  it('reads the committed sample utterances as 16 kHz mono', () => {
    const list = JSON.parse(readFileSync(join(ROOT, 'resources/utterances/utterances.json'), 'utf8')) as { file: string }[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const u of list) {
      const bytes = readFileSync(join(ROOT, 'resources/utterances', u.file));
      const wav = parseWav(bytes);
      expect(wav).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
      expect(wav.durationSeconds).toBeGreaterThan(1);
      // Small files: at most 8 s (the long utterances, made to be interrupted), so at most 256 KB of PCM.
      expect(wav.durationSeconds).toBeLessThanOrEqual(8);
      expect(rms(wav.samples)).toBeGreaterThan(0.02);
    }
  });

  it('converts 8-bit, 24-bit, 32-bit and float samples to PCM16', () => {
    expect(Array.from(parseWav(wavHeader(1, 1, 8000, 8, new Uint8Array([128, 255, 0]))).samples)).toEqual([0, 127 << 8, -32768]);
    // 24-bit little-endian 0x123456 and -1 (0xFFFFFF)
    expect(Array.from(parseWav(wavHeader(1, 1, 8000, 24, new Uint8Array([0x56, 0x34, 0x12, 0xff, 0xff, 0xff]))).samples)).toEqual([0x1234, -1]);
    const i32 = new Uint8Array(8);
    new DataView(i32.buffer).setInt32(0, 0x7fff0000, true);
    new DataView(i32.buffer).setInt32(4, -0x80000000, true);
    expect(Array.from(parseWav(wavHeader(1, 1, 8000, 32, i32)).samples)).toEqual([32767, -32768]);
    const f32 = new Uint8Array(12);
    const fv = new DataView(f32.buffer);
    fv.setFloat32(0, 1.5, true);
    fv.setFloat32(4, -1, true);
    fv.setFloat32(8, 0.5, true);
    expect(Array.from(parseWav(wavHeader(3, 1, 8000, 32, f32)).samples)).toEqual([32767, -32768, 16384]);
  });

  it('skips unknown chunks and tolerates a streaming size of 0xFFFFFFFF', () => {
    const pcm = pcm16ToBytes(Int16Array.from([1, 2, 3, 4]));
    const base = wavHeader(1, 2, 16000, 16, pcm);
    const list = new Uint8Array([...'LIST'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 9, 9, 9, 0]));
    const withList = new Uint8Array([...base.subarray(0, 36), ...list, ...base.subarray(36)]);
    new DataView(withList.buffer).setUint32(36 + list.length + 4, 0xffffffff, true);
    const wav = parseWav(withList);
    expect(wav.channels).toBe(2);
    expect(Array.from(wav.samples)).toEqual([1, 2, 3, 4]);
  });

  it('rejects non-WAV input and compressed formats with a specific message', () => {
    expect(() => parseWav(new TextEncoder().encode('ID3 this is an mp3 file'))).toThrow(/expected a RIFF\/WAVE header/);
    expect(() => parseWav(wavHeader(0x55, 1, 16000, 16, new Uint8Array(4)))).toThrow(WavError);
    expect(() => parseWav(wavHeader(0x55, 1, 16000, 16, new Uint8Array(4)))).toThrow(/format tag 85/);
  });
});

describe('PCM16 resampling', () => {
  it('mixes stereo to mono', () => {
    expect(Array.from(toMono(Int16Array.from([100, 300, -100, -300]), 2))).toEqual([200, -200]);
  });

  it('48 kHz → 16 kHz keeps a 1 kHz tone and its length, and removes a 10 kHz tone (no aliasing)', () => {
    const speechBand = resampleToMono(sine(1000, 48000, 0.5), 1, 48000, 16000);
    expect(speechBand.length).toBe(8000);
    expect(tone(speechBand, 1000, 16000)).toBeGreaterThan(0.45);
    const high = resampleToMono(sine(10000, 48000, 0.5), 1, 48000, 16000);
    // 10 kHz would fold to 6 kHz without the low-pass filter.
    expect(tone(high, 6000, 16000)).toBeLessThan(0.02);
  });

  it('44.1 kHz stereo → 16 kHz mono, and 8 kHz → 16 kHz up', () => {
    const stereo = new Int16Array(44100 * 2 * 0.2);
    const left = sine(500, 44100, 0.2);
    for (let i = 0; i < left.length; i++) stereo[i * 2] = stereo[i * 2 + 1] = left[i]!;
    const out = resampleToMono(stereo, 2, 44100, 16000);
    expect(out.length).toBe(3200);
    expect(tone(out, 500, 16000)).toBeGreaterThan(0.45);
    const up = resampleToMono(sine(300, 8000, 0.25), 1, 8000, 16000);
    expect(up.length).toBe(4000);
    expect(tone(up, 300, 16000)).toBeGreaterThan(0.45);
  });

  it('streaming in small chunks gives the same samples as one call', () => {
    const input = sine(700, 48000, 0.3);
    const whole = new PcmResampler(48000, 16000);
    const a = [...whole.push(input), ...whole.flush()];
    const streaming = new PcmResampler(48000, 16000);
    const b: number[] = [];
    for (let o = 0; o < input.length; o += 441) b.push(...streaming.push(input.subarray(o, o + 441)));
    b.push(...streaming.flush());
    expect(b).toEqual(a);
  });

  it('loadSpeech converts a WAV and raw PCM to the target rate', () => {
    const wav = encodeWav(sine(440, 8000, 1), 8000);
    const s = loadSpeech(wav, 16000);
    expect(s.samples.length).toBe(16000);
    expect(s.source).toEqual({ sampleRate: 8000, channels: 1, bitsPerSample: 16, seconds: 1 });
    expect(loadSpeech(pcm16ToBytes(sine(440, 16000, 0.5)), 16000, 16000).samples.length).toBe(8000);
    expect(() => loadSpeech(new Uint8Array([1, 2, 3, 4]), 16000)).toThrow(/expected a WAV file/);
    expect(() => pcm16FromBytes(new Uint8Array(3))).toThrow(/even number of bytes/);
  });
});

describe('framing and pacing', () => {
  it('splits PCM into frames of frameMs with a short last frame', () => {
    const frames = splitFrames(new Uint8Array(16000 * 2), 16000, 40);
    expect(frames).toHaveLength(25);
    expect(frames[0]!.length).toBe(1280);
    expect(splitFrames(new Uint8Array(1000), 16000, 20).map((f) => f.length)).toEqual([640, 360]);
  });

  it('real-time pacing schedules frame n at start + n × frameMs without drift', async () => {
    let clock = 0;
    const sentAt: number[] = [];
    await paceFrames([1, 2, 3, 4, 5], () => void sentAt.push(clock), {
      realtime: true,
      frameMs: 20,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms + 3; // every timer fires 3 ms late
      },
    });
    expect(sentAt).toEqual([0, 23, 43, 63, 83]);
  });

  it('as-fast-as-possible sends all frames without waiting, and abort stops early', async () => {
    const t0 = performance.now();
    expect(await paceFrames(new Array(200).fill(0), () => undefined, { realtime: false, frameMs: 20 })).toBe(200);
    expect(performance.now() - t0).toBeLessThan(500);
    const ac = new AbortController();
    const n = await paceFrames([1, 2, 3, 4], (_f, i) => (i === 1 ? ac.abort() : undefined), { realtime: false, frameMs: 20, signal: ac.signal });
    expect(n).toBe(2);
  });
});
