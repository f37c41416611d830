import type { NewEvent } from '../../events.ts';
import { statusInfo, type Severity, type StatusInfo } from './status.ts';

/** Client → server messages (docs/vendors/mindcraft.md#client-messages). */
export interface ClientMessage {
  socket_type: 'agent_event' | 'intervent_event';
  event_name: string;
  event_params?: Record<string, unknown>;
  socket_id?: string;
}

export type StopUploadVariant = 'stream_asr' | 'agent_action';

export const clientMessages = {
  /** API-key auth: the first message after open ([C-code] ESP32 firmware). */
  authToken: (token: string): ClientMessage => ({ socket_type: 'agent_event', event_name: 'auth_token', event_params: { token } }),
  /** Start chat_bot_v3 (voice turn), or a text turn when `asr_text` is set. */
  start: (params: Record<string, unknown>): ClientMessage => ({ socket_type: 'agent_event', event_name: 'agent_action', event_params: params }),
  /** Stop voice upload: `stream_asr` (V3 demo) or `agent_action` (V2 firmware). */
  stopUpload: (variant: StopUploadVariant): ClientMessage => ({ socket_type: 'intervent_event', event_name: variant }),
  /** Stop the streamed answer (interrupt). */
  stopOutput: (): ClientMessage => ({ socket_type: 'intervent_event', event_name: 'stream_output' }),
};

/** The socket URL: endpoint + extra query + (device-token auth) `token`. */
export function socketUrl(endpoint: string, query: string, token?: string): string {
  const url = new URL(endpoint);
  for (const [k, v] of new URLSearchParams(query.replace(/^\?/, ''))) url.searchParams.set(k, v);
  if (token !== undefined) url.searchParams.set('token', token);
  return url.toString();
}

/** Where agent_output was found: the apifox examples (top level, 1003) or the V3 demo (socket_data, 1007). */
export type Placement = 'top-level' | 'socket_data';

interface Base {
  status: StatusInfo;
  socketMessage?: string;
  eventName?: string;
  agentName?: string;
  socketId?: string;
  raw: Record<string, unknown>;
}

export type ServerMessage =
  | (Base & { type: 'connected'; via: 'connected_with_token' | 'auth_succeeded' | 'connection_established' })
  | (Base & { type: 'asr'; text: string; final: boolean | undefined })
  | (Base & { type: 'emotion'; emotion: string; placement: Placement })
  | (Base & { type: 'llm'; zIndex: number; text: string; asrContent?: string; placement: Placement })
  | (Base & { type: 'tts'; zIndex: number; url: string; audioSeconds: number | undefined; placement: Placement })
  | (Base & { type: 'agent_output'; outputType: string; output: Record<string, unknown>; placement: Placement })
  | (Base & { type: 'agent_stop'; forced: boolean })
  | (Base & { type: 'error'; code: string; message: string })
  | (Base & { type: 'status' });

export type ParseResult = ServerMessage | { type: 'bad_frame'; reason: string; text: string };

/** One text frame → a typed message. Never throws: a frame that is not a JSON object becomes `bad_frame`. */
export function parseServerFrame(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { type: 'bad_frame', reason: `not JSON: ${(err as Error).message}`, text: text.slice(0, 2000) };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { type: 'bad_frame', reason: 'expected a JSON object', text: text.slice(0, 2000) };
  const m = raw as Record<string, unknown>;
  const code = toNumber(m.socket_status);
  const base: Base = {
    status: statusInfo(code),
    socketMessage: str(m.socket_message),
    eventName: str(m.event_name),
    agentName: str(m.agent_name),
    socketId: str(m.socket_id),
    raw: m,
  };
  const socketData = obj(m.socket_data);

  const top = obj(m.agent_output);
  const nested = obj(socketData?.agent_output);
  const output = top ?? nested;
  if (output) return parseAgentOutput(base, output, top ? 'top-level' : 'socket_data');

  if (base.socketMessage === 'agent_stop' || base.socketMessage === 'agent_stop_force' || code === 1006)
    return { ...base, type: 'agent_stop', forced: base.socketMessage === 'agent_stop_force' };
  if (code === 1004 && typeof socketData?.text === 'string')
    return { ...base, type: 'asr', text: socketData.text, final: typeof socketData.is_final === 'boolean' ? socketData.is_final : undefined };
  if (code === 1008 || code === 2002 || base.socketMessage === 'connection_established')
    return { ...base, type: 'connected', via: code === 2002 ? 'auth_succeeded' : code === 1008 ? 'connected_with_token' : 'connection_established' };
  if (base.status.severity === 'error') {
    const message = str(socketData?.error) ?? str(socketData?.message) ?? str(m.message) ?? base.socketMessage ?? base.status.meaning.en;
    return { ...base, type: 'error', code: String(code ?? 'unknown'), message };
  }
  return { ...base, type: 'status' };
}

