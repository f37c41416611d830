import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxHost, SandboxRequest, SandboxSocket } from '../../sandbox/host.ts';
import { blockingErrors, findingLine, validatePayload, warningsOf } from '../../payload.ts';
import type { SandboxScenario, VendorErrorEntry } from '../../sandbox/faults.ts';
import { resourcePath } from '../../resources.ts';
import { isWav, parseWav } from '../../audio/wav.ts';
import { dbfs, pcm16FromBytes, rms } from '../../audio/pcm.ts';
import { chatBotV3Schema, validateChatBotV3 } from './common/schema.ts';
import { sampleUtterances } from './samples.ts';
import { mishearText } from '../../voice/recognise.ts';

/**
 * The Mindcraft sandbox: a loopback `socket-v1` speaking chat_bot_v3, plus the mp3 files its tts segments point to.
 * What it does by default is what the document shows (docs/vendors/mindcraft.md#sandbox); everything else is either
 * the named scenario "inferred-status-messages" or a frame labelled `parley_sandbox: "inferred …"`.
 *
 * Its "ASR" is honest about not recognising anything: it measures the uploaded speech (duration, RMS level),
 * rejects silence, and returns a transcript only for byte-identical uploads of the sample utterances in
 * resources/utterances (matched by the SHA-256 of their PCM). Anything else is transcribed as "(speech N.N s)".
 * The answer is canned (resources/mindcraft/answers.json), English or Chinese.
 *
 * Default behaviour:
 * - Auth by any of the three forms: `Authorization: Bearer <API key>` on the upgrade (the documented one), an
 *   `auth_token` first message, or `?token=<device token>`. No acknowledgement frame (the document shows none). A
 *   wrong credential gets 2004 (the status the apifox page gives for an invalid token) and the socket is closed.
 * - The answer stream in the document's example order: emotion (when emotion_output is true), every llm segment
 *   (the user's recognised text in `asr_content`), every tts segment, then agent_stop.
 * - `agent_output` at the top level with 1003 (the document's examples); under `socket_data` with 1007 (the V3
 *   demo's placement, labelled inferred) when the URL asks for `response_detail=1`.
 * Scenario "inferred-status-messages" adds what Mindcraft's own clients expect but the document does not show:
 * 2002/1008 auth acknowledgements, 1004 ASR messages, the 1005 stop-upload acknowledgement, agent_stop_force after
 * an interrupt, tts segments announced out of z_index order and the first mp3 served late.
 */
export const SANDBOX_API_KEY = 'sandbox-mindcraft-key-0001';
export const SANDBOX_DEVICE_TOKEN = 'sandbox-mindcraft-device-token-0001';

const AUTH_TIMEOUT_MS = 10_000;
const STEP_MS = 180;
/** The label every frame carries that the document does not show (a client sees it in the raw frame). */
const INFERRED = "inferred: not in Mindcraft's documentation (docs/vendors/mindcraft.md#sandbox)";
export const INFERRED_SCENARIO = 'inferred-status-messages';

export const MINDCRAFT_SCENARIOS: SandboxScenario[] = [
  {
    name: INFERRED_SCENARIO,
    description:
      "Adds what Mindcraft's own clients expect but the document does not show: 2002/1008 auth acknowledgements, 1004 ASR text, the 1005 stop-upload acknowledgement, agent_stop_force after an interrupt, tts announced out of z_index order, the first mp3 served 250 ms late.",
    inferred: true,
  },
];

