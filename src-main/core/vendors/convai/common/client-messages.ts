/**
 * Client → server data-channel messages (docs/vendors/convai.md#data-channel-messages): envelope `{type, data}`, published reliably with no
 * topic, and the matching of each one with the `server-response` that acknowledges it (`event_type` = the type
 * sent). Pure: the renderer's forms use it; the tests too.
 */
import type { ServerResponse } from './rtvi.ts';

export const CLIENT_MESSAGE_TYPES = [
  'user_text_message',
  'trigger-message',
  'interrupt-bot',
  'update-dynamic-info',
  'update-template-keys',
  'tts-toggle',
] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

export interface ClientMessageInput {
  text?: string;
  trigger_name?: string;
  trigger_message?: string;
  /** update-template-keys: key → value. */
  template_keys?: Record<string, string>;
  enabled?: boolean;
}

export interface ClientMessage {
  type: ClientMessageType;
  data: Record<string, unknown>;
}

export type BuildResult = { ok: true; message: ClientMessage } | { ok: false; field: string; error: string };

const blank = (s: string | undefined) => !s || !s.trim();

/** Build one client message; `participantSid` is the console user's LiveKit participant sid (the SDK sends it). */
export function buildClientMessage(type: ClientMessageType, input: ClientMessageInput, participantSid?: string): BuildResult {
  const sid = participantSid ? { participant_sid: participantSid } : {};
  switch (type) {
    case 'user_text_message':
      if (blank(input.text)) return { ok: false, field: 'text', error: 'text: expected a non-empty message' };
      return { ok: true, message: { type, data: { text: input.text, ...sid } } };
    case 'trigger-message': {
      if (blank(input.trigger_name) && blank(input.trigger_message))
        return { ok: false, field: 'trigger_name', error: 'trigger_name or trigger_message: expected at least one of them' };
      const data: Record<string, unknown> = { ...sid };
      if (!blank(input.trigger_name)) data.trigger_name = input.trigger_name;
      if (!blank(input.trigger_message)) data.trigger_message = input.trigger_message;
      return { ok: true, message: { type, data } };
    }
    case 'interrupt-bot':
      return { ok: true, message: { type, data: { ...sid } } };
    case 'update-dynamic-info':
      if (blank(input.text)) return { ok: false, field: 'text', error: 'text: expected the new dynamic info text' };
      return { ok: true, message: { type, data: { dynamic_info: { text: input.text }, ...sid } } };
    case 'update-template-keys': {
      const keys = input.template_keys ?? {};
      if (Object.keys(keys).length === 0) return { ok: false, field: 'template_keys', error: 'template_keys: expected at least one key' };
      const bad = Object.keys(keys).find((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
      if (bad !== undefined)
        return { ok: false, field: 'template_keys', error: `template_keys: "${bad}" is not a valid key (letters, digits, _; not starting with a digit)` };
      return { ok: true, message: { type, data: { template_keys: keys, ...sid } } };
    }
    case 'tts-toggle':
      if (typeof input.enabled !== 'boolean') return { ok: false, field: 'enabled', error: 'enabled: expected true or false' };
      // The documented example carries no participant_sid.
      return { ok: true, message: { type, data: { enabled: input.enabled } } };
    default:
      return { ok: false, field: 'type', error: `type: expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}` };
  }
}

export function encodeClientMessage(message: ClientMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}

export interface PendingMessage {
  id: number;
  type: ClientMessageType;
  sentAt: number;
}

export interface MatchedResponse {
  id: number;
  type: string;
  status: string;
  message: string;
  latencyMs: number;
  extras?: unknown;
}

/** Pairs each sent client message with its `server-response` (first unanswered one of the same type). */
export class ResponseMatcher {
  private pending: PendingMessage[] = [];
  private next = 1;

  sent(type: ClientMessageType, at: number): PendingMessage {
    const p = { id: this.next++, type, sentAt: at };
    this.pending.push(p);
    return p;
  }

  /** The sent message this response acknowledges, or undefined when nothing of that type is waiting. */
  received(response: ServerResponse, at: number): MatchedResponse | undefined {
    const i = this.pending.findIndex((p) => p.type === response.eventType);
    if (i < 0) return undefined;
    const [p] = this.pending.splice(i, 1);
    return {
      id: p!.id,
      type: p!.type,
      status: response.status,
      message: response.message,
      latencyMs: Math.round((at - p!.sentAt) * 10) / 10,
      extras: response.extras,
    };
  }

  /** Messages sent longer ago than `timeoutMs` with no response (shown as "no server-response"). */
  overdue(now: number, timeoutMs: number): PendingMessage[] {
    return this.pending.filter((p) => now - p.sentAt > timeoutMs);
  }

  waiting(): readonly PendingMessage[] {
    return this.pending;
  }
}
