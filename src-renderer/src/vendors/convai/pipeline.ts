import type { NewEvent } from '../../../../src-main/core/events.ts';
import { parseDataMessage, parseMessageObject, type ParsedDataMessage } from '../../../../src-main/core/vendors/convai/common/rtvi.ts';
import { ResponseMatcher, type ClientMessage, type MatchedResponse } from '../../../../src-main/core/vendors/convai/common/client-messages.ts';
import { ConvaiTimeline } from '../../../../src-main/core/vendors/convai/common/metrics.ts';
import type { PcmChunk } from '../../../../src-main/core/vendors/convai/common/audio-data.ts';

/**
 * Everything that happens to a Convai data-channel message in the renderer, whether it came from the LiveKit
 * room or from a recorded sequence: parse → event in the session record (batched `session.record`) → audio to
 * the stream player → timeline metrics → server-response matching → the panel's state.
 */
export interface PipelineDeps {
  /** Append events to the session record (session.record); absent when no session is running. */
  record?: (events: NewEvent[]) => Promise<unknown>;
  /** Data-channel audio goes here (the stream player). */
  playAudio?: (chunk: PcmChunk) => void;
  now?: () => number;
  /** Called after every state change (the component bumps a version). */
  onChange?: () => void;
  flushMs?: number;
}

export interface TranscriptLine {
  who: 'user' | 'bot';
  text: string;
  final: boolean;
}

export interface PipelineState {
  messages: number;
  errors: number;
  byType: Record<string, number>;
  transcript: TranscriptLine[];
  emotion: string | null;
  botReady: boolean;
  speaking: { user: boolean; bot: boolean };
  responses: (MatchedResponse & { unmatched?: boolean })[];
  dataAudio: { chunks: number; seconds: number; sampleRate: number | null; channels: number | null; withHeader: number };
  /** The newest local events (also recorded), for the panel when no session record is available. */
  recent: NewEvent[];
  turnLatencies: number[];
  serverMetrics: { kind: string; label: string; value: number }[];
  recordErrors: string[];
}

const RECENT = 200;

