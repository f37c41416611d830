import type { SessionEvent } from '../../../src-main/core/events.ts';

let seq = 0;
const t0 = Date.parse('2026-01-01T00:00:00.000Z');
/** A session event as core records it (the shapes come from the Mindcraft client). */
export function ev(kind: string, data: unknown, dir: SessionEvent['dir'] = 'in', atMs = seq * 10): SessionEvent {
  seq++;
  return { seq, t: atMs, at: new Date(t0 + atMs).toISOString(), kind, dir, summary: kind, data };
}

export const startFrame = (asrText?: string) =>
  ev(
    'ws.frame',
    {
      socket_type: 'agent_event',
      event_name: 'agent_action',
      event_params: { agent_name: 'chat_bot_v3', mode: 'pro', ...(asrText ? { asr_text: asrText } : {}) },
    },
    'out',
  );
export const stopUploadFrame = (form = 'stream_asr') => ev('ws.frame', { socket_type: 'intervent_event', event_name: form }, 'out');
export const llm = (z: number, text: string) => ev('mindcraft.llm', { z_index: z, text, placement: 'top-level', status: { code: 1003 } });
export const tts = (z: number, seconds: number) =>
  ev('mindcraft.tts', { z_index: z, url: `http://x/${z}.mp3`, audio_seconds: seconds, placement: 'socket_data' });
export const segment = (turn: number, z: number, file: string | null, text?: string) =>
  ev('audio.segment', file ? { turn, z_index: z, file, text, audio_seconds: 1 } : { turn, z_index: z, missing: true, error: 'HTTP_404: gone' });
