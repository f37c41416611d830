/** Shared audio utilities for every vendor: WAV, PCM16 conversion, resampling, framing and pacing. */
export { parseWav, encodeWav, isWav, floatToPcm16, WavError, type WavAudio } from './wav.ts';
export { pcm16FromBytes, pcm16ToBytes, toMono, rms, dbfs, concatPcm16 } from './pcm.ts';
export { PcmResampler, resampleToMono } from './resample.ts';
export { splitFrames, paceFrames, type PaceOptions } from './pacing.ts';
export { loadSpeech, type Speech } from './speech.ts';
