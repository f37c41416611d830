/**
 * Decoder for Convai `audio-data` chunks (docs/vendors/convai.md#audio-data): base64 16-bit signed little-endian PCM, 1 or 2
 * channels, any sample rate, optionally prefixed by a 44-byte WAV header. Pure (no Node modules): the renderer
 * uses it to feed the PCM stream player, the tests and the replay use it too.
 */
import { pcm16FromBytes, pcm16ToBytes } from '../../../audio/pcm.ts';
import { encodeWav } from '../../../audio/wav.ts';
export interface PcmChunk {
  sampleRate: number;
  channels: 1 | 2;
  /** Interleaved PCM16 samples (frames × channels). */
  samples: Int16Array;
  durationMs: number;
}

export const WAV_HEADER_BYTES = 44;

export class AudioDataError extends Error {}

export function base64ToBytes(b64: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(b64.replace(/\s+/g, ''));
  } catch {
    throw new AudioDataError('audio: not valid base64');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Decode one audio-data message `data` object. Throws AudioDataError naming the bad field. */
export function decodeAudioData(data: Record<string, unknown>): PcmChunk {
  const sampleRate = data.sample_rate;
  const channels = data.channels ?? 1;
  if (typeof sampleRate !== 'number' || !Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 384000)
    throw new AudioDataError(`sample_rate: expected an integer 1000-384000 Hz, got ${JSON.stringify(sampleRate)}`);
  if (channels !== 1 && channels !== 2) throw new AudioDataError(`channels: expected 1 or 2, got ${JSON.stringify(channels)}`);
  if (typeof data.audio !== 'string') throw new AudioDataError('audio: expected a base64 string');
  let bytes = base64ToBytes(data.audio);
  if (data.includes_wav_header === true) {
    if (bytes.length < WAV_HEADER_BYTES || String.fromCharCode(...bytes.subarray(0, 4)) !== 'RIFF')
      throw new AudioDataError(`audio: includes_wav_header is true but the chunk does not start with a ${WAV_HEADER_BYTES}-byte RIFF header`);
    bytes = bytes.subarray(WAV_HEADER_BYTES);
  }
  const frameBytes = 2 * channels;
  if (bytes.length % frameBytes !== 0) throw new AudioDataError(`audio: ${bytes.length} bytes is not a whole number of ${channels}-channel 16-bit frames`);
  const samples = pcm16FromBytes(bytes);
  return { sampleRate, channels, samples, durationMs: (samples.length / channels / sampleRate) * 1000 };
}

/** Build an audio-data message `data` object (the server side of §1.9), for the sandbox fixtures and tests. */
export function encodeAudioData(chunk: Omit<PcmChunk, 'durationMs'>, includeWavHeader: boolean): Record<string, unknown> {
  const bytes = includeWavHeader ? encodeWav(chunk.samples, chunk.sampleRate, chunk.channels) : pcm16ToBytes(chunk.samples);
  return { type: 'audio-data', sample_rate: chunk.sampleRate, channels: chunk.channels, audio: bytesToBase64(bytes), includes_wav_header: includeWavHeader };
}
