import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { STANDARD_METRICS } from '../../events.ts';
import { TransportError } from '../../http.ts';
import { ActionError, SocketSession, type SocketConnect, type SocketEnd, type SocketProtocol } from '../../session/socket-session.ts';
import { resourcePath } from '../../resources.ts';
import { encodeWav, loadSpeech, paceFrames, pcm16FromBytes, pcm16ToBytes, PcmResampler, splitFrames, toMono } from '../../audio/index.ts';
import type { OperationOutcome, SessionContext, VendorError } from '../types.ts';
import { clientMessages, parseServerFrame, socketUrl, toEvent, type ServerMessage } from './protocol.ts';
import { AUTH_METHODS, readSettings, type AuthMethod, type MindcraftSettings } from './common/schema.ts';
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

/** The socket URL of the sandbox (`http://127.0.0.1:<port>/mindcraft` → `ws://…/mindcraft/socket-v1/`). */
export function sandboxSocketUrl(sandboxUrl: string): string {
  return sandboxUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/socket-v1/';
}

/**
 * One chat_bot_v3 session: the chat_bot_v3 protocol on Parley's generic socket session (core/session/socket-session.ts:
 * connect, close handling, watchdog, serialised sends, outcome). What is Mindcraft's own is here: the auth methods,
 * the turn state machine driven by actions (audio, send_wav, text, stop_upload, stop_output, wait_turn), the upload,
 * the TTS segments fetched through the session's HTTP (ctx.http), and the result.
 */
export class Conversation {
  private readonly ctx: SessionContext;
  private readonly settings: MindcraftSettings;
  private readonly endpoint: string;
  private readonly socket: SocketSession;
  private readonly turns: Turn[] = [];
  private readonly placements = new Set<string>();
  private readonly ended = new Set<number>();
  private confirmedBy: string | null = null;
  private socketCounter = 0;
  private firstAudio = false;
  private resampler: PcmResampler | null = null;
  private turnWaiters: (() => void)[] = [];

  constructor(ctx: SessionContext, endpoint: string) {
    this.ctx = ctx;
    this.settings = readSettings(ctx.profile.settings);
    this.endpoint = endpoint;
    this.socket = new SocketSession(ctx);
  }

  run(): Promise<OperationOutcome> {
    return this.socket.run(this.protocol(), () => this.connection());
  }

  /** docs/vendors/mindcraft.md#authentication: the documented form is the Authorization header on the upgrade. */
  private async connection(): Promise<SocketConnect> {
    const method = this.settings.authMethod;
    const auth = AUTH_METHODS[method];
    const token = await this.ctx.credential(auth.credential);
    let url: string;
    try {
      url = socketUrl(this.endpoint, this.settings.query, method === 'device_token' ? token : undefined);
    } catch {
      throw Object.assign(new Error(`endpoint: expected a ws:// or wss:// URL, got "${this.endpoint}"`), { code: 'BAD_ENDPOINT' });
    }
    return {
      url,
      // The credential in the Authorization header is redacted from the event like every registered secret.
      headers: method === 'api_key' ? { Authorization: `Bearer ${token}` } : {},
      authLabel: auth.label,
      details: { authMethod: method },
      ...(method === 'api_key_message' ? { firstMessage: { data: clientMessages.authToken(token), summary: 'auth_token (API key, first message)' } } : {}),
    };
  }

