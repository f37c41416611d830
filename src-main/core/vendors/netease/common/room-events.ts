/**
 * NERTC room callbacks (`asr-captions`, `ai-data`) turned into session events. Pure and dependency-free: the
 * renderer's Extras feeds SDK callbacks through these, tests feed documented shapes. Never throws: input that is
 * not shaped as documented becomes an `error` event naming what was expected.
 */
import type { NewEvent } from '../../../events.ts';

/** `other`: a remote uid that is not the configured bot (another participant). */
export type Speaker = 'user' | 'bot' | 'other';

export interface ParsedCaption {
  speaker: Speaker;
  srcUid: string;
  text: string;
  isFinal: boolean;
  language?: string;
  timestamp?: number;
  transText?: string;
  transLanguage?: string;
}

export interface RoomIdentity {
  /** The console's own uid (captions from it are the user's). */
  localUid: string;
  /** The AI bot's uid when known; otherwise every remote caption counts as the bot's. */
  botUid?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function speakerOf(srcUid: string, who: RoomIdentity): Speaker {
  if (srcUid === who.localUid) return 'user';
  return !who.botUid || srcUid === who.botUid ? 'bot' : 'other';
}

function badInput(source: string, expected: string, got: unknown): NewEvent {
  return { kind: 'error', dir: 'in', summary: `netease ${source}: expected ${expected}`, data: { code: 'BAD_ROOM_EVENT', source, received: safeSample(got) } };
}

function safeSample(v: unknown): unknown {
  try {
    const text = JSON.stringify(v);
    return text === undefined ? String(v) : text.length > 2000 ? `${text.slice(0, 2000)}…` : JSON.parse(text);
  } catch {
    return String(v);
  }
}

/** One `asr-captions` callback (an array of AsrCaption) → one event per caption. */
export function parseAsrCaptions(list: unknown, who: RoomIdentity): { events: NewEvent[]; captions: ParsedCaption[] } {
  if (!Array.isArray(list)) return { events: [badInput('asr-captions', 'an array of AsrCaption {srcUid, text, isFinal, …}', list)], captions: [] };
  const events: NewEvent[] = [];
  const captions: ParsedCaption[] = [];
  for (const item of list) {
    const c = item as Record<string, unknown> | null;
    const srcUid = c && typeof c === 'object' ? str(c.srcUid) : undefined;
    if (!c || srcUid === undefined || typeof c.text !== 'string') {
      events.push(badInput('asr-captions', 'AsrCaption with srcUid and text', item));
      continue;
    }
    const caption: ParsedCaption = {
      speaker: speakerOf(srcUid, who),
      srcUid,
      text: c.text,
      isFinal: c.isFinal === true,
      ...(typeof c.language === 'string' ? { language: c.language } : {}),
      ...(typeof c.timestamp === 'number' ? { timestamp: c.timestamp } : {}),
      ...(typeof c.transText === 'string' && c.transText ? { transText: c.transText, transLanguage: str(c.transLanguage) } : {}),
    };
    captions.push(caption);
    const trans = caption.transText ? ` → ${caption.transText}` : '';
    events.push({
      kind: 'netease.caption',
      dir: 'in',
      summary: `${caption.speaker} ${srcUid}${caption.isFinal ? '' : ' (partial)'}: ${caption.text}${trans}`,
      data: caption,
    });
  }
  return { events, captions };
}

/** A one-line preview of parsed JSON; data nested too deep to serialise is named, not thrown. */
function previewJson(data: unknown): string {
  try {
    return JSON.stringify(data) ?? '';
  } catch (err) {
    return `(not serialisable: ${(err as Error).message})`;
  }
}

/** One `ai-data` callback `{type, data, uid}` (payload schema undocumented: kept as received). */
export function parseAiData(evt: unknown): NewEvent {
  const e = evt as Record<string, unknown> | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string') return badInput('ai-data', 'an object {type: string, data, uid}', evt);
  let data: unknown = e.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      // Plain text payloads stay text.
    }
  }
  const preview = typeof data === 'string' ? data : previewJson(data);
  return {
    kind: 'netease.ai-data',
    dir: 'in',
    summary: `ai-data ${e.type}${e.uid !== undefined ? ` from ${String(e.uid)}` : ''}: ${preview.slice(0, 120)}`,
    data: { type: e.type, uid: str(e.uid), data },
  };
}
