/**
 * Convai data-channel messages → typed session events (docs/vendors/convai.md#data-channel-messages). Accepts the RTVI envelope
 * (`label: "rtvi-ai"`), the same messages without a label (the SDK ignores it), and the legacy direct
 * `server-response` form. Pure and total: a bad message becomes an `error` event, never an exception.
 * Used by the renderer (LiveKit DataReceived and the recorded-sequence replay) and by the tests.
 */
import type { NewEvent } from '../../../events.ts';
import { AudioDataError, decodeAudioData, type PcmChunk } from './audio-data.ts';

export interface ServerMetricEntry {
  processor: string;
  model?: string;
  /** ttfb/processing in seconds; custom as reported. */
  value: number;
  metric?: string;
}

export interface ServerMetrics {
  kind: 'ttfb' | 'processing' | 'custom';
  entries: ServerMetricEntry[];
}

export interface ServerResponse {
  eventType: string;
  status: string;
  message: string;
  extras?: unknown;
}

export interface ParsedDataMessage {
  /** The event to record (kind `convai.<type>` or `error`). */
  event: NewEvent;
  /** The effective message type (`data.type` for server-message payloads); '' when unparseable. */
  type: string;
  /** The parsed JSON message, when it was JSON. */
  message?: Record<string, unknown>;
  audio?: PcmChunk;
  metrics?: ServerMetrics;
  response?: ServerResponse;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

const SPEAKING: Record<string, string> = {
  'user-started-speaking': 'user started speaking',
  'user-stopped-speaking': 'user stopped speaking',
  'bot-started-speaking': 'bot started speaking',
  'bot-stopped-speaking': 'bot stopped speaking',
  'bot-llm-started': 'bot LLM started (thinking)',
  'bot-llm-stopped': 'bot LLM stopped',
  'bot-tts-started': 'bot TTS started',
  'bot-tts-stopped': 'bot TTS stopped',
  'user-mute-started': 'user muted',
  'user-mute-stopped': 'user unmuted',
};

/** Messages the client sends; the server may echo them back (the SDK ignores the echoes). */
const CLIENT_TYPES = new Set(['user_text_message', 'trigger-message', 'interrupt-bot', 'update-template-keys', 'update-dynamic-info', 'tts-toggle']);

function error(summary: string, data: unknown): ParsedDataMessage {
  return {
    event: { kind: 'error', dir: 'in', summary: `data channel: ${summary}`, data: { code: 'BAD_DATA_MESSAGE', message: summary, received: data } },
    type: '',
  };
}

function preview(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const safeKind = (type: string) => `convai.${type.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'message'}`;

/** Parse one data-channel payload (bytes from LiveKit `DataReceived`, or text). */
export function parseDataMessage(payload: Uint8Array | string): ParsedDataMessage {
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : decoder.decode(payload);
  } catch {
    return error(`not UTF-8 text (${(payload as Uint8Array).length} bytes)`, { bytes: (payload as Uint8Array).length });
  }
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return error(`not JSON: ${preview(text)}`, preview(text));
  }
  return parseMessageObject(message);
}

/** Parse a message that is already an object (replay of recorded sequences). */
export function parseMessageObject(message: unknown): ParsedDataMessage {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return error('expected a JSON object', message);
  const m = message as Record<string, unknown>;
  if (typeof m.type !== 'string' || !m.type) return error('message without a "type"', m);
  if (m.label !== undefined && m.label !== 'rtvi-ai') return error(`unknown label "${str(m.label)}" (expected "rtvi-ai")`, m);
  const data = (m.data && typeof m.data === 'object' && !Array.isArray(m.data) ? m.data : {}) as Record<string, unknown>;
  try {
    if (m.type === 'server-response') return serverResponse(m);
    if (m.type === 'server-message') return serverMessage(m, data);
    if (m.type === 'metrics') return metrics(m, data);
    return rtvi(m, m.type, data);
  } catch (err) {
    return error(`${m.type}: ${(err as Error).message}`, m);
  }
}

function ok(m: Record<string, unknown>, type: string, summary: string, data: unknown, extra: Partial<ParsedDataMessage> = {}): ParsedDataMessage {
  return { event: { kind: safeKind(type), dir: 'in', summary, data }, type, message: m, ...extra };
}

