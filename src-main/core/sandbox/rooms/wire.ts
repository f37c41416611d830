/**
 * The sandbox rooms' wire: how the sandbox SDKs in the room frame (src-renderer/src/rooms/sandbox/) and the sandbox
 * room service (service.ts) talk over one loopback WebSocket per room member. It stands in for the vendor's media
 * and signalling servers only: what travels inside it (TRTC custom messages, NERTC captions and ai-data, Convai's RTVI
 * data-channel messages) is in the
 * vendor's own documented formats, built and parsed by the same code as live. Pure and dependency-free (both ends
 * import it).
 *
 *   connect   ws://127.0.0.1:<port>/<vendor>/_room?room=<room key>&user=<user id>&sig=<UserSig or token>
 *   up        binary: the member's published audio, PCM16LE mono at WIRE_RATE, any length (about 20 ms)
 *             text:   {op:"publish"} · {op:"unpublish"} · {op:"custom", cmdId, data: base64} (TRTC sendCustomMessage)
 *                     {op:"captions", on, source?} (NERTC start/stopAsrCaptions) · {op:"interrupt", uid} (aiManualInterrupt)
 *                     {op:"data", data: base64, topic?} (LiveKit publishData, reliable)
 *   down      binary: a remote user's audio in real time, one frame per message: [n: u8][user id: n bytes UTF-8]
 *                     [PCM16LE mono at WIRE_RATE]
 *             text:   {ev:"joined", users, publishing} · {ev:"enter"|"exit"|"audio-available"|"audio-unavailable", user}
 *                     {ev:"custom", user, cmdId, seq, data: base64} · {ev:"asr-captions", list} · {ev:"ai-data", data}
 *                     {ev:"data", user, data: base64, topic?} (LiveKit DataReceived)
 *                     {ev:"error", code, message} (then the socket closes when the join was refused)
 */

export const WIRE_RATE = 16000;
export const ROOM_PATH = '/_room';

export type UpMessage =
  | { op: 'publish' }
  | { op: 'unpublish' }
  | { op: 'custom'; cmdId: number; data: string }
  | { op: 'captions'; on: boolean; source?: string }
  | { op: 'interrupt'; uid: string }
  | { op: 'data'; data: string; topic?: string };

export type DownMessage =
  | { ev: 'joined'; users: string[]; publishing: string[] }
  | { ev: 'enter' | 'exit' | 'audio-available' | 'audio-unavailable'; user: string }
  | { ev: 'custom'; user: string; cmdId: number; seq: number; data: string }
  | { ev: 'asr-captions'; list: unknown[] }
  | { ev: 'ai-data'; data: { type: string; data: unknown; uid: string } }
  | { ev: 'data'; user: string; data: string; topic?: string }
  | { ev: 'error'; code: string; message: string };

/** The WebSocket URL of a sandbox room, from the vendor's sandbox base URL (http://127.0.0.1:<port>/<vendor>). */
export function roomSocketUrl(vendorUrl: string, room: string, user: string, sig: string): string {
  const url = new URL(roomBaseUrl(vendorUrl));
  url.search = new URLSearchParams({ room, user, sig }).toString();
  return url.toString();
}

/** The WebSocket URL a vendor's sandbox rooms are served on, without the join query (a Convai fallback room_url). */
export function roomBaseUrl(vendorUrl: string): string {
  const url = new URL(`${vendorUrl.replace(/\/$/, '')}${ROOM_PATH}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** A down audio frame: the sender's id, then its PCM. */
export function encodeAudioFrame(user: string, pcm: Int16Array): Uint8Array {
  const id = new TextEncoder().encode(user).subarray(0, 255);
  const out = new Uint8Array(1 + id.length + pcm.byteLength);
  out[0] = id.length;
  out.set(id, 1);
  out.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), 1 + id.length);
  return out;
}

export function decodeAudioFrame(bytes: Uint8Array): { user: string; pcm: Int16Array<ArrayBuffer> } | null {
  if (bytes.length < 1) return null;
  const n = bytes[0]!;
  const body = bytes.subarray(1 + n);
  if (bytes.length < 1 + n || body.length % 2) return null;
  return { user: new TextDecoder().decode(bytes.subarray(1, 1 + n)), pcm: new Int16Array(body.slice().buffer) };
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An up message as the service receives it, or why it is refused (the service notes it and goes on). */
export function parseUp(text: string): { ok: true; message: UpMessage } | { ok: false; why: string } {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  if (!isRecord(m)) return { ok: false, why: 'not a JSON object' };
  switch (m.op) {
    case 'publish':
    case 'unpublish':
      return { ok: true, message: { op: m.op } };
    case 'custom':
      if (!Number.isInteger(m.cmdId) || typeof m.data !== 'string') return { ok: false, why: 'custom: expected {cmdId: integer, data: base64}' };
      return { ok: true, message: { op: 'custom', cmdId: m.cmdId as number, data: m.data } };
    case 'captions':
      if (typeof m.on !== 'boolean') return { ok: false, why: 'captions: expected {on: boolean}' };
      return { ok: true, message: { op: 'captions', on: m.on, ...(typeof m.source === 'string' ? { source: m.source } : {}) } };
    case 'interrupt':
      return { ok: true, message: { op: 'interrupt', uid: typeof m.uid === 'string' ? m.uid : '' } };
    case 'data':
      if (typeof m.data !== 'string') return { ok: false, why: 'data: expected {data: base64, topic?: string}' };
      return { ok: true, message: { op: 'data', data: m.data, ...(typeof m.topic === 'string' ? { topic: m.topic } : {}) } };
  }
  return { ok: false, why: `unknown op ${JSON.stringify(m.op)}` };
}

/** A down message as the sandbox SDK receives it; null when it is not one it knows. */
export function parseDown(text: string): DownMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(m) || typeof m.ev !== 'string') return null;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  switch (m.ev) {
    case 'joined':
      return strings(m.users) && strings(m.publishing) ? { ev: 'joined', users: m.users, publishing: m.publishing } : null;
    case 'enter':
    case 'exit':
    case 'audio-available':
    case 'audio-unavailable':
      return typeof m.user === 'string' ? { ev: m.ev, user: m.user } : null;
    case 'custom':
      return typeof m.user === 'string' && Number.isInteger(m.cmdId) && Number.isInteger(m.seq) && typeof m.data === 'string'
        ? { ev: 'custom', user: m.user, cmdId: m.cmdId as number, seq: m.seq as number, data: m.data }
        : null;
    case 'asr-captions':
      return Array.isArray(m.list) ? { ev: 'asr-captions', list: m.list } : null;
    case 'ai-data':
      return isRecord(m.data) && typeof m.data.type === 'string' ? { ev: 'ai-data', data: m.data as { type: string; data: unknown; uid: string } } : null;
    case 'data':
      return typeof m.user === 'string' && typeof m.data === 'string'
        ? { ev: 'data', user: m.user, data: m.data, ...(typeof m.topic === 'string' ? { topic: m.topic } : {}) }
        : null;
    case 'error':
      return typeof m.code === 'string' && typeof m.message === 'string' ? { ev: 'error', code: m.code, message: m.message } : null;
  }
  return null;
}
