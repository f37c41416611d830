/**
 * WAV (RIFF) reading and writing. Reads PCM 8/16/24/32-bit integer and 32/64-bit float, plain or
 * WAVE_FORMAT_EXTENSIBLE, and converts to interleaved PCM16; writes PCM16 little-endian.
 */
export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Bits per sample as stored in the file. */
  bitsPerSample: number;
  /** 1 integer PCM, 3 IEEE float (the sub-format for WAVE_FORMAT_EXTENSIBLE). */
  format: 1 | 3;
  /** Interleaved samples converted to PCM16. */
  samples: Int16Array;
  /** The raw bytes of the `data` chunk, as stored. */
  data: Uint8Array;
  durationSeconds: number;
}

export class WavError extends Error {
  readonly code = 'WAV_INVALID';
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE';
}

export function parseWav(bytes: Uint8Array): WavAudio {
  if (bytes.length < 12) throw new WavError(`WAV: expected at least 12 bytes, got ${bytes.length}`);
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE')
    throw new WavError(`WAV: expected a RIFF/WAVE header, got "${ascii(bytes, 0, 4)}…${ascii(bytes, 8, 4)}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  let data: Uint8Array | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const declared = view.getUint32(offset + 4, true);
    const start = offset + 8;
    // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what the file holds.
    const size = Math.min(declared, bytes.length - start);
    if (id === 'fmt ') {
      if (size < 16) throw new WavError(`WAV: fmt chunk is ${size} bytes, expected at least 16`);
      let format = view.getUint16(start, true);
      if (format === FORMAT_EXTENSIBLE && size >= 26) format = view.getUint16(start + 24, true);
      fmt = { format, channels: view.getUint16(start + 2, true), sampleRate: view.getUint32(start + 4, true), bits: view.getUint16(start + 14, true) };
    } else if (id === 'data') {
      data = bytes.subarray(start, start + (declared === 0 ? bytes.length - start : size));
      if (fmt) break;
    }
    offset = start + size + (size % 2);
  }
  if (!fmt) throw new WavError('WAV: no fmt chunk');
  if (!data) throw new WavError('WAV: no data chunk');
  if (fmt.channels < 1 || fmt.channels > 8) throw new WavError(`WAV: expected 1-8 channels, got ${fmt.channels}`);
  if (fmt.sampleRate < 1000 || fmt.sampleRate > 384000) throw new WavError(`WAV: expected a sample rate of 1000-384000 Hz, got ${fmt.sampleRate}`);
  const samples = toPcm16(data, fmt.format, fmt.bits);
  const frames = Math.floor(samples.length / fmt.channels);
  return {
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bits,
    format: fmt.format as 1 | 3,
    samples: samples.length === frames * fmt.channels ? samples : samples.subarray(0, frames * fmt.channels),
    data,
    durationSeconds: frames / fmt.sampleRate,
  };
}

function toPcm16(data: Uint8Array, format: number, bits: number): Int16Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (format === FORMAT_PCM) {
    const width = bits / 8;
    if (![1, 2, 3, 4].includes(width)) throw new WavError(`WAV: integer PCM with ${bits} bits per sample is not supported (8, 16, 24 or 32)`);
    const n = Math.floor(data.length / width);
    const out = new Int16Array(n);
    for (let i = 0, o = 0; i < n; i++, o += width) {
      if (width === 1) out[i] = (data[o]! - 128) << 8;
      else if (width === 2) out[i] = view.getInt16(o, true);
      else if (width === 3) out[i] = ((data[o + 2]! << 24) >> 16) | data[o + 1]!;
      else out[i] = view.getInt32(o, true) >> 16;
    }
    return out;
  }
  if (format === FORMAT_FLOAT) {
    if (bits !== 32 && bits !== 64) throw new WavError(`WAV: float samples with ${bits} bits are not supported (32 or 64)`);
    const width = bits / 8;
    const n = Math.floor(data.length / width);
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = floatToPcm16(width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true));
    return out;
  }
  throw new WavError(`WAV: format tag ${format} is not supported (1 PCM or 3 float; compressed WAV must be converted first)`);
}

export function floatToPcm16(s: number): number {
  const c = s > 1 ? 1 : s < -1 ? -1 : s;
  return c < 0 ? Math.round(c * 0x8000) : Math.round(c * 0x7fff);
}

/** A PCM16 little-endian WAV file. `samples` are interleaved when `channels` > 1. */
export function encodeWav(samples: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(out, 8, 'WAVE');
  writeAscii(out, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  writeAscii(out, 36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i]!, true);
  return out;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
}
