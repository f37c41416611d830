import { isWav, parseWav } from './wav.ts';
import { resampleToMono } from './resample.ts';
import { pcm16FromBytes } from './pcm.ts';

/** Speech ready to upload: mono PCM16 at the rate a vendor asked for. */
export interface Speech {
  samples: Int16Array;
  sampleRate: number;
  /** What the input was, for the log. */
  source: { sampleRate: number; channels: number; bitsPerSample: number; seconds: number };
}

/**
 * A WAV file (any PCM/float format, rate and channel count), or raw PCM16 mono at `rawRate`, converted to
 * mono PCM16 at `targetRate`.
 */
export function loadSpeech(bytes: Uint8Array, targetRate: number, rawRate?: number): Speech {
  if (isWav(bytes)) {
    const wav = parseWav(bytes);
    return {
      samples: resampleToMono(wav.samples, wav.channels, wav.sampleRate, targetRate),
      sampleRate: targetRate,
      source: { sampleRate: wav.sampleRate, channels: wav.channels, bitsPerSample: wav.bitsPerSample, seconds: wav.durationSeconds },
    };
  }
  if (!rawRate) throw new Error('audio: expected a WAV file (RIFF/WAVE header), or raw PCM16 with its sample rate');
  const pcm = pcm16FromBytes(bytes);
  return {
    samples: resampleToMono(pcm, 1, rawRate, targetRate),
    sampleRate: targetRate,
    source: { sampleRate: rawRate, channels: 1, bitsPerSample: 16, seconds: pcm.length / rawRate },
  };
}