function rtvi(m: Record<string, unknown>, type: string, data: Record<string, unknown>): ParsedDataMessage {
  if (SPEAKING[type]) return ok(m, type, SPEAKING[type]!, m);
  switch (type) {
    case 'bot-ready':
      return ok(m, type, `bot ready${data.version ? ` (RTVI ${str(data.version)})` : ''}`, m);
    case 'user-transcription':
      return ok(m, type, `user ${data.final === true ? 'final' : 'partial'}: ${str(data.text)}`, m);
    case 'bot-transcription':
      return ok(m, type, `bot: ${str(data.text)}`, m);
    case 'bot-llm-text':
      return ok(m, type, `bot LLM text: ${str(data.text)}`, m);
    case 'bot-tts-text':
      return ok(m, type, `bot TTS text: ${str(data.text)}`, m);
    case 'user-llm-text':
      return ok(m, type, `user LLM text: ${str(data.text)}`, m);
    case 'bot-emotion':
      return ok(m, type, emotionSummary(data), m);
    case 'action-response':
      return ok(m, type, `actions: ${Array.isArray(data.actions) ? data.actions.map(str).join(', ') || '(none)' : str(data.actions)}`, m);
    case 'behavior-tree-response':
      return ok(m, type, `narrative section ${str(data.narrative_section_id)}`, m);
    case 'moderation-response':
      return ok(m, type, `moderation: ${preview(str(data.result ?? data.message ?? data))}`, m);
    case 'error':
      return {
        event: {
          kind: 'convai.error',
          dir: 'in',
          summary: `server error${data.fatal === true ? ' (fatal)' : ''}: ${str(data.error ?? data.message)}`,
          data: m,
        },
        type,
        message: m,
      };
    default:
      if (CLIENT_TYPES.has(type)) return ok(m, type, `echo of ${type}`, m);
      return ok(m, type, `${type}${Object.keys(data).length ? `: ${preview(JSON.stringify(data))}` : ''}`, m);
  }
}

function emotionSummary(d: Record<string, unknown>): string {
  return `emotion: ${str(d.emotion) || '(none)'}${d.scale !== undefined ? ` × ${str(d.scale)}` : ''}`;
}

function serverResponse(m: Record<string, unknown>): ParsedDataMessage {
  // Legacy direct form; tolerate it inside `data` too.
  const src = typeof m.event_type === 'string' ? m : ((m.data ?? {}) as Record<string, unknown>);
  const response: ServerResponse = { eventType: str(src.event_type), status: str(src.status), message: str(src.message), extras: src.extras };
  if (!response.eventType) return error('server-response without "event_type"', m);
  const summary = `${response.eventType} → ${response.status || '?'}${response.message ? ` · ${response.message}` : ''}`;
  return ok(m, 'server-response', summary, m, { response });
}

function serverMessage(m: Record<string, unknown>, data: Record<string, unknown>): ParsedDataMessage {
  const inner = typeof data.type === 'string' ? data.type : '';
  switch (inner) {
    case 'audio-data': {
      let audio: PcmChunk;
      try {
        audio = decodeAudioData(data);
      } catch (err) {
        if (err instanceof AudioDataError) return error(`audio-data ${err.message}`, { ...data, audio: `<${str(data.audio).length} base64 chars>` });
        throw err;
      }
      // The log keeps the shape, not the samples: the player gets them from `audio`.
      const logged = { label: m.label, type: m.type, data: { ...data, audio: `<${audio.samples.length * 2} bytes PCM>` } };
      const summary = `audio ${audio.durationMs.toFixed(0)} ms · ${audio.sampleRate} Hz · ${audio.channels === 1 ? 'mono' : 'stereo'}${data.includes_wav_header ? ' · WAV header stripped' : ''}`;
      return ok(m, 'audio-data', summary, logged, { audio });
    }
    case 'bot-emotion':
      return ok(m, 'bot-emotion', emotionSummary(data), m);
    case 'chunked-neurosync-blendshapes': {
      const n = Array.isArray(data.blendshapes) ? data.blendshapes.length : 0;
      return ok(m, 'blendshapes', `blendshapes: ${n} frame${n === 1 ? '' : 's'}`, m);
    }
    case 'blendshape-turn-stats':
      return ok(m, 'blendshape-turn-stats', `blendshape turn stats: ${preview(JSON.stringify(data.stats ?? {}))}`, m);
    case 'interaction-created':
      return ok(m, 'interaction-created', `interaction created${data.interaction_id ? ` ${str(data.interaction_id)}` : ''}`, m);
    case '':
      return ok(m, 'server-message', `server message: ${preview(JSON.stringify(data))}`, m);
    default:
      return ok(m, inner, `server message ${inner}: ${preview(JSON.stringify(data))}`, m);
  }
}

function metrics(m: Record<string, unknown>, data: Record<string, unknown>): ParsedDataMessage {
  const kind = (['ttfb', 'processing', 'custom'] as const).find((k) => Array.isArray(data[k]));
  if (!kind) return error(`metrics: expected one of ttfb, processing, custom in data, got ${Object.keys(data).join(', ') || 'nothing'}`, m);
  const entries: ServerMetricEntry[] = (data[kind] as unknown[]).map((e) => {
    const r = (e ?? {}) as Record<string, unknown>;
    // The doc shows placeholder strings; real servers send numbers. Accept both.
    const value = typeof r.value === 'number' ? r.value : Number(r.value);
    return { processor: str(r.processor), ...(r.model ? { model: str(r.model) } : {}), value, ...(r.metric ? { metric: str(r.metric) } : {}) };
  });
  const unit = kind === 'custom' ? '' : ' s';
  const summary = `${kind} · ${entries.map((e) => `${e.metric ?? e.processor}${e.model ? ` (${e.model})` : ''} ${Number.isFinite(e.value) ? e.value : '?'}${unit}`).join(', ')}`;
  return ok(m, 'metrics', summary, m, { metrics: { kind, entries } });
}
