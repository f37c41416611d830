import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxHost, SandboxRequest, SandboxSocket } from '../../sandbox/host.ts';
import { validateSchema } from '../../payload.ts';
import { resourcePath } from '../../resources.ts';
import { isWav, parseWav } from '../../audio/wav.ts';
import { dbfs, pcm16FromBytes, rms } from '../../audio/pcm.ts';
import { chatBotV3Schema, validateChatBotV3 } from './schema.ts';
import { sampleUtterances } from './samples.ts';

/**
 * The Mindcraft sandbox: a loopback `socket-v1` speaking chat_bot_v3 (PROTOCOLS.md §3), plus the mp3 files its
 * tts segments point to.
 *
 * Its "ASR" is honest about not recognising anything: it measures the uploaded speech (duration, RMS level),
 * rejects silence with 3001 "no recognisable speech", and returns a transcript only for byte-identical uploads of
 * the sample utterances in resources/utterances (matched by the SHA-256 of their PCM). Anything else is
 * transcribed as "(speech N.N s)". The answer is canned (resources/mindcraft/answers.json), English or Chinese.
 *
 * Choices where the vendor is silent, so a client sees every documented form:
 * - `?token=` (device token) is answered with 1008 connection_established; a bad token with 2004.
 * - API key auth (`auth_token` first message) is answered with 2002; a bad key with 2001; any other first
 *   message with 2004; no auth within 10 s with 2003. The socket is closed after an auth failure.
 * - `agent_output` is top level with 1003 (apifox) by default, under `socket_data` with 1007 (V3 demo) when the
 *   URL has `response_detail=1`.
 * - Both stop-upload forms are accepted (stream_asr, V2 agent_action); the 1005 acknowledgement names the form.
 * - tts segments are announced slightly out of order (#2 before #1) and the first mp3 is served 250 ms late, so
 *   clients must order by z_index and cope with a slow fetch.
 */
export const SANDBOX_API_KEY = 'sandbox-mindcraft-key-0001';
export const SANDBOX_DEVICE_TOKEN = 'sandbox-mindcraft-device-token-0001';

const AUTH_TIMEOUT_MS = 10_000;
const STEP_MS = 180;
/**
 * How late the first mp3 is served. PARLEY_MINDCRAFT_SANDBOX_SLOW_FIRST_MS overrides it: the audio benchmark sets 0
 * to time Parley's own path from TTS event to audible start, not this deliberate delay.
 */
const slowFirstSegmentMs = (): number => {
  const v = Number(process.env.PARLEY_MINDCRAFT_SANDBOX_SLOW_FIRST_MS);
  return Number.isFinite(v) && v >= 0 ? v : 250;
};
/** Below this RMS level (−40 dBFS) the upload counts as silence. */
const SILENCE_RMS = 0.01;

interface AnswerSegment {
  text: string;
  file: string;
  audio_seconds: number;
}

interface Media {
  answers: Record<'en' | 'zh', AnswerSegment[]>;
  mp3: Map<string, Buffer>;
  /** SHA-256 (hex) of a sample utterance's PCM → its transcript and language. */
  known: Map<string, { text: string; language: string }>;
}

let media: Media | null = null;

function loadMedia(): Media {
  if (media) return media;
  const dir = resourcePath('mindcraft');
  const answers = JSON.parse(readFileSync(join(dir, 'answers.json'), 'utf8')) as Media['answers'];
  const mp3 = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) if (name.endsWith('.mp3')) mp3.set(name, readFileSync(join(dir, name)));
  const known = new Map<string, { text: string; language: string }>();
  for (const u of sampleUtterances()) {
    const wav = parseWav(readFileSync(resourcePath('utterances', u.file)));
    known.set(sha256(wav.data), { text: u.text, language: u.language });
  }
  media = { answers, mp3, known };
  return media;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Answers the sandbox has announced, by id, so their mp3 URLs resolve (the newest 100). */
const served = new Map<string, AnswerSegment[]>();