  private protocol(): SocketProtocol {
    return {
      opened: () => this.onOpen(),
      ready: () => {
        const text = this.ctx.resolvedPayloadWithSecrets.asr_text;
        if (typeof text === 'string' && text.trim()) this.startTurn('text', text);
      },
      stamp: (message) => (this.settings.socketId ? { ...(message as object), socket_id: `parley-${++this.socketCounter}` } : message),
      text: (text) => this.onText(text),
      closed: (code, reason) => {
        const turn = this.current();
        if (code === 1000 && !turn?.active) return null;
        return {
          code: `WS_CLOSED_${code}`,
          message: `the server closed the socket (${code}${reason ? ` ${reason}` : ''})${turn?.active ? ` during turn ${turn.number}` : ''}`,
        };
      },
      actions: {
        audio: (d) => this.audioFrame(d),
        send_wav: (d) => this.sendWav(d as SendWavOptions),
        text: (d) => {
          if (typeof d.text !== 'string' || !d.text.trim()) throw new ActionError('BAD_ACTION', 'text: expected {"text": "<what the user says>"}');
          return { turn: this.startTurn('text', d.text).number };
        },
        stop_upload: () => this.stopUpload(),
        stop_output: () => this.stopOutput(),
        wait_turn: (d) => this.waitTurn(typeof d.timeoutMs === 'number' ? d.timeoutMs : this.ctx.timeouts.responseMs * 4),
      },
      // Audio frames, WAV uploads and stop-upload keep their order even when the renderer does not await each call.
      serialActions: ['audio', 'send_wav', 'stop_upload'],
      settle: (end) => this.settle(end),
      outcome: (end) => this.outcome(end),
    };
  }

  /**
   * The socket is up and the credential is on its way: the session is ready at once. The document shows no
   * acknowledgement for any auth method, so none is awaited (a wait would be timed as vendor latency); a failed
   * auth arrives as a status frame (2001/2004) and ends the session then.
   */
  private onOpen(): void {
    const auth = AUTH_METHODS[this.settings.authMethod];
    this.ctx.emit({
      kind: 'mindcraft.auth',
      dir: 'local',
      summary: `authenticated by ${auth.label}${auth.documented ? '' : ' (inferred form, not in the document)'} · no acknowledgement expected`,
      data: { method: this.settings.authMethod, confirmedBy: this.confirmedBy, documented: auth.documented },
    });
  }

