/** Audio for vendor panels: playback (SegmentPlayer), speech input (microphone / file → PCM16 frames), WAV and PCM helpers. */
import { shallowRef } from 'vue';
import { SegmentPlayer } from './segment-player.ts';

export { SegmentPlayer } from './segment-player.ts';
export type { SegmentInput, SegmentTiming, SegmentStatus, PcmFormat, ScheduledChunk, SegmentPlayerOptions } from './segment-player.ts';
export type { LiveSource, LiveSourceMeta } from './live-stream.ts';
export { startMicrophone, streamAudioFile, decodeToMono } from './speech-input.ts';
export type { FrameOptions, FileStreamOptions, MicrophoneCapture } from './speech-input.ts';
export { encodeWav, readWavHeader } from './wav.ts';
export { pcm16ToFloat, floatToPcm16, resample, StreamResampler, PcmFramer } from './pcm.ts';

/** Reactive handle on the shared player (null until first use), for the audio panel. */
export const sharedPlayerRef = shallowRef<SegmentPlayer | null>(null);
/**
 * The app's player, shown by the audio panel. Created on first use (an AudioContext should start after a user
 * gesture); vendor Extras feed it with enqueue()/pushPcm()/attachStream() and call interrupt() on barge-in.
 */
export function sharedPlayer(): SegmentPlayer {
  sharedPlayerRef.value ??= new SegmentPlayer();
  return sharedPlayerRef.value;
}