export function mountMindcraftSandbox(host: SandboxHost): void {
  const onSocket = (socket: SandboxSocket, req: SandboxRequest) => new SandboxConversation(socket, req).start();
  host.ws('mindcraft', '/socket-v1/', onSocket);
  host.ws('mindcraft', '/socket-v1', onSocket);
  const serve = async (id: string, index: number) => {
    const seg = served.get(id)?.[index];
    const bytes = seg && loadMedia().mp3.get(seg.file);
    if (!bytes) return { status: 404, body: { code: 404, msg: `no audio ${id}/${index}` } };
    if (index === 0) await new Promise((r) => setTimeout(r, slowFirstSegmentMs()));
    return { status: 200, headers: { 'content-type': 'audio/mpeg' }, body: bytes };
  };
  // The doc's URL shapes: the first segment from get_stream_tts, later ones from /static/agent/<id>/<n>.mp3.
  host.http('mindcraft', 'GET', '/v1/data/get_stream_tts/*', (req) => serve(req.path.replace(/^.*\/|\.mp3$/g, ''), 0));
  host.http('mindcraft', 'GET', '/static/agent/*', (req) => {
    const m = /^\/static\/agent\/([\w-]+)\/(\d+)\.mp3$/.exec(req.path);
    return m ? serve(m[1]!, Number(m[2]) - 1) : { status: 404, body: { code: 404, msg: 'expected /static/agent/<id>/<n>.mp3' } };
  });
}

type Frame = Record<string, unknown>;

class SandboxConversation {
  private readonly socket: SandboxSocket;
  private readonly req: SandboxRequest;
  private readonly nested: boolean;
  private authed = false;
  private authTimer: NodeJS.Timeout | null = null;
  private params: Record<string, unknown> | null = null;
  private upload: Buffer[] = [];
  private uploading = false;
  private answering: { cancelled: boolean } | null = null;

  constructor(socket: SandboxSocket, req: SandboxRequest) {
    this.socket = socket;
    this.req = req;
    this.nested = req.query.get('response_detail') === '1';
  }

  start(): void {
    this.socket.onClose(() => {
      if (this.authTimer) clearTimeout(this.authTimer);
      if (this.answering) this.answering.cancelled = true;
    });
    this.socket.onMessage((data, isBinary) => void this.onMessage(data, isBinary));
    const token = this.req.query.get('token');
    if (token !== null) {
      if (token === SANDBOX_DEVICE_TOKEN) {
        this.authed = true;
        void this.status(1008, 'connection_established');
      } else void this.reject(2004, 'token invalid or expired: fetch a new access_token and reconnect');
      return;
    }
    this.authTimer = setTimeout(() => void this.reject(2003, 'auth request timed out: send auth_token first'), AUTH_TIMEOUT_MS);
  }

