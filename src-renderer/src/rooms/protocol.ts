/**
 * The room channel: the one way the main page (which holds window.parley) and the room frame (which runs a vendor's
 * RTC SDK on an origin of its own) talk. One MessagePort per room visit, structured-cloned messages, vendor-neutral:
 *
 *   page → frame   requests  join · publish · unpublish · send · interrupt · leave   (each answered once)
 *   frame → page   events    connection · participant · track · audio · level · message · publish-ended · error
 *
 * Vendor specifics live at the two ends: the frame's driver turns SDK callbacks into these events, the page's vendor
 * adapter (vendors/<vendor>/) turns them into session events. The frame runs closed-source code, so the page checks
 * every message it gets from it (parseFrameMessage) and the frame checks every request (parseRoomRequest).
 */

import { ROOM_SDKS, isRoomSdk, type RoomSdk } from '../../../src-main/core/room-sdks.ts';

export { ROOM_SDKS, isRoomSdk, type RoomSdk };

/** Which room a frame is for: the vendor (its page's CSP) and the RTC SDK its rooms run on (the frame's driver). */
export interface RoomKind {
  vendor: string;
  sdk: RoomSdk;
}

/** The first message, posted by the page to the frame's window with the port; the frame answers `ready` on it. */
export const CONNECT_MESSAGE = 'parley-room/connect';

/** Speech the user publishes into the room: the frame captures the microphone itself, or plays a file once. */
export type SpeechSource = { kind: 'microphone' } | { kind: 'file'; name: string; bytes: ArrayBuffer };

export interface RoomRequests {
  /** Join with the SDK's join parameters (from room.join's `params`: plain JSON). */
  join: { args: { params: Record<string, unknown> }; result: { localId: string; localSid?: string } };
  /** Publish speech (replacing what is published); a file's duration is known once decoded. */
  publish: { args: { source: SpeechSource }; result: { durationS: number | null } };
  unpublish: { args: Record<string, never>; result: null };
  /** A vendor message: LiveKit data (reliable), a TRTC custom message (`channel` = cmdId). */
  send: { args: { data: Uint8Array; channel?: number }; result: null };
  /** The vendor's interrupt of the bot (`target`: the bot's id); answers with what was sent, for the record. */
  interrupt: { args: { target?: string }; result: { sent: unknown } };
  leave: { args: Record<string, never>; result: null };
}
export type RoomOp = keyof RoomRequests;
export const ROOM_OPS: readonly RoomOp[] = ['join', 'publish', 'unpublish', 'send', 'interrupt', 'leave'];

export interface RoomRequest<O extends RoomOp = RoomOp> {
  id: number;
  op: O;
  args: RoomRequests[O]['args'];
}

/** An error as it crosses the channel (like contextBridge's: name, code, message; never an Error instance). */
export interface RoomError {
  name: 'RoomError';
  code: string;
  message: string;
}

export type RoomReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: RoomError };

export type RoomEvent =
  /** The vendor's connection state (LiveKit ConnectionState, 'disconnected' with the reason when it ends). */
  | { type: 'connection'; state: string; reason?: string }
  | { type: 'participant'; change: 'joined' | 'left'; id: string; sid?: string; reason?: string }
  /** A remote audio track starts (its PCM follows as `audio` events) or stops. */
  | { type: 'track'; change: 'subscribed' | 'unsubscribed'; trackId: string; participant: string; label: string }
  /** Remote audio, mono float PCM at `sampleRate`, in the order it was decoded. */
  | { type: 'audio'; trackId: string; sampleRate: number; samples: Float32Array }
  /** The vendor's own volume reading of a participant (TRTC audio-volume: 0..100). */
  | { type: 'level'; participant: string; level: number }
  /** Anything vendor-specific: LiveKit data, TRTC custom messages, NERTC captions and ai-data, SDK milestones. */
  | { type: 'message'; name: string; from?: string; topic?: string; data?: unknown }
  /** A published file has played to its end. */
  | { type: 'publish-ended' }
  | { type: 'error'; code: string; message: string; data?: unknown };

export type FrameMessage = { type: 'ready' } | { type: 'reply'; reply: RoomReply } | { type: 'event'; event: RoomEvent };

export function roomError(code: string, message: string): RoomError {
  return { name: 'RoomError', code, message };
}

/** Any thrown value as a RoomError (SDK errors carry a code in various places). */
export function toRoomError(err: unknown, fallbackCode = 'ROOM'): RoomError {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; message?: unknown };
    if (e.name === 'RoomError' && typeof e.code === 'string' && typeof e.message === 'string') return roomError(e.code, e.message);
    const code = typeof e.code === 'string' && e.code ? e.code : typeof e.code === 'number' ? `${fallbackCode}_${e.code}` : fallbackCode;
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    return roomError(code, message);
  }
  return roomError(fallbackCode, String(err));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_TEXT = 4096;
const text = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const optionalText = (v: unknown): boolean => v === undefined || text(v);

