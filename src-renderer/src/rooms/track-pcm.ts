/**
 * Reading an audio MediaStreamTrack as float PCM, block by block as Chromium delivers it (one AudioData per ~10 ms):
 * the one reader behind the room frame's remote audio, the sandbox rooms' capture of what the user publishes, and the
 * turn agent's tap.
 */

/** Minimal types of Chromium's MediaStreamTrackProcessor (mediacapture-transform), not in TypeScript's DOM lib. */
interface TrackProcessor {
  readable: ReadableStream<AudioData>;
}
declare const MediaStreamTrackProcessor: { new (init: { track: MediaStreamTrack; maxBufferSize?: number }): TrackProcessor };

/**
 * Blocks kept for a reader that falls behind (about 2 s). Chromium's default keeps very few and drops the oldest, so
 * a busy machine cut pieces out of the speech; a block read late still carries its audio.
 */
export const TRACK_BUFFER_BLOCKS = 200;

/** Calls `onSamples` with each block (mono: the first plane) until the returned stop is called or the track ends. */
export function readTrackPcm(track: MediaStreamTrack, onSamples: (samples: Float32Array, sampleRate: number) => void): () => void {
  const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: TRACK_BUFFER_BLOCKS }).readable.getReader();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const { value: frame, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !frame) break;
      try {
        const samples = new Float32Array(frame.numberOfFrames);
        frame.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
        if (!stopped) onSamples(samples, frame.sampleRate);
      } finally {
        frame.close();
      }
    }
  })();
  return () => {
    stopped = true;
    void reader.cancel().catch(() => undefined);
  };
}

/** Root mean square of a block (0 for an empty one). */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}
