import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import WebSocket from 'ws';
import type { MetricData } from '../../events.ts';
import { STANDARD_METRICS } from '../../events.ts';
import { sendHttp, TransportError } from '../../http.ts';
import { resourcePath } from '../../resources.ts';
import { encodeWav, loadSpeech, paceFrames, pcm16FromBytes, pcm16ToBytes, PcmResampler, splitFrames, toMono } from '../../audio/index.ts';
import type { OperationOutcome, SessionContext, VendorError } from '../types.ts';
import { clientMessages, parseServerFrame, socketUrl, toEvent, type ClientMessage, type ServerMessage } from './protocol.ts';
import { AUTH_METHODS, readSettings, type AuthMethod, type MindcraftSettings } from './schema.ts';
import { BOT_AUDIO_METRIC, Turn, type TurnReport } from './turn.ts';

/** What a chat_bot_v3 session returns (summary JSON, CLI report). */
export interface ConversationResult {
  url: string;
  /** confirmedBy: a 1008/2002 frame the server sent on its own (the document shows none; Parley never waits for one). */
  auth: { method: AuthMethod; confirmedBy: string | null };
  stopUploadMessage: string;
  /** agent_output placements the server used: top-level (1003) and/or socket_data (1007). */
  placements: string[];
  turns: TurnReport[];
}

export interface SendWavOptions {
  path?: string;
  base64?: string;
  /** A file name in resources/utterances (the panel's sample list). */
  sample?: string;
  realtime?: boolean;
  frameMs?: number;
  stopUpload?: boolean;
}

class ActionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The socket URL of the sandbox (`http://127.0.0.1:<port>/mindcraft` → `ws://…/mindcraft/socket-v1/`). */
export function sandboxSocketUrl(sandboxUrl: string): string {
  return sandboxUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/socket-v1/';
}

/**
 * One chat_bot_v3 WebSocket session: connect, authenticate, then turns driven by actions (audio, send_wav, text,
 * stop_upload, stop_output) until the socket closes or the session is stopped.
 */