export class DataChannelPipeline {
  readonly state: PipelineState = DataChannelPipeline.empty();
  readonly timeline = new ConvaiTimeline();
  readonly matcher = new ResponseMatcher();
  private pending: NewEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly deps: PipelineDeps;
  private readonly now: () => number;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => performance.now());
  }

  static empty(): PipelineState {
    return {
      messages: 0,
      errors: 0,
      byType: {},
      transcript: [],
      emotion: null,
      botReady: false,
      speaking: { user: false, bot: false },
      responses: [],
      dataAudio: { chunks: 0, seconds: 0, sampleRate: null, channels: null, withHeader: 0 },
      recent: [],
      turnLatencies: [],
      serverMetrics: [],
      recordErrors: [],
    };
  }

  /** A payload from LiveKit DataReceived (bytes) or text. */
  receive(payload: Uint8Array | string): ParsedDataMessage {
    return this.handle(parseDataMessage(payload));
  }

  /** A message object (recorded sequence replay). */
  receiveObject(message: unknown): ParsedDataMessage {
    return this.handle(parseMessageObject(message));
  }

  /** A client message the console published (for the log and for matching its server-response). */
  sent(message: ClientMessage): void {
    this.matcher.sent(message.type, this.now());
    this.push({
      kind: `convai.client.${message.type}`,
      dir: 'out',
      summary: `sent ${message.type}${typeof message.data.text === 'string' ? `: ${message.data.text}` : ''}`,
      data: message,
    });
    this.changed();
  }

  /** Room lifecycle facts the panel reports (joined, left, track subscribed ...). */
  local(event: NewEvent): void {
    this.push(event);
    this.changed();
  }

  roomJoinStarted(): void {
    this.timeline.roomJoinStarted(this.now());
  }

  roomJoined(): void {
    for (const m of this.timeline.roomJoined(this.now())) this.push(m);
    this.changed();
  }

  private handle(p: ParsedDataMessage): ParsedDataMessage {
    const s = this.state;
    const at = this.now();
    s.messages++;
    if (p.event.kind === 'error') s.errors++;
    else s.byType[p.type] = (s.byType[p.type] ?? 0) + 1;
    this.push(p.event);
    const data = (p.message?.data ?? {}) as Record<string, unknown>;
    switch (p.type) {
      case 'bot-ready':
        s.botReady = true;
        break;
      case 'user-started-speaking':
      case 'user-stopped-speaking':
        s.speaking.user = p.type === 'user-started-speaking';
        break;
      case 'bot-started-speaking':
      case 'bot-stopped-speaking':
        s.speaking.bot = p.type === 'bot-started-speaking';
        break;
      case 'user-transcription':
        this.transcript('user', String(data.text ?? ''), data.final === true, true);
        break;
      case 'bot-llm-text':
        this.appendBot(String(data.text ?? ''));
        break;
      case 'bot-transcription':
        this.transcript('bot', String(data.text ?? ''), true, true);
        break;
      case 'bot-emotion':
        s.emotion = `${String(data.emotion ?? '')}${data.scale !== undefined ? ` × ${String(data.scale)}` : ''}`;
        break;
      case 'metrics':
        for (const e of p.metrics!.entries)
          s.serverMetrics.push({ kind: p.metrics!.kind, label: `${e.metric ?? e.processor}${e.model ? ` (${e.model})` : ''}`, value: e.value });
        break;
      case 'server-response': {
        const matched = this.matcher.received(p.response!, at);
        s.responses.push(
          matched ?? {
            id: 0,
            type: p.response!.eventType,
            status: p.response!.status,
            message: p.response!.message,
            latencyMs: NaN,
            extras: p.response!.extras,
            unmatched: true,
          },
        );
        if (matched)
          this.push({
            kind: 'metric',
            dir: 'local',
            summary: `${matched.type} answered in ${matched.latencyMs} ms`,
            data: { name: 'convai.response_ms', value: matched.latencyMs, unit: 'ms', source: 'measured' },
          });
        break;
      }
      case 'audio-data': {
        const a = p.audio!;
        const d = s.dataAudio;
        d.chunks++;
        d.seconds += a.durationMs / 1000;
        d.sampleRate = a.sampleRate;
        d.channels = a.channels;
        if (data.includes_wav_header === true) d.withHeader++;
        this.deps.playAudio?.(a);
        break;
      }
    }
    for (const m of this.timeline.onMessage(p, at)) this.push(m);
    s.turnLatencies = [...this.timeline.turns];
    this.changed();
    return p;
  }

  private transcript(who: 'user' | 'bot', text: string, final: boolean, replacePartial: boolean): void {
    const t = this.state.transcript;
    const last = t[t.length - 1];
    if (replacePartial && last && last.who === who && !last.final) {
      last.text = text;
      last.final = final;
    } else t.push({ who, text, final });
  }

  /** Streamed LLM tokens build one partial bot line; bot-transcription (or the next turn) finalises it. */
  private appendBot(chunk: string): void {
    const t = this.state.transcript;
    const last = t[t.length - 1];
    if (last && last.who === 'bot' && !last.final) last.text += chunk;
    else t.push({ who: 'bot', text: chunk, final: false });
  }

  private push(event: NewEvent): void {
    const r = this.state.recent;
    r.push(event);
    if (r.length > RECENT) r.splice(0, r.length - RECENT);
    if (!this.deps.record) return;
    this.pending.push(event);
    this.timer ??= setTimeout(() => void this.flush(), this.deps.flushMs ?? 50);
  }

  /** Send what is pending to the session record (in order; one call at a time). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.splice(0, 5000);
    if (!batch.length || !this.deps.record) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.deps.record!(batch).then(
        () => undefined,
        (err: Error) => {
          this.state.recordErrors.push(err.message);
          this.changed();
        },
      ),
    );
    if (this.pending.length) return this.flush();
    return this.flushing;
  }

  private changed(): void {
    this.deps.onChange?.();
  }
}
