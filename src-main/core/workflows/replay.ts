/**
 * What "Run again" sends: the input a session was given (a run Parley drove records it), else the input found in
 * its record (the speech a console session uploaded, the text it typed), else a reason why there is nothing to send.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEvent } from '../events.ts';
import type { OperationDescriptor } from '../vendors/types.ts';
import type { TurnInput } from './turn.ts';

export interface ReplayPlan {
  input?: TurnInput;
  /** What the re-run does not repeat (later turns, room audio), in words; empty when it repeats everything. */
  note: string;
}

export class NothingToReplay extends Error {
  readonly code = 'NOTHING_TO_REPLAY';
}

interface Frame {
  socket_type?: string;
  event_name?: string;
  event_params?: { asr_text?: unknown };
}

/** The turns of a recorded socket session in order: the speech file it uploaded or the text it sent. */
function recordedTurns(events: SessionEvent[], artifactsDir: string): TurnInput[] {
  const turns: TurnInput[] = [];
  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown> & Frame;
    if (e.kind === 'audio.upload' && typeof d.file === 'string' && existsSync(join(artifactsDir, d.file))) turns.push({ wav: join(artifactsDir, d.file) });
    else if (e.kind === 'ws.frame' && e.dir === 'out' && d.event_name === 'agent_action' && typeof d.event_params?.asr_text === 'string')
      turns.push({ text: d.event_params.asr_text });
  }
  return turns;
}

export function replayPlan(
  op: OperationDescriptor | undefined,
  recorded: TurnInput | undefined,
  payload: Record<string, unknown>,
  events: SessionEvent[],
  artifactsDir: string,
): ReplayPlan {
  const roomNote =
    op?.transport === 'room' ? 'the control-plane call is repeated; what was said in the room is not (rooms are joined in the app, not by a re-run)' : '';
  if (recorded && (recorded.wav || recorded.text)) return { input: recorded, note: roomNote };
  const takesInput = !!op?.actions?.some((a) => a.id === 'send_wav' || a.id === 'text');
  if (op?.transport !== 'socket' || !takesInput) return { note: roomNote };
  const turns = recordedTurns(events, artifactsDir);
  // A payload that carries its own text turn (asr_text) repeats it by itself.
  const fromPayload = typeof payload.asr_text === 'string' && payload.asr_text.trim() !== '';
  if (fromPayload) return { note: turns.length > 1 ? `only the payload's own text turn is repeated, not the ${turns.length - 1} turn(s) after it` : '' };
  const [first] = turns;
  if (!first)
    throw new NothingToReplay(
      'nothing to replay: this session sent no speech or text (no turn was recorded). Open it in its panel and talk, or run a comparison or a case with a WAV file or a text.',
    );
  return { input: first, note: turns.length > 1 ? `turn 1 of ${turns.length} is replayed (a re-run drives one turn)` : '' };
}
