/** Bot audio into the app's shared player, and a WAV file as a publishable microphone track. */
import { sharedPlayer } from '../../audio/index.ts';

/**
 * Route a remote NERTC MediaStream through the shared player's output (its level meter and the speakers). Chromium
 * only pulls a remote WebRTC track into Web Audio while a media element also holds it, hence the muted element.
 */
export function playRemoteStream(stream: MediaStream): () => void {
  const player = sharedPlayer();
  const holder = new Audio();
  holder.muted = true;
  holder.srcObject = stream;
  void holder.play().catch(() => undefined);
  const source = player.context.createMediaStreamSource(stream);
  source.connect(player.analyser);
  void player.context.resume().catch(() => undefined);
  return () => {
    source.disconnect();
    holder.srcObject = null;
  };
}

/** A WAV (or any decodable audio) file played once into a MediaStreamTrack, as the speech the room hears. */
export async function fileTrack(bytes: ArrayBuffer): Promise<{ track: MediaStreamTrack; durationS: number; start(): void; stop(): void }> {
  const context = new AudioContext();
  const buffer = await context.decodeAudioData(bytes.slice(0));
  const destination = context.createMediaStreamDestination();
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(destination);
  const track = destination.stream.getAudioTracks()[0]!;
  return {
    track,
    durationS: buffer.duration,
    start: () => source.start(),
    stop: () => {
      try {
        source.stop();
      } catch {
        // never started
      }
      void context.close();
    },
  };
}
