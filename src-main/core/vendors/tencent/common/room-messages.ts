/**
 * TRTC custom messages of the AI conversation (docs/vendors/tencent.md#room-messages) turned into session events. Pure and
 * dependency-free: the renderer's Extras feeds `custom-message` SDK events through these, tests feed documented
 * shapes. Never throws: anything not shaped as documented becomes an `error` event saying what was expected.
 */
import type { NewEvent } from '../../../events.ts';

/** Downlink (AI → room) messages arrive on cmdId 1; the client sends on cmdId 2. */
export const DOWNLINK_CMD_ID = 1;
export const UPLINK_CMD_ID = 2;

export const BOT_STATES: Record<number, string> = { 1: 'listening', 2: 'thinking', 3: 'speaking', 4: 'interrupted', 5: 'finished speaking' };

export type RoomMessage =
  | { type: 'subtitle'; sender: string; roundid: string; text: string; startTime?: string; endTime?: string; end: boolean }
  | { type: 'state'; sender: string; roundid: string; state: number; stateName: string; timestamp?: number }
  | { type: 'metric'; sender: string; roundid: string; metric: string; value: number }
  | { type: 'other'; sender: string; messageType: number; payload: unknown };

export interface CustomMessageEvent {
  userId: string;
  cmdId: number;
  seq?: number;
  data: ArrayBuffer | Uint8Array;
}

export type Decoded = { ok: true; message: RoomMessage } | { ok: false; error: NewEvent };

const bad = (expected: string, sample: unknown): Decoded => ({
  ok: false,
  error: {
    kind: 'error',
    dir: 'in',
    summary: `tencent custom message: expected ${expected}`,
    data: { code: 'BAD_CUSTOM_MESSAGE', received: typeof sample === 'string' ? sample.slice(0, 500) : sample },
  },
});

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Decode one custom message from its bytes. */
export function decodeCustomMessage(e: CustomMessageEvent): Decoded {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(e.data);
  } catch {
    return bad('UTF-8 JSON bytes', `<${e.data.byteLength} bytes>`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad('a JSON object {"type":N,"sender":…,"payload":{…}}', text);
  }
  return parseMessage(json);
}

/** Validate a parsed envelope `{type, sender, receiver, payload}`. */
export function parseMessage(json: unknown): Decoded {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return bad('a JSON object {"type":N,"sender":…,"payload":{…}}', json);
  const m = json as { type?: unknown; sender?: unknown; payload?: unknown };
  if (typeof m.type !== 'number') return bad('a numeric "type" (10000 subtitle, 10001 state, 10020 metric)', json);
  const sender = str(m.sender) ?? '';
  const p = (m.payload && typeof m.payload === 'object' ? m.payload : null) as Record<string, unknown> | null;
  switch (m.type) {
    case 10000: {
      if (!p || typeof p.text !== 'string') return bad('type 10000 payload {text, roundid, end, start_time, end_time}', json);
      return {
        ok: true,
        message: {
          type: 'subtitle',
          sender,
          roundid: str(p.roundid) ?? '',
          text: p.text,
          startTime: str(p.start_time),
          endTime: str(p.end_time),
          end: p.end === true,
        },
      };
    }
    case 10001: {
      const state = p ? Number(p.state) : NaN;
      if (!p || !Number.isInteger(state)) return bad('type 10001 payload {roundid, timestamp, state 1-5}', json);
      return {
        ok: true,
        message: {
          type: 'state',
          sender,
          roundid: str(p.roundid) ?? '',
          state,
          stateName: BOT_STATES[state] ?? `state ${state}`,
          timestamp: typeof p.timestamp === 'number' ? p.timestamp : undefined,
        },
      };
    }
    case 10020: {
      const tag = (p?.tag && typeof p.tag === 'object' ? p.tag : {}) as Record<string, unknown>;
      const value = p ? Number(p.value) : NaN;
      if (!p || typeof p.metric !== 'string' || !Number.isFinite(value)) return bad('type 10020 payload {metric, value, tag:{roundid}}', json);
      return { ok: true, message: { type: 'metric', sender, roundid: str(tag.roundid) ?? str(p.roundid) ?? '', metric: p.metric, value } };
    }
    default:
      return { ok: true, message: { type: 'other', sender, messageType: m.type, payload: m.payload } };
  }
}

export interface SubtitleLine {
  roundid: string;
  sender: string;
  speaker: 'user' | 'bot';
  /** The text so far: whole sentences plus the sentence in progress. */
  text: string;
  /** The last message had `end: true`. */
  final: boolean;
}

/**
 * Joins 10000 subtitles per (roundid, sender). SubtitleMode 0 sends the full text so far in every message (replace);
 * SubtitleMode 1 sends sentences (append a sentence once it is `end: true`). A sentence still in progress is
 * replaced by its next update in both modes.
 */
export class SubtitleJoiner {
  private lines = new Map<string, { done: string; pending: string; line: SubtitleLine }>();
  private readonly mode: number;
  private readonly botUserId: string;

  constructor(subtitleMode: number, botUserId: string) {
    this.mode = subtitleMode;
    this.botUserId = botUserId;
  }

  add(m: Extract<RoomMessage, { type: 'subtitle' }>): SubtitleLine {
    const key = `${m.roundid}\u0000${m.sender}`;
    let entry = this.lines.get(key);
    if (!entry) {
      entry = {
        done: '',
        pending: '',
        line: { roundid: m.roundid, sender: m.sender, speaker: m.sender === this.botUserId ? 'bot' : 'user', text: '', final: false },
      };
      this.lines.set(key, entry);
    }
    if (this.mode === 1) {
      if (m.end) {
        entry.done += m.text;
        entry.pending = '';
      } else entry.pending = m.text;
    } else {
      entry.done = m.end ? m.text : '';
      entry.pending = m.end ? '' : m.text;
    }
    entry.line = { ...entry.line, text: entry.done + entry.pending, final: m.end };
    return entry.line;
  }

  /** Every line in arrival order of its first message. */
  all(): SubtitleLine[] {
    return [...this.lines.values()].map((e) => e.line);
  }
}

/** The event recorded for one decoded message (subtitles carry the joined line). */
export function messageEvent(m: RoomMessage, joined?: SubtitleLine): NewEvent {
  switch (m.type) {
    case 'subtitle': {
      const who = joined?.speaker ?? 'speaker';
      return {
        kind: 'tencent.subtitle',
        dir: 'in',
        summary: `${who} ${m.sender} · round ${m.roundid}${m.end ? ' · final' : ''}: ${joined?.text ?? m.text}`,
        data: { ...m, joined: joined?.text },
      };
    }
    case 'state':
      return { kind: 'tencent.state', dir: 'in', summary: `bot ${m.sender} ${m.stateName} · round ${m.roundid}`, data: m };
    case 'metric':
      return { kind: 'tencent.metric', dir: 'in', summary: `${m.metric} ${m.value} ms · round ${m.roundid}`, data: m };
    case 'other':
      return { kind: 'tencent.custom', dir: 'in', summary: `custom message type ${m.messageType} from ${m.sender}`, data: m };
  }
}

/** The 20001 manual interrupt, sent on cmdId 2 to the bot. */
export function interruptMessage(opts: { sender: string; botUserId: string; id: string; timestamp: number }): {
  cmdId: number;
  data: ArrayBuffer;
  json: unknown;
} {
  const json = { type: 20001, sender: opts.sender, receiver: [opts.botUserId], payload: { id: opts.id, timestamp: opts.timestamp } };
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  return { cmdId: UPLINK_CMD_ID, data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, json };
}
