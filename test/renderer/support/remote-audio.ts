/** A stand-in for an RTC SDK's remote audio (a tone in a MediaStream) and the checks every room vendor shares. */
import { expect } from 'vitest';
import type { SegmentPlayer } from '../../../src-renderer/src/audio/segment-player.ts';
import { readWavHeader } from '../../../src-renderer/src/audio/wav.ts';
import { until } from './mount.ts';

export interface ToneStream {
  stream: MediaStream;
  track: MediaStreamTrack;
  stop(): Promise<void>;
}

/** OscillatorNode → MediaStreamAudioDestinationNode on its own context, like a remote participant's track. */
export function toneStream(freq = 440, gain = 0.4): ToneStream {
  const context = new AudioContext();
  const osc = context.createOscillator();
  osc.frequency.value = freq;
  const g = context.createGain();
  g.gain.value = gain;
  const dest = context.createMediaStreamDestination();
  osc.connect(g).connect(dest);
  osc.start();
  void context.resume();
  return {
    stream: dest.stream,
    track: dest.stream.getAudioTracks()[0]!,
    stop: async () => {
      osc.stop();
      dest.stream.getTracks().forEach((t) => t.stop());
      await context.close();
    },
  };
}

/** Largest absolute 16-bit sample of a mono/stereo PCM16 WAV. */
export function wavPeak(wav: ArrayBuffer): number {
  const info = readWavHeader(wav);
  const v = new DataView(wav, info.dataOffset, info.dataBytes);
  let peak = 0;
  for (let i = 0; i + 1 < info.dataBytes; i += 2) peak = Math.max(peak, Math.abs(v.getInt16(i, true)));
  return peak;
}

/** The player lists `id` as a live source, its level rises above silence, and the export holds the tone. */
export async function expectPlaying(player: SegmentPlayer, id: string, label?: string | RegExp): Promise<void> {
  await until(() => player.liveSources().some((s) => s.id === id));
  const source = player.liveSources().find((s) => s.id === id)!;
  if (typeof label === 'string') expect(source.label).toBe(label);
  else if (label) expect(source.label).toMatch(label);
  await until(() => (player.liveSources().find((s) => s.id === id)?.level ?? 0) > 0.05, 4000);
  await until(() => player.recordedSeconds() > 0.3, 4000);
  expect(wavPeak(player.exportWav())).toBeGreaterThan(3000);
}

/** After detach: not listed any more and nothing more is recorded. */
export async function expectDetached(player: SegmentPlayer, id: string): Promise<void> {
  expect(player.liveSources().some((s) => s.id === id)).toBe(false);
  const recorded = player.recordedSeconds();
  await new Promise((r) => setTimeout(r, 200));
  expect(player.recordedSeconds()).toBe(recorded);
}
