/** Audio for vendor panels: playback (SegmentPlayer), speech input (microphone / file → PCM16 frames), WAV and PCM helpers. */
import { shallowReactive, shallowRef } from 'vue';
import { SegmentPlayer } from './segment-player.ts';

export { SegmentPlayer } from './segment-player.ts';
export type { SegmentInput, SegmentTiming, SegmentStatus, PcmFormat, ScheduledChunk, SegmentPlayerOptions } from './segment-player.ts';
export type { LiveSource, LiveSourceMeta } from './live-stream.ts';
export { startMicrophone, streamAudioFile, decodeToMono } from './speech-input.ts';
export type { FrameOptions, FileStreamOptions, MicrophoneCapture } from './speech-input.ts';
export { encodeFloatWav, readWavHeader } from './wav.ts';
export { pcm16ToFloat, floatArrayToPcm16, resample, StreamResampler, PcmFramer } from './pcm.ts';

/**
 * Player state belongs to a session: every session gets its own SegmentPlayer (segment order, timings, the
 * recording behind "Save WAV"), so a second session starts from segment 0 and a panel shows only its own audio.
 * They share one AudioContext (browsers limit how many may exist). Players of older sessions are closed once more
 * than KEPT_PLAYERS exist; the active one never is.
 */
const KEPT_PLAYERS = 8;
const NO_SESSION = '';
let context: AudioContext | null = null;
const players = shallowReactive(new Map<string, SegmentPlayer>());

/** The player of the session the user is looking at (the panel's session), for code that has no session at hand. */
export const sharedPlayerRef = shallowRef<SegmentPlayer | null>(null);
let activeId: string | null = null;

/** The player of a session, created on first use (an AudioContext should start after a user gesture). */
export function playerFor(sessionId: string | null): SegmentPlayer {
  const key = sessionId ?? NO_SESSION;
  let player = players.get(key);
  if (!player) {
    context ??= new AudioContext();
    player = new SegmentPlayer({ context });
    players.set(key, player);
    evict();
  }
  return player;
}

/** The existing player of a session, if it has played or recorded anything through one (no side effect). */
export function existingPlayer(sessionId: string | null): SegmentPlayer | null {
  return players.get(sessionId ?? NO_SESSION) ?? null;
}

/** The panel now shows `sessionId`: its player becomes the shared one (room SDK adapters play into it). */
export function activateSession(sessionId: string | null): void {
  activeId = sessionId ?? NO_SESSION;
  sharedPlayerRef.value = players.get(activeId) ?? null;
}

/** The player of the active session: what room adapters attach remote audio to when a track arrives. */
export function sharedPlayer(): SegmentPlayer {
  const player = playerFor(activeId);
  sharedPlayerRef.value = player;
  return player;
}

function evict(): void {
  for (const [id, player] of players) {
    if (players.size <= KEPT_PLAYERS) break;
    if (id === activeId || player.busy() || player.liveSources().length) continue;
    players.delete(id);
    void player.close();
  }
  if (activeId !== null) sharedPlayerRef.value = players.get(activeId) ?? null;
}

/** For tests: close every player and the shared context. */
export async function resetPlayers(): Promise<void> {
  for (const p of players.values()) await p.close();
  players.clear();
  sharedPlayerRef.value = null;
  activeId = null;
  await context?.close();
  context = null;
}