/** A request as the frame receives it, or why it is refused. */
export function parseRoomRequest(raw: unknown): { ok: true; request: RoomRequest } | { ok: false; id: number | null; error: RoomError } {
  const id = isRecord(raw) && Number.isSafeInteger(raw.id) ? (raw.id as number) : null;
  const bad = (message: string) => ({ ok: false as const, id, error: roomError('BAD_ARGUMENTS', message) });
  if (!isRecord(raw) || id === null) return bad('room request: expected {id, op, args}');
  const op = raw.op;
  if (typeof op !== 'string' || !ROOM_OPS.includes(op as RoomOp)) return bad(`room request: unknown operation "${String(op)}"`);
  const args = raw.args;
  if (!isRecord(args)) return bad(`${op}: expected an arguments object`);
  switch (op as RoomOp) {
    case 'join':
      if (!isRecord(args.params)) return bad('join.params: expected an object');
      break;
    case 'publish': {
      const s = args.source;
      if (!isRecord(s) || (s.kind !== 'microphone' && s.kind !== 'file'))
        return bad('publish.source: expected {kind: "microphone"} or {kind: "file", name, bytes}');
      if (s.kind === 'file' && (!(s.bytes instanceof ArrayBuffer) || !text(s.name, 1024)))
        return bad('publish.source: a file needs its name and bytes (ArrayBuffer)');
      break;
    }
    case 'send':
      if (!(args.data instanceof Uint8Array)) return bad('send.data: expected bytes (Uint8Array)');
      if (args.channel !== undefined && !Number.isSafeInteger(args.channel)) return bad('send.channel: expected an integer');
      break;
    case 'interrupt':
      if (!optionalText(args.target)) return bad('interrupt.target: expected a string');
      break;
  }
  return { ok: true, request: { id, op: op as RoomOp, args: args as never } };
}

/** A message from the frame, checked field by field; null when it is not one the page understands. */
export function parseFrameMessage(raw: unknown): FrameMessage | null {
  if (!isRecord(raw)) return null;
  if (raw.type === 'ready') return { type: 'ready' };
  if (raw.type === 'reply') {
    const r = raw.reply;
    if (!isRecord(r) || !Number.isSafeInteger(r.id)) return null;
    if (r.ok === true) return { type: 'reply', reply: { id: r.id as number, ok: true, result: r.result } };
    const e = r.error;
    if (r.ok !== false || !isRecord(e) || !text(e.code, 200) || !text(e.message)) return null;
    return { type: 'reply', reply: { id: r.id as number, ok: false, error: roomError(e.code, e.message) } };
  }
  if (raw.type !== 'event' || !isRecord(raw.event)) return null;
  const event = parseRoomEvent(raw.event);
  return event ? { type: 'event', event } : null;
}

function parseRoomEvent(e: Record<string, unknown>): RoomEvent | null {
  switch (e.type) {
    case 'connection':
      return text(e.state, 200) && optionalText(e.reason)
        ? { type: 'connection', state: e.state, ...(e.reason !== undefined ? { reason: e.reason as string } : {}) }
        : null;
    case 'participant':
      if ((e.change !== 'joined' && e.change !== 'left') || !text(e.id, 512) || !optionalText(e.sid) || !optionalText(e.reason)) return null;
      return {
        type: 'participant',
        change: e.change,
        id: e.id,
        ...(e.sid !== undefined ? { sid: e.sid as string } : {}),
        ...(e.reason !== undefined ? { reason: e.reason as string } : {}),
      };
    case 'track':
      if ((e.change !== 'subscribed' && e.change !== 'unsubscribed') || !text(e.trackId, 512) || !text(e.participant, 512) || !text(e.label, 512)) return null;
      return { type: 'track', change: e.change, trackId: e.trackId, participant: e.participant, label: e.label };
    case 'audio':
      if (
        !text(e.trackId, 512) ||
        !(e.samples instanceof Float32Array) ||
        typeof e.sampleRate !== 'number' ||
        !(e.sampleRate >= 8000 && e.sampleRate <= 192000)
      )
        return null;
      return { type: 'audio', trackId: e.trackId, sampleRate: e.sampleRate, samples: e.samples };
    case 'level':
      return text(e.participant, 512) && typeof e.level === 'number' && Number.isFinite(e.level)
        ? { type: 'level', participant: e.participant, level: e.level }
        : null;
    case 'message':
      if (!text(e.name, 200) || !optionalText(e.from) || !optionalText(e.topic)) return null;
      return {
        type: 'message',
        name: e.name,
        ...(e.from !== undefined ? { from: e.from as string } : {}),
        ...(e.topic !== undefined ? { topic: e.topic as string } : {}),
        data: e.data,
      };
    case 'publish-ended':
      return { type: 'publish-ended' };
    case 'error':
      return text(e.code, 200) && text(e.message)
        ? { type: 'error', code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) }
        : null;
  }
  return null;
}
