/**
 * Speech input as PCM16 mono frames at the vendor's rate, from the microphone or from a WAV file, so the same
 * utterance can be sent to every vendor.
 *
 *   const mic = await startMicrophone({ sampleRate: 16000, frameMs: 20, onFrame: (f) => send(f) });
 *   mic.stop();
 *   await streamAudioFile(wavBytes, { sampleRate: 16000, frameMs: 20, realtime: true, onFrame: send });
 */
import { PcmFramer, StreamResampler, downmix, resample } from './pcm.ts';
import { openMicrophone } from './microphone.ts';
// A real file URL (never a data: URL): the CSP allows worklets only from 'self'.
import workletUrl from './pcm-capture.worklet.js?url&no-inline';

export interface FrameOptions {
  /** Target sample rate (e.g. 16000). */
  sampleRate: number;
  /** Frame length in ms (default 20). */
  frameMs?: number;
  /** Receives each frame: little-endian PCM16 mono. `seq` starts at 0. */
  onFrame: (frame: Int16Array, info: { seq: number; sampleRate: number; durationMs: number }) => void;
}

export interface MicrophoneCapture {
  stop(): void;
  /** RMS level of the latest block, 0..1, for a meter. */
  level(): number;
  readonly context: AudioContext;
}

function frameSamples(o: FrameOptions): number {
  return Math.round((o.sampleRate * (o.frameMs ?? 20)) / 1000);
}

/** Microphone → AudioWorklet → resampled PCM16 frames. Rejects with a MicrophoneError (denied, missing, muted) before any frame. */
export async function startMicrophone(o: FrameOptions): Promise<MicrophoneCapture> {
  const stream = await openMicrophone({ channelCount: 1, echoCancellation: true, noiseSuppression: true });
  const context = new AudioContext();
  await context.audioWorklet.addModule(workletUrl);
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, 'parley-pcm-capture');
  const resampler = new StreamResampler(context.sampleRate, o.sampleRate);
  const framer = new PcmFramer(frameSamples(o));
  let seq = 0;
  let level = 0;
  node.port.onmessage = (e: MessageEvent<Float32Array>) => {
    const block = e.data;
    let sum = 0;
    for (let i = 0; i < block.length; i++) sum += block[i]! * block[i]!;
    level = Math.sqrt(sum / block.length);
    for (const f of framer.push(resampler.process(block))) o.onFrame(f, { seq: seq++, sampleRate: o.sampleRate, durationMs: o.frameMs ?? 20 });
  };
  source.connect(node);
  // The worklet must be pulled by the graph to run; a muted gain keeps the microphone out of the speakers.
  const mute = context.createGain();
  mute.gain.value = 0;
  node.connect(mute).connect(context.destination);
  return {
    context,
    level: () => level,
    stop() {
      node.port.onmessage = null;
      stream.getTracks().forEach((t) => t.stop());
      source.disconnect();
      node.disconnect();
      void context.close();
    },
  };
}

/** Decode any audio file Chromium reads (WAV, mp3 …) to mono float samples at `sampleRate`. */
export async function decodeToMono(bytes: ArrayBuffer | Uint8Array, sampleRate: number): Promise<Float32Array> {
  const copy = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes.slice(0);
  // decodeAudioData resamples to its context's rate with the browser's own (band-limited) resampler.
  const decoded = await new OfflineAudioContext(1, 1, sampleRate).decodeAudioData(copy);
  const channels = Array.from({ length: decoded.numberOfChannels }, (_, c) => decoded.getChannelData(c));
  const mono = downmix(channels);
  return decoded.sampleRate === sampleRate ? mono : resample(mono, decoded.sampleRate, sampleRate);
}

export interface FileStreamOptions extends FrameOptions {
  /** Pace frames in real time (like a person speaking) or send them as fast as possible. */
  realtime: boolean;
  signal?: AbortSignal;
}

/** Stream a file as frames; resolves when the last (zero-padded) frame is sent or the signal aborts. */
export async function streamAudioFile(bytes: ArrayBuffer | Uint8Array, o: FileStreamOptions): Promise<{ frames: number; durationMs: number }> {
  const samples = await decodeToMono(bytes, o.sampleRate);
  const framer = new PcmFramer(frameSamples(o));
  const frames = framer.push(samples);
  const tail = framer.flush();
  if (tail) frames.push(tail);
  const frameMs = o.frameMs ?? 20;
  const t0 = performance.now();
  let seq = 0;
  for (const f of frames) {
    if (o.signal?.aborted) break;
    if (o.realtime) {
      // Pace against the start time, not frame to frame, so timer jitter does not accumulate.
      const due = t0 + seq * frameMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    }
    o.onFrame(f, { seq: seq++, sampleRate: o.sampleRate, durationMs: frameMs });
  }
  return { frames: seq, durationMs: (samples.length / o.sampleRate) * 1000 };
}