const ref = 'docs/vendors/mindcraft.md#status-codes';
const E = (code: number, meaning: string, kind: 'documented' | 'inferred', when: string): VendorErrorEntry => ({
  code: String(code),
  meaning,
  kind,
  ref,
  when,
});
const AT_AUTH = 'when the client authenticates (header, first message or ?token=); then the socket is closed';
const AT_START = 'in reply to the next agent_action start message, instead of the answer';
/** socket_status codes a client may need to handle. Only 2004 has its meaning on the apifox page; the rest are from Mindcraft's client code. */
export const MINDCRAFT_ERRORS: VendorErrorEntry[] = [
  E(0, 'program error', 'inferred', AT_START),
  E(2001, 'authentication failed', 'inferred', AT_AUTH),
  E(2003, 'auth request timed out (the demo reports it as a wrong API key)', 'inferred', AT_AUTH),
  E(2004, 'token invalid or expired: fetch a new one and reconnect', 'documented', AT_AUTH),
  E(3001, 'parameter error (also: no recognisable speech)', 'inferred', AT_START),
  E(3002, 'balance insufficient (积分不足)', 'inferred', AT_START),
  E(3003, 'parameter JSON parse failure', 'inferred', AT_START),
  E(4001, 'unknown server error', 'inferred', AT_START),
  E(4002, 'service temporarily unavailable', 'inferred', AT_START),
  E(4006, 'agent stopped (error)', 'inferred', AT_START),
  E(4008, 'agent stopped (error)', 'inferred', AT_START),
];
const AUTH_CODES = new Set(['2001', '2003', '2004']);