function parseAgentOutput(base: Base, out: Record<string, unknown>, placement: Placement): ServerMessage {
  const outputType = str(out.output_type) ?? '';
  const zIndex = toNumber(out.z_index);
  if (outputType === 'emotion' || (outputType === '' && out.emotion_value !== undefined))
    return { ...base, type: 'emotion', emotion: String(out.emotion_output ?? out.emotion_value ?? ''), placement };
  if (outputType === 'llm' && typeof out.llm_response === 'string' && zIndex !== undefined)
    return { ...base, type: 'llm', zIndex, text: out.llm_response, asrContent: str(out.asr_content), placement };
  if (outputType === 'tts' && typeof out.tts_audio === 'string' && zIndex !== undefined)
    return { ...base, type: 'tts', zIndex, url: out.tts_audio, audioSeconds: toNumber(out.audio_seconds), placement };
  return { ...base, type: 'agent_output', outputType: outputType || 'unknown', output: out, placement };
}

/** The log event for a parsed frame: kind `mindcraft.<type>`, a one-line summary, the parsed fields and the frame. */
export function toEvent(p: ParseResult): NewEvent {
  if (p.type === 'bad_frame')
    return { kind: 'mindcraft.bad_frame', dir: 'in', summary: `unparseable frame (${p.reason})`, data: { severity: 'error', reason: p.reason, text: p.text } };
  const s = p.status;
  const status = { code: s.code, name: s.name, severity: s.severity as Severity, meaning: s.meaning };
  const head = `${s.code >= 0 ? s.code : '—'} ${s.name}`;
  const common = { status, socket_message: p.socketMessage, event_name: p.eventName, socket_id: p.socketId, raw: p.raw };
  switch (p.type) {
    case 'connected':
      return { kind: 'mindcraft.connected', dir: 'in', summary: `${head} · authenticated (${p.via})`, data: { ...common, via: p.via } };
    case 'asr':
      return { kind: 'mindcraft.asr', dir: 'in', summary: `${head} · ASR: ${p.text}`, data: { ...common, text: p.text, final: p.final } };
    case 'emotion':
      return {
        kind: 'mindcraft.emotion',
        dir: 'in',
        summary: `${head} · emotion: ${p.emotion} (${p.placement})`,
        data: { ...common, emotion: p.emotion, placement: p.placement },
      };
    case 'llm':
      return {
        kind: 'mindcraft.llm',
        dir: 'in',
        summary: `${head} · llm #${p.zIndex}: ${p.text}`,
        data: { ...common, z_index: p.zIndex, text: p.text, asr_content: p.asrContent, placement: p.placement },
      };
    case 'tts':
      return {
        kind: 'mindcraft.tts',
        dir: 'in',
        summary: `${head} · tts #${p.zIndex}: ${p.audioSeconds ?? '?'} s ${p.url}`,
        data: { ...common, z_index: p.zIndex, url: p.url, audio_seconds: p.audioSeconds, placement: p.placement },
      };
    case 'agent_output':
      return {
        kind: 'mindcraft.agent_output',
        dir: 'in',
        summary: `${head} · agent_output ${p.outputType} (${p.placement})`,
        data: { ...common, output_type: p.outputType, output: p.output, placement: p.placement },
      };
    case 'agent_stop':
      return {
        kind: 'mindcraft.agent_stop',
        dir: 'in',
        summary: `${head} · ${p.forced ? 'agent stopped (forced)' : 'agent stopped: end of answer'}`,
        data: { ...common, forced: p.forced },
      };
    case 'error':
      return { kind: 'mindcraft.error', dir: 'in', summary: `${head} · ${p.message}`, data: { ...common, code: p.code, message: p.message } };
    default:
      return { kind: 'mindcraft.status', dir: 'in', summary: `${head} · ${p.socketMessage ?? s.meaning.en}`, data: common };
  }
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
