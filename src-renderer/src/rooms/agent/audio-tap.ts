/**
 * The turn agent's player: where the room's remote audio arrives (RoomSession attaches each remote track here as it
 * would to the app's shared player), read block by block as it is played out, on the page's clock. It plays
 * nothing: a turn run in the background must not sound over what the user is doing.
 */
import { readTrackPcm, rms } from '../track-pcm.ts';

/** A block is audible above this RMS (about -40 dBFS): the bot's speech, not a codec's or a jitter buffer's noise. */
export const AUDIBLE_RMS = 0.01;

export interface AudioBlock {
  /** performance.now() when the block was read. */
  at: number;
  rms: number;
  seconds: number;
}

export class AudioTap {
  readonly blocks: AudioBlock[] = [];
  private readonly stops = new Set<() => void>();
  private readonly listeners = new Set<(block: AudioBlock) => void>();

  attachStream(stream: MediaStream): () => void {
    const track = stream.getAudioTracks()[0];
    if (!track) return () => undefined;
    const stop = readTrackPcm(track, (samples, sampleRate) => {
      const block = { at: performance.now(), rms: rms(samples), seconds: samples.length / sampleRate };
      this.blocks.push(block);
      for (const l of this.listeners) l(block);
    });
    this.stops.add(stop);
    return () => {
      stop();
      this.stops.delete(stop);
    };
  }

  onBlock(listener: (block: AudioBlock) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** First audible block read at or after `after`. */
  firstAudible(after: number): AudioBlock | undefined {
    return this.blocks.find((b) => b.at >= after && b.rms >= AUDIBLE_RMS);
  }

  /** Last audible block read at or after `after`. */
  lastAudible(after: number): AudioBlock | undefined {
    return this.blocks.findLast((b) => b.at >= after && b.rms >= AUDIBLE_RMS);
  }

  close(): void {
    for (const stop of this.stops) stop();
    this.stops.clear();
    this.listeners.clear();
  }
}
