/**
 * The playing time of an MPEG audio file (mp3) from its frame headers: frames × samples per frame / sample rate.
 * No decoding; an ID3v2 tag at the start and anything that is not a frame header (ID3v1 at the end, junk) is
 * skipped. Used to measure how much bot audio a socket vendor sent, on the client, without a decoder in core.
 */

const BITRATES_KBPS: Record<string, number[]> = {
  // index 0 is "free", 15 is invalid
  'v1-l1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  'v1-l2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  'v1-l3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  'v2-l1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  'v2-l2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

interface FrameHeader {
  bytes: number;
  samples: number;
  sampleRate: number;
}

function header(b: Uint8Array, i: number): FrameHeader | null {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1]! & 0xe0) !== 0xe0) return null;
  const version = (b[i + 1]! >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = 4 - ((b[i + 1]! >> 1) & 3); // 1, 2, 3
  const bitrateIndex = b[i + 2]! >> 4;
  const rateIndex = (b[i + 2]! >> 2) & 3;
  const padding = (b[i + 2]! >> 1) & 1;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const v1 = version === 3;
  const table = BITRATES_KBPS[`${v1 ? 'v1' : 'v2'}-l${!v1 && layer === 3 ? 2 : layer}`]!;
  const bitrate = table[bitrateIndex]! * 1000;
  const sampleRate = RATES[version]![rateIndex]!;
  if (layer === 1) return { bytes: (Math.floor((12 * bitrate) / sampleRate) + padding) * 4, samples: 384, sampleRate };
  const samples = layer === 3 && !v1 ? 576 : 1152;
  return { bytes: Math.floor(((samples / 8) * bitrate) / sampleRate) + padding, samples, sampleRate };
}

/** Seconds of audio in an mp3, or null when it holds no MPEG audio frame. */
export function mp3DurationSeconds(bytes: Uint8Array): number | null {
  let i = 0;
  if (bytes.length >= 10 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    // ID3v2: a 10-byte header, then a size in four 7-bit bytes (plus a 10-byte footer when flagged).
    const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
    i = 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
  }
  let seconds = 0;
  let frames = 0;
  while (i < bytes.length) {
    const h = header(bytes, i);
    // A header counts when the next frame (or the end of the file) follows it: a stray 0xFFE in data does not.
    if (h && h.bytes > 4 && (i + h.bytes >= bytes.length - 128 || header(bytes, i + h.bytes))) {
      seconds += h.samples / h.sampleRate;
      frames++;
      i += h.bytes;
    } else i++;
  }
  return frames ? seconds : null;
}
