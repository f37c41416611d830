/** A WAV file as a publishable microphone track. (The bot's audio goes through the shared player: attachStream.) */

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