  private onText(text: string): void {
    const parsed = parseServerFrame(text);
    this.ctx.emit(toEvent(parsed));
    if (parsed.type === 'bad_frame') return this.fail({ code: 'BAD_FRAME', message: `the server sent a frame Parley cannot parse (${parsed.reason})` });
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
        this.socket.metric(turn.observe('asr', now));
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
          this.socket.metric(turn.observe('asr', now));
        }
        this.socket.metric(turn.observe('llm', now));
        return;
      }
      case 'tts': {
        if (!turn) return;
        this.socket.metric(turn.observe('tts', now));
        if (turn.state === 'interrupted') {
          this.ctx.emit({
            kind: 'mindcraft.tts_ignored',
            dir: 'local',
            summary: `tts #${m.zIndex} arrived after stop_output: not fetched`,
            data: { turn: turn.number, z_index: m.zIndex },
          });
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
        if (m.status.fatal) return this.fail(error);
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

  /** Fetch a TTS mp3 in main (the renderer's CSP stays closed) through the session's HTTP, keep it, announce it to the player. */
  private async fetchSegment(turn: Turn, zIndex: number, url: string): Promise<void> {
    const seg = turn.segment(zIndex);
    const fail = (code: string, message: string) => {
      seg.error = `${code}: ${message}`;
      this.ctx.fail({ code, message: `tts #${zIndex} (turn ${turn.number}): ${message}` });
      this.ctx.emit({
        kind: 'audio.segment',
        dir: 'in',
        summary: `turn ${turn.number} · segment #${zIndex} missing (${code})`,
        data: { turn: turn.number, z_index: zIndex, missing: true, error: seg.error, url },
      });
    };
    if (!/^https?:\/\//i.test(url)) return fail('TTS_URL', `expected an http(s) URL, got "${url.slice(0, 200)}"`);
    try {
      const ex = await this.ctx.http({ method: 'GET', url, timeoutMs: this.ctx.timeouts.responseMs });
      if (ex.status !== 200) return fail(`HTTP_${ex.status}`, `GET ${url} answered ${ex.status} ${ex.bodyText.slice(0, 200)}`);
      if (this.socket.ended) return;
      const ext = extname(new URL(url).pathname).toLowerCase() || '.mp3';
      const file = await this.ctx.writeFile(`turn-${turn.number}-bot-${String(zIndex).padStart(3, '0')}${ext}`, ex.bodyBytes);
      seg.file = file;
      const now = performance.now();
      if (!this.firstAudio) {
        this.firstAudio = true;
        // From the start of the turn (its first speech frame or its text), not of the session: time the user
        // spent before speaking is not the vendor's.
        this.socket.metric({ name: STANDARD_METRICS.firstAudio, value: this.socket.since(turn.startedAt), unit: 'ms', turn: turn.number, source: 'measured' });
      }
      this.socket.metric(turn.observe('audio_ready', now));
      this.ctx.emit({
        kind: 'audio.segment',
        dir: 'in',
        summary: `turn ${turn.number} · segment #${zIndex} · ${seg.audioSeconds ?? '?'} s · ${file}${seg.text ? ` · ${seg.text}` : ''}`,
        data: {
          turn: turn.number,
          z_index: zIndex,
          text: seg.text,
          file,
          audio_seconds: seg.audioSeconds,
          mime: ex.headers['content-type'] ?? 'audio/mpeg',
          bytes: ex.bodyBytes.length,
          url,
          fetchMs: Math.round(ex.durationMs),
        },
      });
    } catch (err) {
      if (this.socket.ended && err instanceof TransportError && err.code === 'aborted') return;
      fail(err instanceof TransportError ? err.code : 'TTS_FETCH', (err as Error).message);
    }
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
    const params: Record<string, unknown> = { ...this.ctx.resolvedPayloadWithSecrets };
    if (kind === 'text') params.asr_text = text;
    else delete params.asr_text;
    this.socket.sendJson(clientMessages.start(params), `agent_action chat_bot_v3 · turn ${turn.number} (${kind === 'text' ? `text: ${text}` : 'voice'})`);
    if (kind === 'text') this.armWatchdog();
    else if (this.ctx.resolvedPayloadWithSecrets.upload_format === 'wav') this.sendBinary(turn, encodeWavStreamHeader(turn.uploadRate));
    return turn;
  }

  private uploadRate(): number {
    const r = this.ctx.resolvedPayloadWithSecrets.upload_sample_rate;
    return typeof r === 'number' && r > 0 ? r : 16000;
  }

  /** The turn that takes speech now: the open upload, or a new voice turn. */
  private uploadTurn(): Turn {
    const fmt = this.ctx.resolvedPayloadWithSecrets.upload_format ?? 'pcm';
    if (fmt !== 'pcm' && fmt !== 'wav')
      throw new ActionError(
        'UNSUPPORTED_FORMAT',
        `upload_format "${String(fmt)}": Parley uploads pcm or wav; choose one of them to send speech (text turns work with any)`,
      );
    const turn = this.current();
    return turn?.state === 'uploading' ? turn : this.startTurn('voice');
  }

  private async audioFrame(d: Record<string, unknown>): Promise<unknown> {
    if (typeof d.pcm !== 'string')
      throw new ActionError('BAD_ACTION', 'audio: expected {"pcm": "<base64 PCM16 little-endian>", "sampleRate": 48000, "channels": 1}');
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
    if (o.stopUpload !== false && !this.socket.ended) await this.stopUpload();
    return { turn: turn.number, frames: sent, seconds: Math.round((speech.samples.length / turn.uploadRate) * 1000) / 1000 };
  }

  private sendPcm(turn: Turn, samples: Int16Array): void {
    turn.upload.push(samples);
    turn.uploadSamples += samples.length;
    this.sendBinary(turn, pcm16ToBytes(samples));
  }

  private sendBinary(turn: Turn, bytes: Uint8Array): void {
    this.socket.sendBinary(bytes, `${bytes.length} B PCM · turn ${turn.number}`, { turn: turn.number });
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
    this.socket.sendJson(
      clientMessages.stopUpload(variant),
      `stop upload (intervent_event ${variant}${variant === 'stream_asr' ? ', V3 demo form' : ', V2 firmware form'}) · turn ${turn.number}`,
    );
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
    this.ctx.emit({
      kind: 'audio.upload',
      dir: 'local',
      summary: `turn ${turn.number} · your speech ${(all.length / turn.uploadRate).toFixed(2)} s saved as ${file}`,
      data: { turn: turn.number, file, seconds: all.length / turn.uploadRate, sampleRate: turn.uploadRate },
    });
    return { turn: turn.number, variant, seconds: all.length / turn.uploadRate };
  }

  private stopOutput(): unknown {
    const turn = this.current();
    this.socket.sendJson(clientMessages.stopOutput(), `stop output (intervent_event stream_output)${turn ? ` · turn ${turn.number}` : ''}`);
    if (turn?.active) {
      turn.state = 'interrupted';
      this.ctx.emit({ kind: 'audio.interrupt', dir: 'local', summary: `turn ${turn.number} interrupted: playback stops`, data: { turn: turn.number } });
      // The server may confirm with agent_stop(_force); if it does not within a moment, the turn ends here.
      const t = setTimeout(() => void this.endTurn(turn, 'interrupted'), 1500);
      t.unref();
    }
    return { turn: turn?.number ?? null };
  }

  private async endTurn(turn: Turn, state: 'done' | 'interrupted' | 'failed'): Promise<void> {
    if (this.ended.has(turn.number)) return;
    this.ended.add(turn.number);
    turn.state = state;
    if (this.current() === turn) this.socket.unwatch();
    await Promise.all(turn.fetches);
    this.socket.metric({ name: BOT_AUDIO_METRIC, value: turn.botAudioSeconds(), unit: 's', turn: turn.number, source: 'reported' });
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
    this.socket.unwatch();
    const turn = this.current();
    if (!turn || (turn.state !== 'waiting' && turn.state !== 'answering')) return;
    this.socket.watch(this.ctx.timeouts.responseMs, `the answer to turn ${turn.number}`);
  }

  /** An error that ends the session, recorded on the turn it cut short. */
  private fail(error: VendorError): void {
    if (this.socket.ended) return;
    const turn = this.current();
    if (turn?.active) turn.error = { code: error.code, message: error.message };
    this.socket.fail(error);
  }

  /** The session is over: every turn ends where it stood, its downloads finish, and whoever waits for a turn is answered. */
  private async settle(end: SocketEnd): Promise<void> {
    for (const t of this.turns) {
      this.ended.add(t.number);
      if (t.active) {
        if (end.error) t.error ??= { code: end.error.code, message: end.error.message };
        t.state = end.error ? 'failed' : 'interrupted';
      }
      await Promise.all(t.fetches).catch(() => undefined);
    }
    for (const w of this.turnWaiters) w();
    this.turnWaiters = [];
  }

  private outcome(end: SocketEnd): OperationOutcome {
    const result: ConversationResult = {
      url: this.endpoint,
      auth: { method: this.settings.authMethod, confirmedBy: this.confirmedBy },
      stopUploadMessage: this.settings.stopUploadMessage,
      placements: [...this.placements],
      turns: this.turns.map((t) => t.report()),
    };
    const n = this.turns.length;
    return end.error
      ? { ok: false, summary: `${end.error.code}: ${end.error.message}`, error: end.error, result }
      : { ok: true, summary: `${n} turn${n === 1 ? '' : 's'} · ${end.why}`, result };
  }
}

function readWavInput(o: SendWavOptions): Uint8Array {
  if (typeof o.base64 === 'string') return Buffer.from(o.base64, 'base64');
  if (typeof o.sample === 'string') {
    if (!/^[A-Za-z0-9._-]+\.wav$/.test(o.sample))
      throw new ActionError('BAD_ACTION', `send_wav.sample: expected a file name from resources/utterances, got "${o.sample}"`);
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