/**
 * How late the first mp3 is served in the inferred scenario. PARLEY_MINDCRAFT_SANDBOX_SLOW_FIRST_MS overrides it:
 * the audio benchmark sets 0 to time Parley's own path from TTS event to audible start, not this deliberate delay.
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
const served = new Map<string, { segments: AnswerSegment[]; slowFirst: boolean }>();

export function mountMindcraftSandbox(host: SandboxHost): void {
  host.declareErrors('mindcraft', MINDCRAFT_ERRORS);
  host.declareScenarios('mindcraft', MINDCRAFT_SCENARIOS);
  const onSocket = (socket: SandboxSocket, req: SandboxRequest) => new SandboxConversation(host, socket, req).start();
  host.ws('mindcraft', '/socket-v1/', onSocket);
  host.ws('mindcraft', '/socket-v1', onSocket);
  const serve = async (id: string, index: number) => {
    const answer = served.get(id);
    const seg = answer?.segments[index];
    const bytes = seg && loadMedia().mp3.get(seg.file);
    if (!bytes) return { status: 404, body: { code: 404, msg: `no audio ${id}/${index}` } };
    if (index === 0 && answer.slowFirst) await new Promise((r) => setTimeout(r, slowFirstSegmentMs()));
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
  private readonly host: SandboxHost;
  private readonly socket: SandboxSocket;
  private readonly req: SandboxRequest;
  private readonly nested: boolean;
  /** The inferred scenario, fixed for the life of the socket. */
  private readonly inferred: boolean;
  private authed = false;
  private authTimer: NodeJS.Timeout | null = null;
  private params: Record<string, unknown> | null = null;
  private upload: Buffer[] = [];
  private uploading = false;
  private answering: { cancelled: boolean } | null = null;

  constructor(host: SandboxHost, socket: SandboxSocket, req: SandboxRequest) {
    this.host = host;
    this.socket = socket;
    this.req = req;
    this.nested = req.query.get('response_detail') === '1';
    this.inferred = host.scenario('mindcraft') === INFERRED_SCENARIO;
  }

  /** The injected vendor error, if any. */
  private injected(): VendorErrorEntry | undefined {
    const fault = this.host.fault('mindcraft');
    return fault?.kind === 'vendor-error' ? this.host.vendorError('mindcraft', fault.code) : undefined;
  }

  start(): void {
    this.socket.onClose(() => {
      if (this.authTimer) clearTimeout(this.authTimer);
      if (this.answering) this.answering.cancelled = true;
    });
    this.socket.onMessage((data, isBinary) => void this.onMessage(data, isBinary));
    const bearer = /^Bearer\s+(.+)$/i.exec(this.req.headers.authorization ?? '')?.[1]?.trim();
    if (this.req.headers.authorization !== undefined) return void this.authenticate(bearer === SANDBOX_API_KEY, 'header');
    const token = this.req.query.get('token');
    if (token !== null) return void this.authenticate(token === SANDBOX_DEVICE_TOKEN, 'device_token');
    this.authTimer = setTimeout(() => void this.reject(2003, 'auth request timed out: authenticate first', undefined, INFERRED), AUTH_TIMEOUT_MS);
  }

  /** One of the three auth forms arrived: accepted silently (the document shows no acknowledgement), or 2004. */
  private async authenticate(ok: boolean, form: 'header' | 'first_message' | 'device_token', id?: string): Promise<void> {
    if (this.authTimer) clearTimeout(this.authTimer);
    const fault = this.injected();
    if (fault && AUTH_CODES.has(fault.code)) return this.reject(Number(fault.code), `${fault.meaning} (injected fault)`, id);
    if (!ok)
      return this.reject(
        2004,
        form === 'device_token' ? 'token invalid or expired: fetch a new access_token and reconnect' : 'token invalid or expired: check the API key',
        id,
      );
    this.authed = true;
    if (!this.inferred) return;
    if (form === 'device_token') await this.status(1008, 'connection_established', id, INFERRED);
    else await this.status(2002, 'auth_succeeded', id, INFERRED);
  }

  private async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) return this.onAudio(data);
    let msg: Frame;
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
      msg = parsed as Frame;
    } catch (err) {
      return this.error(3003, `parameter JSON parse failure: ${(err as Error).message}`, undefined, INFERRED);
    }
    const type = msg.socket_type;
    const name = msg.event_name;
    const id = typeof msg.socket_id === 'string' ? msg.socket_id : undefined;
    if (type === 'agent_event' && name === 'auth_token') {
      if (this.authed) return; // already authenticated (header or URL): nothing to do
      const token = (msg.event_params as Frame | undefined)?.token;
      return this.authenticate(token === SANDBOX_API_KEY, 'first_message', id);
    }
    if (!this.authed) return this.reject(2004, 'no auth info: send the Authorization: Bearer header, an auth_token first message or ?token= first', id);
    if (type === 'agent_event' && name === 'agent_action') return this.startTurn(msg.event_params, id);
    if (type === 'intervent_event' && (name === 'stream_asr' || name === 'agent_action')) return this.stopUpload(name, id);
    if (type === 'intervent_event' && name === 'stream_output') return this.stopOutput(id);
    return this.error(
      3001,
      `unsupported message ${String(type)}/${String(name)} (expected agent_event agent_action, intervent_event stream_asr | agent_action | stream_output)`,
      id,
      INFERRED,
    );
  }

  private async startTurn(params: unknown, id?: string): Promise<void> {
    if (!params || typeof params !== 'object' || Array.isArray(params))
      return this.error(3001, 'parameter error: event_params must be an object of chat_bot_v3 parameters', id, INFERRED);
    const p = params as Record<string, unknown>;
    // Only the documented constraints refuse the start; inferred ones and undocumented fields are noted.
    const findings = validatePayload({ schema: chatBotV3Schema, validate: validateChatBotV3 }, p);
    for (const w of warningsOf(findings)) this.host.note('mindcraft', `agent_action: ${findingLine(w)}`);
    const errors = blockingErrors(findings);
    if (errors.length)
      return this.error(
        3001,
        `parameter error: ${errors.map((e) => e.message).join('; ')}`,
        id,
        "inferred: the document names no error status for a parameter error; 3001 is what Mindcraft's clients handle",
      );
    const fault = this.injected();
    if (fault && !AUTH_CODES.has(fault.code)) return this.error(Number(fault.code), `${fault.meaning} (injected fault)`, id);
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
    if (!this.params || !this.uploading)
      return void this.error(3001, 'parameter error: audio frame before the agent_action start message (or after stop upload)', undefined, INFERRED);
    const format = this.params.upload_format ?? 'pcm';
    const rate = Number(this.params.upload_sample_rate ?? 16000);
    const first = this.upload.length === 0;
    if (format === 'wav' && first) {
      if (!isWav(data)) return void this.error(3001, 'parameter error: upload_format wav but the first frame has no RIFF/WAVE header', undefined, INFERRED);
      const declared = data.readUInt32LE(24);
      if (declared !== rate)
        return void this.error(3001, `parameter error: the WAV header says ${declared} Hz, upload_sample_rate is ${rate}`, undefined, INFERRED);
      this.upload.push(data.subarray(44));
      return;
    }
    if (format !== 'pcm' && format !== 'wav')
      return void this.error(3001, `parameter error: the sandbox decodes pcm and wav uploads only (upload_format ${String(format)})`, undefined, INFERRED);
    if (format === 'pcm' && first && isWav(data))
      return void this.error(3001, 'parameter error: upload_format pcm but the frames carry a WAV header', undefined, INFERRED);
    if (data.length % 2 !== 0)
      return void this.error(3001, `parameter error: PCM s16le frames must hold whole samples (got ${data.length} bytes)`, undefined, INFERRED);
    this.upload.push(data);
  }

  private async stopUpload(variant: string, id?: string): Promise<void> {
    if (!this.params || !this.uploading) return this.error(3001, `parameter error: ${variant} (stop upload) without an upload in progress`, id, INFERRED);
    this.uploading = false;
    if (this.inferred)
      await this.send(
        {
          socket_type: 'intervent_event',
          socket_message: 'stopped realtime recognition',
          socket_status: 1005,
          event_name: variant,
          socket_data: { variant: variant === 'stream_asr' ? 'stream_asr (V3)' : 'agent_action (V2)' },
          parley_sandbox: INFERRED,
        },
        id,
      );
    const pcm = Buffer.concat(this.upload);
    this.upload = [];
    const rate = Number(this.params.upload_sample_rate ?? 16000);
    const samples = pcm16FromBytes(pcm);
    const seconds = samples.length / rate;
    const level = rms(samples);
    const audio = { seconds: Math.round(seconds * 100) / 100, rms_dbfs: Math.round(dbfs(level) * 10) / 10, bytes: pcm.length };
    if (seconds < 0.2 || level < SILENCE_RMS)
      return this.error(3001, `no recognisable speech (${audio.seconds} s at ${audio.rms_dbfs} dBFS)`, id, INFERRED, { audio });
    let known: { text: string; language: string } | undefined;
    try {
      known = loadMedia().known.get(sha256(pcm));
    } catch (err) {
      return this.error(4001, `sandbox media missing: ${(err as Error).message}`, id, INFERRED);
    }
    // The mishear fault: the speech is recognised (and answered) but its transcript comes back half wrong.
    const text = known
      ? this.host.fault('mindcraft')?.kind === 'mishear'
        ? mishearText(known.text, known.language)
        : known.text
      : `(speech ${seconds.toFixed(1)} s)`;
    if (this.inferred) {
      const words = text.split(/(?<=[\s,,])/);
      if (words.length > 2)
        await this.send(
          {
            socket_type: 'agent_event',
            socket_message: 'asr',
            socket_status: 1004,
            event_name: 'stream_asr',
            socket_data: { text: words.slice(0, Math.ceil(words.length / 2)).join(''), is_final: false, audio },
            parley_sandbox: INFERRED,
          },
          id,
        );
      await this.send(
        {
          socket_type: 'agent_event',
          socket_message: 'asr',
          socket_status: 1004,
          event_name: 'stream_asr',
          socket_data: {
            text,
            is_final: true,
            audio,
            recognised: known ? 'sample utterance (hash match)' : 'unknown speech (the sandbox does not recognise speech)',
          },
          parley_sandbox: INFERRED,
        },
        id,
      );
    }
    return this.answer(text, id);
  }

  private async answer(userText: string, id?: string): Promise<void> {
    let segments: AnswerSegment[];
    try {
      const lang = this.params?.language;
      const zh = lang === 'zh' || lang === 'yue' || (lang !== 'en' && /[\u3400-\u9fff]/.test(userText));
      segments = loadMedia().answers[zh ? 'zh' : 'en'];
    } catch (err) {
      return this.error(4001, `sandbox media missing: ${(err as Error).message}`, id, INFERRED);
    }
    const run = { cancelled: false };
    this.answering = run;
    const answerId = randomUUID().replace(/-/g, '');
    served.set(answerId, { segments, slowFirst: this.inferred });
    if (served.size > 100) served.delete(served.keys().next().value!);
    const base = `http://${this.req.headers.host ?? '127.0.0.1'}/mindcraft`;
    const url = (z: number) => (z === 0 ? `${base}/v1/data/get_stream_tts/${answerId}.mp3` : `${base}/static/agent/${answerId}/${z + 1}.mp3`);
    const llm = (z: number) => ({ output_type: 'llm', asr_content: userText, llm_response: segments[z]!.text, z_index: z });
    const tts = (z: number) => ({ output_type: 'tts', audio_seconds: segments[z]!.audio_seconds, tts_audio: url(z), z_index: z });
    const zs = segments.map((_, z) => z);
    const plan: { output: Frame; label?: string }[] = [];
    if (this.params?.emotion_output === true) plan.push({ output: { output_type: 'emotion', emotion_output: 'happy' } });
    if (!this.inferred) plan.push(...zs.map((z) => ({ output: llm(z) })), ...zs.map((z) => ({ output: tts(z) })));
    else {
      // Interleaved and out of z_index order (#2 before #1), so a client must order by z_index.
      plan.push(
        { output: llm(0) },
        { output: tts(0) },
        ...zs.slice(1).map((z) => ({ output: llm(z), label: INFERRED })),
        ...zs
          .slice(1)
          .reverse()
          .map((z) => ({ output: tts(z), label: INFERRED })),
      );
    }
    for (const step of plan) {
      await new Promise((r) => setTimeout(r, STEP_MS));
      if (run.cancelled || !this.socket.open) return;
      await this.output(step.output, id, step.label);
    }
    if (run.cancelled) return;
    this.answering = null;
    await this.send(
      { socket_type: 'agent_event', socket_message: 'agent_stop', socket_status: 1006, event_name: 'agent_action', agent_name: 'chat_bot_v3' },
      id,
    );
  }

  /** stream_output: the answer stops and ends with the document's agent_stop (agent_stop_force in the inferred scenario). */
  private async stopOutput(id?: string): Promise<void> {
    const run = this.answering;
    this.answering = null;
    if (run) run.cancelled = true;
    const forced = this.inferred && run;
    await this.send(
      {
        socket_type: 'agent_event',
        socket_message: forced ? 'agent_stop_force' : 'agent_stop',
        socket_status: 1006,
        event_name: 'agent_action',
        agent_name: 'chat_bot_v3',
        ...(forced ? { parley_sandbox: INFERRED } : {}),
      },
      id,
    );
  }

  /** agent_output in the placement this socket asked for (socket_data/1007 is the demo's, not the document's). */
  private output(output: Frame, id?: string, label?: string): Promise<void> {
    const head = { socket_type: 'agent_event', socket_message: 'request_completed', event_name: 'agent_action', agent_name: 'chat_bot_v3' };
    if (this.nested) return this.send({ ...head, socket_status: 1007, socket_data: { agent_output: output }, parley_sandbox: INFERRED }, id);
    return this.send({ ...head, socket_status: 1003, agent_output: output, ...(label ? { parley_sandbox: label } : {}) }, id);
  }

  private status(code: number, message: string, id?: string, label?: string): Promise<void> {
    return this.send({ socket_type: 'agent_event', socket_message: message, socket_status: code, ...(label ? { parley_sandbox: label } : {}) }, id);
  }

  /** An error status. The message goes where Mindcraft's clients read it: socket_data.error (3xxx, 0) or .message (4xxx). */
  private error(code: number, message: string, id?: string, label?: string, extra: Frame = {}): Promise<void> {
    const socketData = code >= 4000 ? { message, ...extra } : { error: message, ...extra };
    return this.send(
      {
        socket_type: 'agent_event',
        socket_message: 'error',
        socket_status: code,
        event_name: 'agent_action',
        socket_data: socketData,
        ...(label ? { parley_sandbox: label } : {}),
      },
      id,
    );
  }

  /** Auth failures: the status, then the socket is closed (the close is the sandbox's choice). */
  private async reject(code: number, message: string, id?: string, label?: string): Promise<void> {
    if (this.authTimer) clearTimeout(this.authTimer);
    await this.send(
      {
        socket_type: 'agent_event',
        socket_message: 'auth_error',
        socket_status: code,
        socket_data: { error: message },
        ...(label ? { parley_sandbox: label } : {}),
      },
      id,
    );
    setTimeout(() => this.socket.close(4000 + (code % 1000), 'authentication failed'), 50);
  }

  private send(frame: Frame, id?: string): Promise<void> {
    return this.socket.send(id ? { ...frame, socket_id: id } : frame);
  }
}