export class Conversation {
  private readonly ctx: SessionContext;
  private readonly settings: MindcraftSettings;
  private readonly endpoint: string;
  private ws: WebSocket | null = null;
  private readonly started = performance.now();
  private readonly turns: Turn[] = [];
  private readonly placements = new Set<string>();
  private confirmedBy: string | null = null;
  private readyPromise: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: Error) => void;
  private finished = false;
  private finishResolve!: (o: OperationOutcome) => void;
  private readonly outcome: Promise<OperationOutcome>;
  private error: VendorError | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private socketCounter = 0;
  private firstServerEvent = false;
  private firstAudio = false;
  private resampler: PcmResampler | null = null;
  private turnWaiters: (() => void)[] = [];
  private sendChain: Promise<unknown> = Promise.resolve();

  constructor(ctx: SessionContext, endpoint: string) {
    this.ctx = ctx;
    this.settings = readSettings(ctx.profile.settings);
    this.endpoint = endpoint;
    this.readyPromise = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.readyPromise.catch(() => undefined);
    this.outcome = new Promise((r) => (this.finishResolve = r));
  }

  async run(): Promise<OperationOutcome> {
    const { ctx, settings } = this;
    ctx.onAction((action, data) => this.action(action, data));
    ctx.signal.addEventListener('abort', () => this.finish(null, 'stopped'), { once: true });
    const method = settings.authMethod;
    const token = await ctx.credential(AUTH_METHODS[method].credential);
    let url: string;
    try {
      url = socketUrl(this.endpoint, settings.query, method === 'device_token' ? token : undefined);
    } catch {
      return this.finishNow({ code: 'BAD_ENDPOINT', message: `endpoint: expected a ws:// or wss:// URL, got "${this.endpoint}"` });
    }
    // docs/vendors/mindcraft.md#authentication: the documented form is the Authorization header on the upgrade.
    const headers: Record<string, string> = method === 'api_key' ? { Authorization: `Bearer ${token}` } : {};
    this.connect(url, headers, method === 'api_key_message' ? token : undefined);
    return this.outcome;
  }

  private finishNow(error: VendorError): Promise<OperationOutcome> {
    this.ctx.fail(error);
    this.error = error;
    this.finish(null, 'failed');
    return this.outcome;
  }

  private connect(url: string, headers: Record<string, string>, firstMessageKey: string | undefined): void {
    const { ctx } = this;
    // The credential in the Authorization header is redacted from the event like every registered secret.
    ctx.emit({ kind: 'ws.connecting', dir: 'out', summary: `connecting ${url} · auth: ${AUTH_METHODS[this.settings.authMethod].label}`, data: { url, authMethod: this.settings.authMethod, headers } });
    const ws = new WebSocket(url, { headers, handshakeTimeout: ctx.timeouts.connectMs, maxPayload: 16 * 1024 * 1024 });
    this.ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 2000);
        this.fail({ code: `HTTP_${res.statusCode}`, message: `WebSocket upgrade refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}${body ? ` · ${body}` : ''}`.trim(), httpStatus: res.statusCode }, true);
      });
      res.on('error', () => this.fail({ code: `HTTP_${res.statusCode}`, message: `WebSocket upgrade refused: HTTP ${res.statusCode}`, httpStatus: res.statusCode }, true));
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (this.finished) return;
      const code = err.code === 'ECONNREFUSED' ? 'connection_refused' : err.code === 'ECONNRESET' ? 'connection_reset' : /handshake has timed out/i.test(err.message) ? 'timeout' : err.code === 'ENOTFOUND' ? 'dns' : 'ws_error';
      this.fail({ code, message: err.message || code }, true);
    });
    ws.on('open', () => this.onOpen(url, firstMessageKey));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      const text = reason.toString('utf8');
      ctx.emit({ kind: 'ws.close', dir: 'in', summary: `closed ${code}${text ? ` · ${text}` : ''}`, data: { code, reason: text } });
      if (this.finished) return;
      const turn = this.current();
      if (code !== 1000 || turn?.active) {
        this.fail({ code: `WS_CLOSED_${code}`, message: `the server closed the socket (${code}${text ? ` ${text}` : ''})${turn?.active ? ` during turn ${turn.number}` : ''}` }, true);
      } else this.finish(null, 'closed by the server');
    });
  }

  /**
   * The socket is up and the credential is on its way: the session is ready at once. The document shows no
   * acknowledgement for any auth method, so none is awaited (a wait would be timed as vendor latency); a failed
   * auth arrives as a status frame (2001/2004) and ends the session then.
   */
  private onOpen(url: string, firstMessageKey: string | undefined): void {
    const { ctx, settings } = this;
    ctx.emit({ kind: 'ws.open', dir: 'in', summary: `open ${url}`, data: { url } });
    if (firstMessageKey !== undefined) this.sendJson(clientMessages.authToken(firstMessageKey), 'auth_token (API key, first message)');
    const auth = AUTH_METHODS[settings.authMethod];
    ctx.emit({
      kind: 'mindcraft.auth',
      dir: 'local',
      summary: `authenticated by ${auth.label}${auth.documented ? '' : ' (inferred form, not in the document)'} · no acknowledgement expected`,
      data: { method: settings.authMethod, confirmedBy: this.confirmedBy, documented: auth.documented },
    });
    this.metric({ name: STANDARD_METRICS.setup, value: this.since(this.started), unit: 'ms', source: 'measured' });
    this.readyResolve();
    const text = this.ctx.payload.asr_text;
    if (typeof text === 'string' && text.trim()) this.startTurn('text', text);
  }

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.finished) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (!this.firstServerEvent) {
      this.firstServerEvent = true;
      this.metric({ name: STANDARD_METRICS.firstServerEvent, value: this.since(this.started), unit: 'ms', source: 'measured' });
    }
    if (isBinary) {
      this.ctx.emit({ kind: 'ws.binary', dir: 'in', summary: `${bytes.length} B binary (not expected from chat_bot_v3)`, data: { bytes: bytes.length } });
      return;
    }
    const parsed = parseServerFrame(bytes.toString('utf8'));
    this.ctx.emit(toEvent(parsed));
    if (parsed.type === 'bad_frame') {
      this.fail({ code: 'BAD_FRAME', message: `the server sent a frame Parley cannot parse (${parsed.reason})` }, true);
      return;
    }
    this.armWatchdog();
    this.onMessage(parsed);
  }

  private onMessage(m: ServerMessage): void {
    const now = performance.now();
    const turn = this.current();
    if ('placement' in m) this.placements.add(m.placement === 'top-level' ? 'top-level (1003)' : 'socket_data (1007)');
    if (turn && turn.state === 'waiting' && (m.type === 'asr' || m.type === 'llm' || m.type === 'tts' || m.type === 'emotion')) turn.state = 'answering';
    switch (m.type) {
      case 'connected':
        this.confirmedBy ??= `${m.status.code} ${m.status.name}`;
        return;
      case 'asr':
        if (!turn) return;
        turn.asrText = m.text;
        this.metric(turn.observe('asr', now));
        return;
      case 'emotion':
        if (turn) turn.emotion = m.emotion;
        return;
      case 'llm': {
        if (!turn) return;
        turn.segment(m.zIndex).text = m.text;
        // The document's stream carries the recognised text only here (docs/vendors/mindcraft.md#server-messages):
        // it is the turn's ASR text and its first arrival is the turn's first ASR moment.
        if (m.asrContent) {
          turn.asrText ??= m.asrContent;
          this.metric(turn.observe('asr', now));
        }
        this.metric(turn.observe('llm', now));
        return;
      }
      case 'tts': {
        if (!turn) return;
        this.metric(turn.observe('tts', now));
        if (turn.state === 'interrupted') {
          this.ctx.emit({ kind: 'mindcraft.tts_ignored', dir: 'local', summary: `tts #${m.zIndex} arrived after stop_output: not fetched`, data: { turn: turn.number, z_index: m.zIndex } });
          return;
        }
        const seg = turn.segment(m.zIndex);
        seg.url = m.url;
        seg.audioSeconds = m.audioSeconds;
        turn.fetches.push(this.fetchSegment(turn, m.zIndex, m.url));
        return;
      }
      case 'agent_stop': {
        // After stop_output + a new turn, the forced stop belongs to the interrupted turn, not the new one.
        const target = this.turns.find((t) => t.state === 'interrupted' && !this.ended.has(t.number)) ?? turn;
        // A turn still uploading has not been heard yet: this agent_stop answers an earlier stop_output.
        if (target?.state === 'uploading') return;
        if (target && !this.ended.has(target.number)) void this.endTurn(target, target.state === 'interrupted' || m.forced ? 'interrupted' : 'done');
        return;
      }
      case 'error': {
        const error: VendorError = { code: m.code, message: m.message, requestId: m.socketId, details: m.raw };
        if (m.status.fatal) return this.fail(error, true);
        this.ctx.fail(error);
        if (turn?.active) {
          turn.error = { code: error.code, message: error.message };
          void this.endTurn(turn, 'failed');
        }
        return;
      }
      default:
        return;
    }
  }

  /** Fetch a TTS mp3 in main (the renderer's CSP stays closed), keep it in the session, announce it to the player. */
  private async fetchSegment(turn: Turn, zIndex: number, url: string): Promise<void> {
    const seg = turn.segment(zIndex);
    const fail = (code: string, message: string) => {
      seg.error = `${code}: ${message}`;
      this.ctx.fail({ code, message: `tts #${zIndex} (turn ${turn.number}): ${message}` });
      this.ctx.emit({ kind: 'audio.segment', dir: 'in', summary: `turn ${turn.number} · segment #${zIndex} missing (${code})`, data: { turn: turn.number, z_index: zIndex, missing: true, error: seg.error, url } });
    };
    if (!/^https?:\/\//i.test(url)) return fail('TTS_URL', `expected an http(s) URL, got "${url.slice(0, 200)}"`);
    try {
      const ex = await sendHttp({ method: 'GET', url, timeoutMs: this.ctx.timeouts.responseMs }, this.ctx.signal);
      if (ex.status !== 200) return fail(`HTTP_${ex.status}`, `GET ${url} answered ${ex.status} ${ex.bodyText.slice(0, 200)}`);
      if (this.finished) return;
      const ext = extname(new URL(url).pathname).toLowerCase() || '.mp3';
      const file = await this.ctx.writeFile(`turn-${turn.number}-bot-${String(zIndex).padStart(3, '0')}${ext}`, ex.bodyBytes);
      seg.file = file;
      const now = performance.now();
      if (!this.firstAudio) {
        this.firstAudio = true;
        // From the start of the turn (its first speech frame or its text), not of the session: time the user
        // spent before speaking is not the vendor's.
        this.metric({ name: STANDARD_METRICS.firstAudio, value: this.since(turn.startedAt), unit: 'ms', turn: turn.number, source: 'measured' });
      }
      this.metric(turn.observe('audio_ready', now));
      this.ctx.emit({
        kind: 'audio.segment',
        dir: 'in',
        summary: `turn ${turn.number} · segment #${zIndex} · ${seg.audioSeconds ?? '?'} s · ${file}${seg.text ? ` · ${seg.text}` : ''}`,
        data: { turn: turn.number, z_index: zIndex, text: seg.text, file, audio_seconds: seg.audioSeconds, mime: ex.headers['content-type'] ?? 'audio/mpeg', bytes: ex.bodyBytes.length, url, fetchMs: Math.round(ex.durationMs) },
      });
    } catch (err) {
      if (this.finished && err instanceof TransportError && err.code === 'aborted') return;
      fail(err instanceof TransportError ? err.code : 'TTS_FETCH', (err as Error).message);
    }
  }

  private async action(action: string, data: unknown): Promise<unknown> {
    if (this.finished) throw new ActionError('SESSION_ENDED', 'the session has ended');
    const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    await this.readyPromise;
    if (action === 'wait_turn') return this.waitTurn(typeof d.timeoutMs === 'number' ? d.timeoutMs : this.ctx.timeouts.responseMs * 4);
    switch (action) {
      case 'audio':
        return this.serial(() => this.audioFrame(d));
      case 'send_wav':
        return this.serial(() => this.sendWav(d as SendWavOptions));
      case 'text': {
        if (typeof d.text !== 'string' || !d.text.trim()) throw new ActionError('BAD_ACTION', 'text: expected {"text": "<what the user says>"}');
        const turn = this.startTurn('text', d.text);
        return { turn: turn.number };
      }
      case 'stop_upload':
        return this.serial(() => this.stopUpload());
      case 'stop_output':
        return this.stopOutput();
      default:
        throw new ActionError('BAD_ACTION', `action: expected audio, send_wav, text, stop_upload, stop_output or wait_turn, got "${action}"`);
    }
  }

  /** Audio frames, WAV uploads and stop-upload keep their order even when the renderer does not await each call. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.sendChain.then(fn, fn);
    this.sendChain = next.catch(() => undefined);
    return next;
  }

  private current(): Turn | undefined {
    return this.turns[this.turns.length - 1];
  }

  private startTurn(kind: 'voice' | 'text', text?: string): Turn {
    const previous = this.current();
    if (previous?.active) {
      // The demo's turn order: stop the previous answer before starting the next turn.
      this.stopOutput();
    }
    const turn = new Turn(this.turns.length + 1, kind, performance.now());
    turn.uploadRate = this.uploadRate();
    this.turns.push(turn);
    this.resampler = null;
    const params: Record<string, unknown> = { ...this.ctx.payload };
    if (kind === 'text') params.asr_text = text;
    else delete params.asr_text;
    this.sendJson(clientMessages.start(params), `agent_action chat_bot_v3 · turn ${turn.number} (${kind === 'text' ? `text: ${text}` : 'voice'})`);
    if (kind === 'text') this.armWatchdog();
    else if (this.ctx.payload.upload_format === 'wav') this.sendBinary(turn, encodeWavStreamHeader(turn.uploadRate));
    return turn;
  }

  private uploadRate(): number {
    const r = this.ctx.payload.upload_sample_rate;
    return typeof r === 'number' && r > 0 ? r : 16000;
  }

  /** The turn that takes speech now: the open upload, or a new voice turn. */
  private uploadTurn(): Turn {
    const fmt = this.ctx.payload.upload_format ?? 'pcm';
    if (fmt !== 'pcm' && fmt !== 'wav')
      throw new ActionError('UNSUPPORTED_FORMAT', `upload_format "${String(fmt)}": Parley uploads pcm or wav; choose one of them to send speech (text turns work with any)`);
    const turn = this.current();
    return turn?.state === 'uploading' ? turn : this.startTurn('voice');
  }

  private async audioFrame(d: Record<string, unknown>): Promise<unknown> {
    if (typeof d.pcm !== 'string') throw new ActionError('BAD_ACTION', 'audio: expected {"pcm": "<base64 PCM16 little-endian>", "sampleRate": 48000, "channels": 1}');
    const rate = typeof d.sampleRate === 'number' ? d.sampleRate : this.uploadRate();
    const channels = d.channels === 2 ? 2 : 1;
    const turn = this.uploadTurn();
    const mono = toMono(pcm16FromBytes(Buffer.from(d.pcm, 'base64')), channels);
    if (!this.resampler || this.resampler.fromRate !== rate) this.resampler = new PcmResampler(rate, turn.uploadRate);
    const out = this.resampler.push(mono);
    if (out.length) this.sendPcm(turn, out);
    return { turn: turn.number, samples: out.length };
  }

  private async sendWav(o: SendWavOptions): Promise<unknown> {
    const bytes = readWavInput(o);
    const turn = this.uploadTurn();
    let speech;
    try {
      speech = loadSpeech(bytes, turn.uploadRate);
    } catch (err) {
      throw new ActionError('WAV_INVALID', `send_wav: ${(err as Error).message}`);
    }
    const frameMs = typeof o.frameMs === 'number' && o.frameMs >= 5 && o.frameMs <= 1000 ? o.frameMs : 20;
    const realtime = o.realtime !== false;
    this.ctx.emit({
      kind: 'mindcraft.upload',
      dir: 'local',
      summary: `turn ${turn.number} · sending ${speech.source.seconds.toFixed(2)} s of speech (${speech.source.sampleRate} Hz ${speech.source.channels} ch → ${turn.uploadRate} Hz mono) in ${frameMs} ms frames, ${realtime ? 'real time' : 'as fast as possible'}`,
      data: { turn: turn.number, source: speech.source, uploadRate: turn.uploadRate, frameMs, realtime },
    });
    const frames = splitFrames(pcm16ToBytes(speech.samples), turn.uploadRate, frameMs);
    const sent = await paceFrames(frames, (f) => this.sendPcm(turn, pcm16FromBytes(f)), { realtime, frameMs, signal: this.ctx.signal });
    if (o.stopUpload !== false && !this.finished) await this.stopUpload();
    return { turn: turn.number, frames: sent, seconds: Math.round((speech.samples.length / turn.uploadRate) * 1000) / 1000 };
  }

  private sendPcm(turn: Turn, samples: Int16Array): void {
    turn.upload.push(samples);
    turn.uploadSamples += samples.length;
    this.sendBinary(turn, pcm16ToBytes(samples));
  }

  private sendBinary(turn: Turn, bytes: Uint8Array): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new ActionError('NOT_CONNECTED', 'the socket is not open');
    this.ws.send(bytes, { binary: true });
    this.ctx.emit({ kind: 'ws.binary', dir: 'out', summary: `${bytes.length} B PCM · turn ${turn.number}`, data: { bytes: bytes.length, turn: turn.number } });
  }

  private async stopUpload(): Promise<unknown> {
    const turn = this.current();
    if (!turn || turn.state !== 'uploading') throw new ActionError('NO_UPLOAD', 'stop_upload: no speech is being uploaded (send audio or a WAV first)');
    if (this.resampler) {
      const tail = this.resampler.flush();
      if (tail.length) this.sendPcm(turn, tail);
      this.resampler = null;
    }
    const variant = this.settings.stopUploadMessage;
    this.sendJson(clientMessages.stopUpload(variant), `stop upload (intervent_event ${variant}${variant === 'stream_asr' ? ', V3 demo form' : ', V2 firmware form'}) · turn ${turn.number}`);
    turn.reference = performance.now();
    turn.state = 'waiting';
    this.armWatchdog();
    const all = new Int16Array(turn.uploadSamples);
    let o = 0;
    for (const part of turn.upload) {
      all.set(part, o);
      o += part.length;
    }
    turn.upload.length = 0;
    const file = await this.ctx.writeFile(`turn-${turn.number}-user.wav`, encodeWav(all, turn.uploadRate));
    turn.userAudioFile = file;
    this.ctx.emit({ kind: 'audio.upload', dir: 'local', summary: `turn ${turn.number} · your speech ${(all.length / turn.uploadRate).toFixed(2)} s saved as ${file}`, data: { turn: turn.number, file, seconds: all.length / turn.uploadRate, sampleRate: turn.uploadRate } });
    return { turn: turn.number, variant, seconds: all.length / turn.uploadRate };
  }

  private stopOutput(): unknown {
    const turn = this.current();
    this.sendJson(clientMessages.stopOutput(), `stop output (intervent_event stream_output)${turn ? ` · turn ${turn.number}` : ''}`);
    if (turn?.active) {
      turn.state = 'interrupted';
      this.ctx.emit({ kind: 'audio.interrupt', dir: 'local', summary: `turn ${turn.number} interrupted: playback stops`, data: { turn: turn.number } });
      // The server may confirm with agent_stop(_force); if it does not within a moment, the turn ends here.
      const t = setTimeout(() => void this.endTurn(turn, 'interrupted'), 1500);
      t.unref();
    }
    return { turn: turn?.number ?? null };
  }

  private ended = new Set<number>();

  private async endTurn(turn: Turn, state: 'done' | 'interrupted' | 'failed'): Promise<void> {
    if (this.ended.has(turn.number)) return;
    this.ended.add(turn.number);
    turn.state = state;
    if (this.current() === turn) this.clearWatchdog();
    await Promise.all(turn.fetches);
    this.metric({ name: BOT_AUDIO_METRIC, value: turn.botAudioSeconds(), unit: 's', turn: turn.number, source: 'reported' });
    const r = turn.report();
    const m = r.metrics;
    const fmt = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
    this.ctx.emit({
      kind: 'mindcraft.turn',
      dir: 'local',
      summary: `turn ${turn.number} ${state} · ${r.reference === 'text_sent' ? 'text sent' : 'upload stop'} → asr ${fmt(m.firstAsrMs)}, llm ${fmt(m.firstLlmMs)}, tts ${fmt(m.firstTtsMs)}, audio ready ${fmt(m.firstAudioReadyMs)} · bot audio ${m.botAudioSeconds} s`,
      data: r,
    });
    const waiters = this.turnWaiters;
    this.turnWaiters = [];
    for (const w of waiters) w();
  }

  private waitTurn(timeoutMs: number): Promise<TurnReport | null> {
    const turn = this.current();
    if (!turn || this.ended.has(turn.number)) return Promise.resolve(turn?.report() ?? null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ActionError('TIMEOUT', `wait_turn: turn ${turn.number} did not end within ${timeoutMs} ms`)), timeoutMs);
      this.turnWaiters.push(() => {
        clearTimeout(timer);
        resolve(turn.report());
      });
    });
  }

  /** While a turn waits for the server, silence longer than responseMs is a failure: the session ends with TIMEOUT. */
  private armWatchdog(): void {
    this.clearWatchdog();
    const turn = this.current();
    if (!turn || (turn.state !== 'waiting' && turn.state !== 'answering')) return;
    const ms = this.ctx.timeouts.responseMs;
    this.watchdog = setTimeout(() => this.fail({ code: 'TIMEOUT', message: `no message from the server for ${ms} ms while waiting for the answer to turn ${turn.number}` }, true), ms);
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private sendJson(message: ClientMessage, summary: string): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new ActionError('NOT_CONNECTED', 'the socket is not open');
    const msg = this.settings.socketId ? { ...message, socket_id: `parley-${++this.socketCounter}` } : message;
    this.ws.send(JSON.stringify(msg));
    this.ctx.emit({ kind: 'ws.frame', dir: 'out', summary, data: msg });
  }

  private metric(m: MetricData | null): void {
    if (!m) return;
    const unit = m.unit === 'ms' ? ' ms' : m.unit === 's' ? ' s' : '';
    this.ctx.emit({ kind: 'metric', dir: 'local', summary: `${m.turn ? `turn ${m.turn} · ` : ''}${m.name} = ${m.value}${unit}`, data: m });
  }

  private since(t: number): number {
    return Math.round((performance.now() - t) * 10) / 10;
  }

  /** An error that ends the session (when `fatal`) after it is recorded with the vendor's code and message. */
  private fail(error: VendorError, fatal: boolean): void {
    if (this.finished) return;
    this.ctx.fail(error);
    const turn = this.current();
    if (turn?.active) turn.error = { code: error.code, message: error.message };
    if (fatal) {
      this.error = error;
      this.finish(1011, 'failed');
    }
  }

  private finish(closeCode: number | null, why: string): void {
    if (this.finished) return;
    this.finished = true;
    this.clearWatchdog();
    this.readyReject(new ActionError('SESSION_ENDED', `the session ${why}`));
    const ws = this.ws;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(closeCode ?? 1000, why === 'stopped' ? 'client stopped' : why);
    }
    void (async () => {
      if (ws && ws.readyState !== WebSocket.CLOSED) await Promise.race([new Promise((r) => ws.once('close', r)), sleep(1000)]);
      for (const t of this.turns) {
        this.ended.add(t.number);
        if (t.active) t.state = this.error ? 'failed' : 'interrupted';
        await Promise.all(t.fetches).catch(() => undefined);
      }
      for (const w of this.turnWaiters) w();
      this.turnWaiters = [];
      const result: ConversationResult = {
        url: this.endpoint,
        auth: { method: this.settings.authMethod, confirmedBy: this.confirmedBy },
        stopUploadMessage: this.settings.stopUploadMessage,
        placements: [...this.placements],
        turns: this.turns.map((t) => t.report()),
      };
      const n = this.turns.length;
      this.finishResolve(
        this.error
          ? { ok: false, summary: `${this.error.code}: ${this.error.message}`, error: this.error, result }
          : { ok: true, summary: `${n} turn${n === 1 ? '' : 's'} · ${why}`, result },
      );
    })();
  }
}

