/**
 * WAV for the renderer's float audio (Web Audio's Float32 channels), on core's one PCM16 WAV writer
 * (src-main/core/audio/wav.ts, plain TypeScript that the renderer imports too).
 */
import { encodeWav } from '../../../src-main/core/audio/wav.ts';
import { floatArrayToPcm16 } from './pcm.ts';

/** Float channels (-1..1) as an interleaved 16-bit PCM WAV file. */
export function encodeFloatWav(channels: Float32Array[], sampleRate: number): ArrayBuffer {
  const frames = channels[0]?.length ?? 0;
  const n = channels.length || 1;
  const pcm = channels.map((c) => floatArrayToPcm16(c));
  const interleaved = new Int16Array(frames * n);
  for (let i = 0; i < frames; i++) for (let c = 0; c < n; c++) interleaved[i * n + c] = pcm[c]?.[i] ?? 0;
  return encodeWav(interleaved, sampleRate, n).buffer as ArrayBuffer;
}

export interface WavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
  dataOffset: number;
}

/** Reads a RIFF/WAVE header (walking chunks, so LIST/fact chunks before `data` are fine). */
export function readWavHeader(bytes: ArrayBuffer | Uint8Array): WavInfo {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const v = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const tag = (off: number) => String.fromCharCode(...u8.subarray(off, off + 4));
  if (u8.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('WAV: expected a RIFF/WAVE header');
  let off = 12;
  let fmt: Omit<WavInfo, 'dataBytes' | 'dataOffset'> | null = null;
  while (off + 8 <= u8.length) {
    const id = tag(off);
    const size = v.getUint32(off + 4, true);
    if (id === 'fmt ') fmt = { channels: v.getUint16(off + 10, true), sampleRate: v.getUint32(off + 12, true), bitsPerSample: v.getUint16(off + 22, true) };
    if (id === 'data') {
      if (!fmt) throw new Error('WAV: data chunk before fmt chunk');
      return { ...fmt, dataBytes: Math.min(size, u8.length - off - 8), dataOffset: off + 8 };
    }
    off += 8 + size + (size % 2);
  }
  throw new Error('WAV: no data chunk');
}
