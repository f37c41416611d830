/**
 * Splitting PCM into frames and sending them at the pace of the audio (real time) or as fast as the socket
 * takes them. Real-time pacing schedules against the start time, so timer jitter never accumulates into drift.
 */
export function splitFrames(bytes: Uint8Array, sampleRate: number, frameMs: number, bytesPerSample = 2): Uint8Array[] {
  const frameBytes = Math.max(bytesPerSample, Math.round((sampleRate * frameMs) / 1000) * bytesPerSample);
  const frames: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; o += frameBytes) frames.push(bytes.subarray(o, Math.min(bytes.length, o + frameBytes)));
  return frames;
}

export interface PaceOptions {
  /** true: frame n is sent at start + n × frameMs. false: back to back (only yielding to the event loop). */
  realtime: boolean;
  frameMs: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Send every frame in order; resolves with the number sent (fewer when aborted). */
export async function paceFrames<T>(frames: readonly T[], send: (frame: T, index: number) => void | Promise<void>, options: PaceOptions): Promise<number> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  let sent = 0;
  for (let i = 0; i < frames.length; i++) {
    if (options.signal?.aborted) break;
    if (options.realtime) {
      const wait = start + i * options.frameMs - now();
      if (wait > 1) await sleep(wait);
    } else if (i % 50 === 49) await sleep(0);
    if (options.signal?.aborted) break;
    await send(frames[i]!, i);
    sent++;
  }
  return sent;
}
