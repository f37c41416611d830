/**
 * The events a room visit records, whatever the vendor: one kind per fact (a participant came or went, a track was
 * published or is heard, the console publishes, the room was joined or left), with data of one shape. The vendors'
 * room adapters in the renderer build them here; a vendor's own facts keep its prefix (`tencent.subtitle`).
 * Plain TypeScript: the renderer imports it.
 */
import type { NewEvent } from './events.ts';

export const ROOM_EVENT_KINDS = {
  joining: 'room.joining',
  joined: 'room.joined',
  participant: 'room.participant',
  track: 'room.track',
  publish: 'room.publish',
  unpublish: 'room.unpublish',
  left: 'room.left',
  disconnected: 'room.disconnected',
  /** What the user or the bot said, as final text ({role, text}: the form every vendor's figures read, workflows/metrics.ts). */
  transcript: 'room.transcript',
  /** Recorded in core: an operation whose call waits for the console to be in the room (NetEase's client API). */
  awaitingJoin: 'room.awaiting-join',
  /** Recorded in core: a headless run goes on without the room. */
  joinSkipped: 'room.join-skipped',
} as const;

export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[keyof typeof ROOM_EVENT_KINDS];

/** `room.participant`: someone entered or left the room. */
export interface ParticipantData {
  /** The participant's id in the vendor's terms (LiveKit identity, TRTC userId, NERTC uid). */
  id: string;
  change: 'joined' | 'left';
  /** The vendor's bot (as the join parameters name it), when that is known. */
  bot?: boolean;
  reason?: string;
  /** The SDK's own handle for the participant (LiveKit sid). */
  sid?: string;
}

/** `room.track`: a remote participant's audio became available (published) or is being heard (subscribed). */
export interface TrackData {
  participant: string;
  change: 'published' | 'subscribed' | 'unsubscribed';
  trackId?: string;
  /** Where a subscribed track plays: the app's player (level meter, WAV export), or inside the SDK only. */
  playback?: 'player' | 'sdk';
}

/** `room.publish`: what the console publishes into the room. */
export interface PublishData {
  source: 'microphone' | 'file';
  /** A file's name (or path, headless). */
  name?: string;
  seconds?: number;
  /** Spoken over the bot's answer (an interruption). */
  bargeIn?: boolean;
  /** The turn it belongs to, in a multi-turn run. */
  turn?: number;
}

type Dir = NewEvent['dir'];

export const roomEvents = {
  joining: (summary: string, data: Record<string, unknown>): NewEvent => ({ kind: ROOM_EVENT_KINDS.joining, dir: 'out', summary, data }),
  joined: (summary: string, data: Record<string, unknown>, dir: Dir = 'in'): NewEvent => ({ kind: ROOM_EVENT_KINDS.joined, dir, summary, data }),
  participant: (summary: string, data: ParticipantData): NewEvent => ({ kind: ROOM_EVENT_KINDS.participant, dir: 'in', summary, data }),
  track: (summary: string, data: TrackData): NewEvent => ({ kind: ROOM_EVENT_KINDS.track, dir: 'in', summary, data }),
  publish: (summary: string, data: PublishData): NewEvent => ({ kind: ROOM_EVENT_KINDS.publish, dir: 'out', summary, data }),
  unpublish: (summary: string): NewEvent => ({ kind: ROOM_EVENT_KINDS.unpublish, dir: 'out', summary }),
  left: (summary: string): NewEvent => ({ kind: ROOM_EVENT_KINDS.left, dir: 'out', summary }),
  disconnected: (summary: string, reason?: unknown): NewEvent => ({
    kind: ROOM_EVENT_KINDS.disconnected,
    dir: 'in',
    summary,
    ...(reason === undefined ? {} : { data: { reason } }),
  }),
  transcript: (role: 'user' | 'bot', text: string): NewEvent => ({
    kind: ROOM_EVENT_KINDS.transcript,
    dir: 'in',
    summary: `${role}: ${text}`,
    data: { role, text },
  }),
};
