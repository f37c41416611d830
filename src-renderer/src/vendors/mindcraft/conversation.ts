import type { SessionEvent } from '../../../../src-main/core/events.ts';

/** A chat_bot_v3 session as the panel shows it, derived from its events only (so history renders the same way). */
export type TurnState = 'uploading' | 'waiting' | 'answering' | 'done' | 'interrupted' | 'failed';

export interface SegmentView {
  zIndex: number;
  text?: string;
  audioSeconds?: number;
  file?: string;
  missing?: string;
}

export interface TurnView {
  turn: number;
  kind: 'voice' | 'text';
  state: TurnState;
  /** What the user typed (text turn). */
  userText?: string;
  asrText?: string;
  asrFinal?: boolean;
  emotion?: string;
  segments: SegmentView[];
  /** Metric name → value (ms or s), including the renderer-measured turn_latency_ms. */
  metrics: Record<string, number>;
  /** Wall clock (ms) of upload stop or of the text start message. */
  referenceAt?: number;
  userAudioFile?: string;
  error?: string;
}

export interface ConversationView {
  auth: { method: string; confirmedBy: string | null } | null;
  placements: string[];
  stopUploadForms: string[];
  turns: TurnView[];
}

interface Frame {
  socket_type?: string;
  event_name?: string;
  event_params?: Record<string, unknown>;
}

export function isStartFrame(e: SessionEvent): boolean {
  const d = e.data as Frame | undefined;
  return e.kind === 'ws.frame' && e.dir === 'out' && d?.socket_type === 'agent_event' && d.event_name === 'agent_action';
}

export function isStopUploadFrame(e: SessionEvent): boolean {
  const d = e.data as Frame | undefined;
  return e.kind === 'ws.frame' && e.dir === 'out' && d?.socket_type === 'intervent_event' && (d.event_name === 'stream_asr' || d.event_name === 'agent_action');
}

export function conversationView(events: readonly SessionEvent[]): ConversationView {
  const view: ConversationView = { auth: null, placements: [], stopUploadForms: [], turns: [] };
  const turns = new Map<number, TurnView>();
  let current: TurnView | undefined;
  const seg = (t: TurnView, z: number): SegmentView => {
    let s = t.segments.find((x) => x.zIndex === z);
    if (!s) {
      s = { zIndex: z };
      t.segments.push(s);
      t.segments.sort((a, b) => a.zIndex - b.zIndex);
    }
    return s;
  };
  const addUnique = (list: string[], v: string | undefined) => v && !list.includes(v) && list.push(v);

  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (isStartFrame(e)) {
      const text = (d as Frame).event_params?.asr_text;
      current = {
        turn: view.turns.length + 1,
        kind: typeof text === 'string' ? 'text' : 'voice',
        state: typeof text === 'string' ? 'waiting' : 'uploading',
        segments: [],
        metrics: {},
      };
      if (typeof text === 'string') {
        current.userText = text;
        current.referenceAt = Date.parse(e.at);
      }
      view.turns.push(current);
      turns.set(current.turn, current);
      continue;
    }
    if (isStopUploadFrame(e)) {
      addUnique(view.stopUploadForms, (d as Frame).event_name);
      if (current) {
        current.referenceAt = Date.parse(e.at);
        current.state = 'waiting';
      }
      continue;
    }
    if (typeof d.placement === 'string') addUnique(view.placements, d.placement === 'top-level' ? 'top-level (1003)' : 'socket_data (1007)');
    const turn = typeof d.turn === 'number' ? turns.get(d.turn) : current;
    switch (e.kind) {
      case 'mindcraft.auth':
        view.auth = { method: String(d.method), confirmedBy: (d.confirmedBy as string | null) ?? null };
        break;
      case 'mindcraft.asr':
        if (current) {
          current.asrText = String(d.text ?? '');
          current.asrFinal = d.final === true;
          if (current.state === 'waiting') current.state = 'answering';
        }
        break;
      case 'mindcraft.emotion':
        if (current) current.emotion = String(d.emotion ?? '');
        break;
      case 'mindcraft.llm':
        if (current && typeof d.z_index === 'number') {
          seg(current, d.z_index).text = String(d.text ?? '');
          // The document's stream carries the recognised text only as the LLM output's asr_content.
          if (typeof d.asr_content === 'string' && d.asr_content && current.asrText === undefined) {
            current.asrText = d.asr_content;
            current.asrFinal = true;
          }
          if (current.state === 'waiting') current.state = 'answering';
        }
        break;
      case 'mindcraft.tts':
        if (current && typeof d.z_index === 'number') seg(current, d.z_index).audioSeconds = typeof d.audio_seconds === 'number' ? d.audio_seconds : undefined;
        break;
      case 'audio.segment':
        if (turn && typeof d.z_index === 'number') {
          const s = seg(turn, d.z_index);
          if (typeof d.file === 'string') s.file = d.file;
          if (d.missing) s.missing = String(d.error ?? 'missing');
        }
        break;
      case 'audio.upload':
        if (turn && typeof d.file === 'string') turn.userAudioFile = d.file;
        break;
      case 'audio.interrupt':
        if (turn) turn.state = 'interrupted';
        break;
      case 'metric':
        if (turn && typeof d.turn === 'number' && typeof d.name === 'string' && typeof d.value === 'number') turn.metrics[d.name] = d.value;
        break;
      case 'mindcraft.turn':
        if (turn) {
          turn.state = d.state as TurnState;
          const err = d.error as { code?: string; message?: string } | undefined;
          if (err) turn.error = `${err.code}: ${err.message}`;
        }
        break;
      case 'session.end':
        for (const t of view.turns)
          if (t.state === 'uploading' || t.state === 'waiting' || t.state === 'answering') t.state = (d as { ok?: boolean }).ok ? 'interrupted' : 'failed';
        break;
    }
  }
  return view;
}
