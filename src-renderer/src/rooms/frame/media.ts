/**
 * Audio inside the room frame: a WAV file turned into a publishable track, and a remote track read as PCM for the
 * page's player. The frame never plays room audio itself; the page does, through the app's one player (level meter,
 * WAV export), from the PCM these readers send.
 */

import { readTrackPcm } from '../track-pcm.ts';

export interface FileTrack {
  track: MediaStreamTrack;
  durationS: number;
  /** Resolves when the file has played to its end (not when stopped). */
  ended: Promise<void>;
  start(): void;
  stop(): void;
}

/** A WAV (or any decodable audio) file played once, in real time, into a MediaStreamTrack. */
export async function fileTrack(bytes: ArrayBuffer): Promise<FileTrack> {
  const context = new AudioContext();
  let buffer: AudioBuffer;
  try {
    buffer = await context.decodeAudioData(bytes.slice(0));
  } catch (err) {
    void context.close();
    throw new Error(`the file is not audio Chromium can decode (${(err as Error).message || 'decodeAudioData failed'})`);
  }
  const destination = context.createMediaStreamDestination();
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(destination);
  // A microphone's track never goes quiet in the data sense: it carries silence. Without an active source Chromium
  // delivers no frames at all once the file has played (or before it starts), and a room's voice activity detection
  // would never hear the end of the speech; a silent constant source keeps the track running.
  const silence = context.createConstantSource();
  silence.offset.value = 0;
  silence.connect(destination);
  silence.start();
  let started = false;
  const ended = new Promise<void>((resolve) => (source.onended = () => (started ? resolve() : undefined)));
  const track = destination.stream.getAudioTracks()[0]!;
  return {
    track,
    durationS: buffer.duration,
    ended,
    start: () => {
      started = true;
      source.start();
    },
    stop: () => {
      started = false;
      source.onended = null;
      try {
        source.stop();
      } catch {
        // never started
      }
      silence.stop();
      track.stop();
      void context.close();
    },
  };
}

/**
 * Reads a remote audio track as mono float PCM (one block per decoded frame, ~10 ms) until stopped or the track ends.
 * A muted media element holds the track: Chromium delivers a remote WebRTC track's audio to other sinks only while
 * one plays it.
 */
export function readRemoteAudio(track: MediaStreamTrack, onSamples: (samples: Float32Array, sampleRate: number) => void): () => void {
  const holder = new Audio();
  holder.muted = true;
  holder.srcObject = new MediaStream([track]);
  void holder.play().catch(() => undefined);
  const stop = readTrackPcm(track, onSamples);
  return () => {
    stop();
    holder.pause();
    holder.srcObject = null;
  };
}