  private async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) return this.onAudio(data);
    let msg: Frame;
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
      msg = parsed as Frame;
    } catch (err) {
      return this.error(3003, `parameter JSON parse failure: ${(err as Error).message}`);
    }
    const type = msg.socket_type;
    const name = msg.event_name;
    const id = typeof msg.socket_id === 'string' ? msg.socket_id : undefined;
    if (!this.authed) {
      if (type === 'agent_event' && name === 'auth_token') {
        const token = (msg.event_params as Frame | undefined)?.token;
        if (token === SANDBOX_API_KEY) {
          this.authed = true;
          if (this.authTimer) clearTimeout(this.authTimer);
          return this.status(2002, 'auth_succeeded', id);
        }
        return this.reject(2001, typeof token === 'string' ? 'authentication failed: unknown API key' : 'authentication failed: event_params.token missing', id);
      }
      return this.reject(2004, 'no auth info: authenticate with auth_token (API key) or ?token= (device token) first', id);
    }
    if (type === 'agent_event' && name === 'agent_action') return this.startTurn(msg.event_params, id);
    if (type === 'intervent_event' && (name === 'stream_asr' || name === 'agent_action')) return this.stopUpload(name, id);
    if (type === 'intervent_event' && name === 'stream_output') return this.stopOutput(id);
    return this.error(3001, `sandbox: unsupported message ${String(type)}/${String(name)} (expected agent_event agent_action, intervent_event stream_asr | agent_action | stream_output)`, id);
  }

  private async startTurn(params: unknown, id?: string): Promise<void> {
    if (!params || typeof params !== 'object' || Array.isArray(params)) return this.error(3001, 'parameter error: event_params must be an object of chat_bot_v3 parameters', id);
    const p = params as Record<string, unknown>;
    const errors = validateSchema(chatBotV3Schema, p);
    if (!errors.length) errors.push(...validateChatBotV3(p));
    if (errors.length) return this.error(3001, `parameter error: ${errors.map((e) => e.message).join('; ')}`, id);
    if (this.answering) this.answering.cancelled = true;
    this.params = p;
    this.upload = [];
    if (typeof p.asr_text === 'string') {
      this.uploading = false;
      return this.answer(p.asr_text, id);
    }
    this.uploading = true;
  }

  private onAudio(data: Buffer): void {
    if (!this.authed) return void this.reject(2004, 'no auth info: audio before authentication');
    if (!this.params || !this.uploading) return void this.error(3001, 'parameter error: audio frame before the agent_action start message (or after stop upload)');
    const format = this.params.upload_format ?? 'pcm';
    const rate = Number(this.params.upload_sample_rate ?? 16000);
    const first = this.upload.length === 0;
    if (format === 'wav' && first) {
      if (!isWav(data)) return void this.error(3001, 'parameter error: upload_format wav but the first frame has no RIFF/WAVE header');
      const declared = data.readUInt32LE(24);
      if (declared !== rate) return void this.error(3001, `parameter error: the WAV header says ${declared} Hz, upload_sample_rate is ${rate}`);
      this.upload.push(data.subarray(44));
      return;
    }
    if (format !== 'pcm' && format !== 'wav') return void this.error(3001, `parameter error: the sandbox decodes pcm and wav uploads only (upload_format ${String(format)})`);
    if (format === 'pcm' && first && isWav(data)) return void this.error(3001, 'parameter error: upload_format pcm but the frames carry a WAV header');
    if (data.length % 2 !== 0) return void this.error(3001, `parameter error: PCM s16le frames must hold whole samples (got ${data.length} bytes)`);
    this.upload.push(data);
  }

  private async stopUpload(variant: string, id?: string): Promise<void> {
    if (!this.params || !this.uploading) return this.error(3001, `parameter error: ${variant} (stop upload) without an upload in progress`, id);
    this.uploading = false;
    await this.send({ socket_type: 'intervent_event', socket_message: 'stopped realtime recognition', socket_status: 1005, event_name: variant, socket_data: { variant: variant === 'stream_asr' ? 'stream_asr (V3)' : 'agent_action (V2)' } }, id);
    const pcm = Buffer.concat(this.upload);
    this.upload = [];
    const rate = Number(this.params.upload_sample_rate ?? 16000);
    const samples = pcm16FromBytes(pcm);
    const seconds = samples.length / rate;
    const level = rms(samples);
    const audio = { seconds: Math.round(seconds * 100) / 100, rms_dbfs: Math.round(dbfs(level) * 10) / 10, bytes: pcm.length };
    if (seconds < 0.2 || level < SILENCE_RMS) return this.error(3001, `no recognisable speech (${audio.seconds} s at ${audio.rms_dbfs} dBFS)`, id, { audio });
    let known: { text: string; language: string } | undefined;
    try {
      known = loadMedia().known.get(sha256(pcm));
    } catch (err) {
      return this.error(4001, `sandbox media missing: ${(err as Error).message}`, id);
    }
    const text = known?.text ?? `(speech ${seconds.toFixed(1)} s)`;
    const words = text.split(/(?<=[\s,,])/);
    if (words.length > 2) await this.send({ socket_type: 'agent_event', socket_message: 'asr', socket_status: 1004, event_name: 'stream_asr', socket_data: { text: words.slice(0, Math.ceil(words.length / 2)).join(''), is_final: false, audio } }, id);
    await this.send({ socket_type: 'agent_event', socket_message: 'asr', socket_status: 1004, event_name: 'stream_asr', socket_data: { text, is_final: true, audio, recognised: known ? 'sample utterance (hash match)' : 'unknown speech (the sandbox does not recognise speech)' } }, id);
    return this.answer(text, id);
  }

  private async answer(userText: string, id?: string): Promise<void> {
    let segments: AnswerSegment[];
    try {
      const lang = this.params?.language;
      const zh = lang === 'zh' || lang === 'yue' || (lang !== 'en' && /[\u3400-\u9fff]/.test(userText));
      segments = loadMedia().answers[zh ? 'zh' : 'en'];
    } catch (err) {
      return this.error(4001, `sandbox media missing: ${(err as Error).message}`, id);
    }
    const run = { cancelled: false };
    this.answering = run;
    const answerId = randomUUID().replace(/-/g, '');
    served.set(answerId, segments);
    if (served.size > 100) served.delete(served.keys().next().value!);
    const base = `http://${this.req.headers.host ?? '127.0.0.1'}/mindcraft`;
    const url = (z: number) => (z === 0 ? `${base}/v1/data/get_stream_tts/${answerId}.mp3` : `${base}/static/agent/${answerId}/${z + 1}.mp3`);
    const llm = (z: number) => ({ output_type: 'llm', asr_content: userText, llm_response: segments[z]!.text, z_index: z });
    const tts = (z: number) => ({ output_type: 'tts', audio_seconds: segments[z]!.audio_seconds, tts_audio: url(z), z_index: z });
    const plan: Frame[] = [];
    if (this.params?.emotion_output !== false) plan.push({ output_type: 'emotion', emotion_output: 'happy' });
    plan.push(llm(0), tts(0));
    for (let z = 1; z < segments.length; z++) plan.push(llm(z));
    for (let z = segments.length - 1; z >= 1; z--) plan.push(tts(z));
    for (const output of plan) {
      await new Promise((r) => setTimeout(r, STEP_MS));
      if (run.cancelled || !this.socket.open) return;
      await this.output(output, id);
    }
    if (run.cancelled) return;
    this.answering = null;
    await this.send({ socket_type: 'agent_event', socket_message: 'agent_stop', socket_status: 1006, event_name: 'agent_action', agent_name: 'chat_bot_v3' }, id);
  }

  private async stopOutput(id?: string): Promise<void> {
    const run = this.answering;
    this.answering = null;
    if (!run) return this.status(1006, 'agent_stop', id);
    run.cancelled = true;
    await this.send({ socket_type: 'agent_event', socket_message: 'agent_stop_force', socket_status: 1006, event_name: 'agent_action', agent_name: 'chat_bot_v3' }, id);
  }

  /** agent_output in the placement this socket asked for. */
  private output(output: Frame, id?: string): Promise<void> {
    const head = { socket_type: 'agent_event', socket_message: 'request_completed', event_name: 'agent_action', agent_name: 'chat_bot_v3' };
    return this.send(this.nested ? { ...head, socket_status: 1007, socket_data: { agent_output: output } } : { ...head, socket_status: 1003, agent_output: output }, id);
  }

  private status(code: number, message: string, id?: string): Promise<void> {
    return this.send({ socket_type: 'agent_event', socket_message: message, socket_status: code }, id);
  }

  private error(code: number, message: string, id?: string, extra: Frame = {}): Promise<void> {
    return this.send({ socket_type: 'agent_event', socket_message: 'error', socket_status: code, event_name: 'agent_action', socket_data: { error: message, ...extra } }, id);
  }

  /** Auth failures: the status, then the socket is closed. */
  private async reject(code: number, message: string, id?: string): Promise<void> {
    if (this.authTimer) clearTimeout(this.authTimer);
    await this.send({ socket_type: 'agent_event', socket_message: 'auth_error', socket_status: code, socket_data: { error: message } }, id);
    setTimeout(() => this.socket.close(4000 + (code % 1000), 'authentication failed'), 50);
  }

  private send(frame: Frame, id?: string): Promise<void> {
    return this.socket.send(id ? { ...frame, socket_id: id } : frame);
  }
}
