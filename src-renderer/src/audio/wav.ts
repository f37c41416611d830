/** WAV (RIFF, PCM 16-bit) encoding. */

/** Interleave channels into a 16-bit PCM WAV file. */
export function encodeWav(channels: Float32Array[], sampleRate: number): ArrayBuffer {
  const frames = channels[0]?.length ?? 0;
  const n = channels.length || 1;
  const dataBytes = frames * n * 2;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const ascii = (off: number, s: string) => [...s].forEach((c, i) => v.setUint8(off + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, n, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * n * 2, true);
  v.setUint16(32, n * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  let off = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      const s = Math.max(-1, Math.min(1, channels[c]?.[i] ?? 0));
      v.setInt16(off, s < 0 ? s * 32768 : s * 32767, true);
      off += 2;
    }
  }
  return buf;
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