function readWavInput(o: SendWavOptions): Uint8Array {
  if (typeof o.base64 === 'string') return Buffer.from(o.base64, 'base64');
  if (typeof o.sample === 'string') {
    if (!/^[A-Za-z0-9._-]+\.wav$/.test(o.sample)) throw new ActionError('BAD_ACTION', `send_wav.sample: expected a file name from resources/utterances, got "${o.sample}"`);
    return readFile(resourcePath('utterances', basename(o.sample)), 'send_wav.sample');
  }
  if (typeof o.path === 'string') {
    if (!/\.wav$/i.test(o.path)) throw new ActionError('BAD_ACTION', `send_wav.path: expected a .wav file, got "${o.path}"`);
    return readFile(o.path, 'send_wav.path');
  }
  throw new ActionError('BAD_ACTION', 'send_wav: expected one of path, base64 or sample');
}

function readFile(path: string, field: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ActionError('WAV_INVALID', `${field}: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** upload_format "wav": a WAV header with unknown length (0xFFFFFFFF sizes) before the PCM frames, as streaming recorders write it. */
function encodeWavStreamHeader(sampleRate: number): Uint8Array {
  const header = encodeWav(new Int16Array(0), sampleRate).slice(0, 44);
  const view = new DataView(header.buffer);
  view.setUint32(4, 0xffffffff, true);
  view.setUint32(40, 0xffffffff, true);
  return header;
}
