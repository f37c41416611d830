/**
 * A Convai voice turn without a browser: after /connect, Parley's own participant (@livekit/rtc-node, in the LiveKit
 * worker) joins the room Convai handed out, waits for `bot-ready`, speaks the WAV into its microphone track in real
 * time (or sends the text as `user_text_message`), records the character's audio, logs every data-channel message
 * through the same parser as the panel, and measures the turn. Sandbox and live rooms alike; the run says it took
 * the `livekit` transport.
 *
 * The figures, measured at the client on one clock (the worker's timestamps, on the machine's shared clock):
 * - setupMs: the /connect call (the operation's own setup_ms);
 * - firstServerEventMs: session start to the first data-channel message from the room;
 * - firstAudioMs: the turn's start (the WAV's first sample leaving the microphone track, or the text being sent) to
 *   the first audible bot sample at the player (the track's decoded audio, or the data-channel chunks played back
 *   to back; "audible": at or above -45 dBFS, audio-meter.ts);
 * - responseLatencyMs: the end of the user's speech (its last audible sample leaving the microphone track; for text,
 *   the message being sent) to that first audible sample;
 * - botAudioS: first to last audible sample of the answer;
 * - interruptionRecoveryMs (when the run interrupts): the user's barge-in speech starting (or interrupt-bot being
 *   sent) to the last audible sample of the bot;
 * - recognisedText, botText: the final user-transcription and the bot-transcription / bot-llm-text of the room.
 * Headless turns join with every ICE candidate: the TURN-only policy of Convai's own client is the panel's setting.
 */
import { roomEvents } from '../../room-events.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadSpeech } from '../../audio/speech.ts';
import { encodeWav } from '../../audio/wav.ts';
import { STANDARD_METRICS, type MetricData, type NewEvent, type SessionEvent } from '../../events.ts';
import type { SessionManager } from '../../session/manager.ts';
import { LiveKitWorker } from '../../livekit/worker-host.ts';
import { AudioMeter, speechBounds } from '../../livekit/audio-meter.ts';
import { CLIENT_AUDIO_RATE, sharedNow, type WorkerEvent } from '../../livekit/protocol.ts';
import { resampleToMono } from '../../audio/resample.ts';
import { waitForEvent, type TurnInput, type TurnOptions } from '../../workflows/turn.ts';
import { NoConversationError, type ConversationOpener, type TurnMeasurement, type TurnRequest, type VoiceConversation } from '../../workflows/conversation.ts';
import { parseDataMessage } from './common/rtvi.ts';
import { ConvaiTimeline } from './common/metrics.ts';
import { buildClientMessage, encodeClientMessage } from './common/client-messages.ts';
import type { ConnectResult } from './client.ts';

export const INTERRUPTION_RECOVERY_METRIC = 'interruption_recovery_ms';
export const BOT_AUDIO_FILE = 'bot-audio.wav';

type Figure = number | null;

/** The client-side figures of one room turn, under the names `parley compare` reports (issue: room turns). */
export interface RoomTurnFigures {
  /** `sandbox-room`: the sandbox's loopback room (no livekit-server here), joined by the turn agent. */
  transport: 'livekit' | 'sandbox-room';
  setupMs: Figure;
  firstServerEventMs: Figure;
  firstAudioMs: Figure;
  responseLatencyMs: Figure;
  botAudioS: Figure;
  interruptionRecoveryMs: Figure;
  recognisedText: string | null;
  botText: string | null;
  /** Why a figure is null, by name. */
  why: Record<string, string>;
}

export interface ConvaiTurnOptions extends TurnOptions {
  /** Interrupt the answer this long after it became audible: by speaking over it (barge-in) or with interrupt-bot. */
  interrupt?: { afterMs: number; by: 'speech' | 'message'; wav?: string };
  /** A worker to join with (the benchmark keeps one); else one is started for the turn and ended with it. */
  worker?: LiveKitWorker;
}

/** After bot-stopped-speaking, audio still on its way is waited for this long. */
const TAIL_MS = 300;

export async function convaiLiveKitTurn(
  manager: SessionManager,
  sessionId: string,
  input: TurnInput,
  options: ConvaiTurnOptions,
): Promise<RoomTurnFigures | null> {
  const conversation = await joinConvaiRoom(manager, sessionId, { timeoutMs: options.timeoutMs, worker: options.worker });
  if (!conversation) return null; // /connect failed: the session says why
  try {
    const m = await conversation.turn({ input, interrupt: options.interrupt, timeoutMs: options.timeoutMs });
    const { turn: _n, vendorFigures: _v, botAudioFile: _f, ...figures } = m;
    return { ...figures, transport: m.transport === 'agent' ? 'sandbox-room' : 'livekit' };
  } finally {
    await conversation.close();
  }
}

/** How long joining the room (the /connect answer, the room, bot-ready) may take before the first turn. */
export const JOIN_TIMEOUT_MS = 60_000;

/** Convai's voice-turn path (its descriptor's voiceTurns): the room of a started session, joined headless. */
export const openConvaiConversation: ConversationOpener = async (manager, sessionId) => {
  const room = await joinConvaiRoom(manager, sessionId, { timeoutMs: JOIN_TIMEOUT_MS });
  if (!room) throw new NoConversationError('/connect failed, so there is no room to talk in (the session record says why)');
  return room;
};

export interface JoinOptions {
  /** Give up joining (the /connect answer, the room, bot-ready) after this long. */
  timeoutMs: number;
  worker?: LiveKitWorker;
}

/**
 * Join the room of a started Convai session (after its /connect) and stay in it for as many turns as the caller
 * asks (the scenario runner's ConversationOpener). Resolves null when /connect failed: the session says why.
 */
export async function joinConvaiRoom(manager: SessionManager, sessionId: string, options: JoinOptions): Promise<VoiceConversation | null> {
  // Started at once: the worker and its native library load while /connect is still on its way.
  const worker = options.worker ?? new LiveKitWorker();
  if (await inLoopbackRoom(manager, sessionId, options.timeoutMs).catch(() => false)) {
    if (!options.worker) await worker.close();
    const [{ agentConversation }, { convai }] = await Promise.all([import('../../workflows/turn-agent.ts'), import('./index.ts')]);
    return agentConversation(manager, sessionId, 'convai', convai.operations[0]!);
  }
  const conversation = new ConvaiRoomConversation(manager, sessionId, worker, !options.worker);
  try {
    return (await conversation.join(options.timeoutMs)) ? conversation : (await conversation.close(), null);
  } catch (err) {
    await conversation.close();
    throw new Error(`Convai room turn: ${(err as Error).message}`);
  }
}

/**
 * Whether the session's /connect handed out the sandbox's loopback room (no livekit-server on this machine): no
 * LiveKit client can join that room, so its turns go through the turn agent in the renderer (the room frame's
 * sandbox livekit-client), as Tencent's and NetEase's sandbox rooms do, and the run reports that transport.
 */
async function inLoopbackRoom(manager: SessionManager, sessionId: string, timeoutMs: number): Promise<boolean> {
  const e = await waitForEvent(manager, sessionId, (x) => x.kind === 'session.control-plane-done' || x.kind === 'session.end', timeoutMs);
  const result = manager.controlPlaneResult(sessionId) as Partial<ConnectResult> | undefined;
  return e.kind === 'session.control-plane-done' && /^wss?:\/\/127\.0\.0\.1:\d+\/convai\/_room$/.test(String(result?.room_url));
}

/** One visit to a Convai room: several turns, client messages between them (actions named by their RTVI type). */
export class ConvaiRoomConversation implements VoiceConversation {
  private readonly manager: SessionManager;
  private readonly sessionId: string;
  private readonly worker: LiveKitWorker;
  private readonly ownWorker: boolean;
  private readonly pid = `turn-${randomUUID().slice(0, 8)}`;
  private readonly state: TurnState;
  private readonly off: () => void;
  private sid = '';
  private joined = false;
  private turns = 0;
  private closed = false;

  constructor(manager: SessionManager, sessionId: string, worker: LiveKitWorker, ownWorker: boolean) {
    this.manager = manager;
    this.sessionId = sessionId;
    this.worker = worker;
    this.ownWorker = ownWorker;
    this.state = new TurnState(manager, sessionId);
    this.off = worker.on((e) => 'pid' in e && e.pid === this.pid && this.state.onWorker(e));
    this.state.fatal = () => (worker.alive ? null : 'the LiveKit worker process ended');
  }

  /** False when /connect failed (no room). */
  async join(timeoutMs: number): Promise<boolean> {
    const turn = this.state;
    turn.deadline = Date.now() + timeoutMs;
    const ready = await turn.waitEvent((e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end', 'the /connect answer');
    if (ready.kind === 'session.end') return false;
    const result = this.manager.controlPlaneResult(this.sessionId) as Partial<ConnectResult> | undefined;
    if (!result?.room_url || !result.token) throw new Error('/connect answered without room_url and token: there is no room to join');
    turn.beginClock();
    turn.timeline.roomJoinStarted(sharedNow());
    turn.record(
      roomEvents.joining(`joining ${result.room_url} (headless, @livekit/rtc-node)`, { url: result.room_url, room: result.room_name, transport: 'livekit' }),
    );
    const me = await turn.bounded(
      this.worker.request('client.join', { pid: this.pid, url: result.room_url, token: result.token, iceTransportPolicy: 'all' }),
      'joining the room',
    );
    this.joined = true;
    this.sid = me.sid;
    turn.joined(me.identity);
    // The microphone is on from the start (silence), as in a live client: speech sent before the character has
    // subscribed to it would be lost.
    await turn.bounded(
      this.worker.request('client.publish', { pid: this.pid, samples: new Int16Array(0), sampleRate: CLIENT_AUDIO_RATE }),
      'publishing the microphone',
    );
    await turn.until(() => (turn.botReady && turn.subscribed ? true : null), 'bot-ready and the character subscribing to the microphone');
    return true;
  }

  async turn(request: TurnRequest): Promise<TurnMeasurement> {
    const { input, interrupt } = request;
    const turn = this.state;
    const number = ++this.turns;
    turn.deadline = Date.now() + request.timeoutMs;
    turn.beginTurn(number);
    try {
      let inputStart: number;
      let inputEnd: number;
      if (input.wav) {
        const speech = loadSpeech(readFileSync(input.wav), CLIENT_AUDIO_RATE);
        const bounds = speechBounds(speech.samples);
        if (!bounds) throw new Error(`${input.wav}: the WAV holds no speech (nothing at or above -45 dBFS)`);
        turn.marks.clear();
        await turn.bounded(
          this.worker.request('client.publish', { pid: this.pid, samples: speech.samples, sampleRate: CLIENT_AUDIO_RATE, markSamples: [0, bounds.end] }),
          'publishing the WAV',
        );
        turn.record(
          roomEvents.publish(`publishing ${input.wav} (${(speech.samples.length / CLIENT_AUDIO_RATE).toFixed(1)} s) as the microphone track`, {
            source: 'file',
            name: input.wav,
            seconds: speech.samples.length / CLIENT_AUDIO_RATE,
            turn: number,
          }),
        );
        inputStart = await turn.until(() => turn.marks.get(0) ?? null, 'the WAV being published');
        inputEnd = await turn.until(() => turn.marks.get(bounds.end) ?? null, 'the WAV being published');
      } else if (input.text) {
        const built = buildClientMessage('user_text_message', { text: input.text }, this.sid);
        if (!built.ok) throw new Error(built.error);
        inputStart = inputEnd = sharedNow();
        await turn.bounded(this.worker.request('client.send', { pid: this.pid, data: encodeClientMessage(built.message) }), 'sending the text');
        turn.record({ kind: 'convai.client.user_text_message', dir: 'out', summary: `sent user_text_message: ${input.text}`, data: built.message });
      } else throw new Error('a Convai voice turn needs a WAV file or a text');

      const firstAudio = await turn.until(() => turn.meter.firstAfter(inputEnd), "the character's answer to be audible");
      let recoveryFrom: number | null = null;
      if (interrupt) {
        await turn.sleepUntil(firstAudio + interrupt.afterMs);
        if (interrupt.by === 'message') {
          recoveryFrom = sharedNow();
          await this.action('interrupt-bot', {});
        } else {
          const over = loadSpeech(readFileSync(interrupt.wav ?? input.wav!), CLIENT_AUDIO_RATE);
          const bounds = speechBounds(over.samples);
          if (!bounds) throw new Error('the interrupting WAV holds no speech');
          turn.marks.clear();
          await turn.bounded(
            this.worker.request('client.publish', {
              pid: this.pid,
              samples: over.samples,
              sampleRate: CLIENT_AUDIO_RATE,
              markSamples: [bounds.start, bounds.end],
            }),
            'publishing the interruption',
          );
          turn.record(roomEvents.publish('speaking over the answer (barge-in)', { source: 'file', bargeIn: true, turn: number }));
          recoveryFrom = await turn.until(() => turn.marks.get(bounds.start) ?? null, 'the interruption being published');
          // The barge-in speech is the user's too: the turn ends once it has been said and the bot has stopped.
          await turn.until(() => turn.marks.get(bounds.end) ?? null, 'the interruption being published');
        }
        await turn.until(() => (turn.botStoppedAfter(recoveryFrom!) ? true : null), 'the character to stop speaking');
      } else await turn.until(() => (turn.botStoppedAfter(firstAudio) ? true : null), 'the end of the answer');
      await turn.sleepUntil(sharedNow() + TAIL_MS);
      return turn.finish(number, firstAudio, inputStart, inputEnd, recoveryFrom);
    } catch (err) {
      throw new Error(`Convai room turn: ${(err as Error).message}`);
    }
  }

  /** A Convai client message (interrupt-bot, user_text_message, update-config, ...), built and checked as the panel does. */
  async action(id: string, args: Record<string, unknown>): Promise<unknown> {
    if (!this.joined || this.closed) throw new Error(`${id}: not in the room`);
    const built = buildClientMessage(id as Parameters<typeof buildClientMessage>[0], args, this.sid);
    if (!built.ok) throw new Error(`${id}: ${built.error}`);
    await this.state.bounded(this.worker.request('client.send', { pid: this.pid, data: encodeClientMessage(built.message) }), `sending ${id}`);
    this.state.record({ kind: `convai.client.${id}`, dir: 'out', summary: `sent ${id}`, data: built.message });
    return { sent: id };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.off();
    if (this.joined) await this.worker.request('client.leave', { pid: this.pid }).catch(() => undefined);
    if (this.joined) this.state.left();
    if (this.ownWorker) await this.worker.close();
  }
}

/** What one turn has seen so far, and the waits on it. */
class TurnState {
  readonly meter = new AudioMeter();
  readonly timeline = new ConvaiTimeline();
  readonly marks = new Map<number, number>();
  botReady = false;
  /** The character has subscribed to the microphone track. */
  subscribed = false;
  fatal: () => string | null = () => null;
  private readonly manager: SessionManager;
  private readonly sessionId: string;
  /** When the current wait gives up (Date.now() ms): the join's, then each turn's limit. */
  deadline = 0;
  private readonly waiters = new Set<() => void>();
  private readonly recording: Int16Array[] = [];
  private readonly dataRecording: Int16Array[] = [];
  private readonly botTracks = new Set<string>();
  private firstDataAt: number | null = null;
  private stoppedSpeakingAt: number[] = [];
  private userText: string[] = [];
  private botText: string[] = [];
  private sessionStart = 0;
  /** Where the current turn's text and audio begin in the room's. */
  private from = { userText: 0, botText: 0, recording: 0, dataRecording: 0 };
  private turn = 1;

  constructor(manager: SessionManager, sessionId: string) {
    this.manager = manager;
    this.sessionId = sessionId;
  }

  beginTurn(turn: number): void {
    this.turn = turn;
    this.from = { userText: this.userText.length, botText: this.botText.length, recording: this.recording.length, dataRecording: this.dataRecording.length };
  }

  record(event: NewEvent): void {
    if (this.manager.isLive(this.sessionId)) this.manager.record(this.sessionId, [event]);
  }

  /** The session's start on the shared clock: read back from an event recorded now (its `t` is since the start). */
  beginClock(): void {
    const before = sharedNow();
    const seq = this.manager.record(this.sessionId, [
      { kind: 'turn.start', dir: 'local', summary: 'headless room turn (transport livekit)', data: { transport: 'livekit' } },
    ]);
    const event = this.manager.events(this.sessionId, seq - 1, 1).events[0];
    this.sessionStart = before - (event?.t ?? 0);
  }

  joined(identity: string): void {
    for (const m of this.timeline.roomJoined(sharedNow())) this.record(m);
    this.record(roomEvents.joined(`joined as ${identity}`, { identity }, 'local'));
  }

  left(): void {
    this.record(roomEvents.left('left the room'));
  }

  onWorker(e: WorkerEvent): void {
    switch (e.type) {
      case 'client.data': {
        this.firstDataAt ??= e.at;
        const p = parseDataMessage(e.payload);
        this.record(p.event);
        for (const m of this.timeline.onMessage(p, e.at)) if ((m.data as MetricData).name !== STANDARD_METRICS.turnLatency) this.record(m);
        const data = (p.message?.data ?? {}) as Record<string, unknown>;
        if (p.type === 'bot-ready') this.botReady = true;
        if (p.type === 'bot-stopped-speaking') this.stoppedSpeakingAt.push(e.at);
        // The conversation's text in the form every vendor's figures read ({role, text}: workflows/metrics.ts).
        if (p.type === 'user-transcription' && data.final === true && typeof data.text === 'string') {
          this.userText.push(data.text);
          this.record(roomEvents.transcript('user', data.text));
        }
        if (p.type === 'bot-transcription' && typeof data.text === 'string') {
          this.botText.push(data.text);
          this.record(roomEvents.transcript('bot', data.text));
        }
        if (p.type === 'audio-data' && p.audio) {
          const mono = resampleToMono(p.audio.samples, p.audio.channels, p.audio.sampleRate, CLIENT_AUDIO_RATE);
          if (!this.botTracks.size) this.meter.played(mono, CLIENT_AUDIO_RATE, e.at);
          this.dataRecording.push(mono);
        }
        break;
      }
      case 'client.track':
        if (e.change === 'subscribed') this.botTracks.add(e.trackSid);
        this.record(roomEvents.track(`audio track ${e.change} from ${e.participant}`, { participant: e.participant, change: e.change, trackId: e.trackSid }));
        break;
      case 'client.audio':
        this.meter.played(e.samples, e.sampleRate, e.at);
        this.recording.push(e.samples);
        break;
      case 'client.published':
        if (typeof e.mark === 'number') this.marks.set(e.mark, e.at);
        break;
      case 'client.subscribed':
        this.subscribed = true;
        break;
      case 'client.participant':
        this.record(roomEvents.participant(`${e.identity} ${e.change}`, { id: e.identity, change: e.change }));
        break;
      case 'client.connection':
        if (e.state === 'disconnected') this.record(roomEvents.disconnected(`disconnected (${e.reason ?? 'unknown'})`, e.reason));
        break;
    }
    for (const w of [...this.waiters]) w();
  }

  /** Whether the bot's speech ended after `t`: bot-stopped-speaking came, or it has been quiet for a second. */
  botStoppedAfter(t: number): boolean {
    if (this.stoppedSpeakingAt.some((at) => at >= t)) return true;
    const span = this.meter.spanAfter(t) ?? this.meter.all.at(-1);
    return !!span && sharedNow() - span.end > 1000;
  }

  /** Resolves with the first non-null value of `check`, tested after every event (and every 50 ms). */
  until<T>(check: () => T | null, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const fatal = this.fatal();
        if (fatal) return done(() => reject(new Error(`${fatal} while waiting for ${what}`)));
        const v = check();
        if (v !== null && v !== undefined) return done(() => resolve(v));
        if (Date.now() > this.deadline) done(() => reject(new Error(`no ${what} within the turn's time limit`)));
      };
      const timer = setInterval(test, 50);
      const done = (fn: () => void) => {
        clearInterval(timer);
        this.waiters.delete(test);
        fn();
      };
      this.waiters.add(test);
      test();
    });
  }

  /** A request, given up on at the turn's deadline. */
  bounded<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than the turn's time limit`)), Math.max(0, this.deadline - Date.now()))),
    );
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  waitEvent(match: (e: SessionEvent) => boolean, what: string): Promise<SessionEvent> {
    return this.bounded(
      new Promise<SessionEvent>((resolve) => {
        const off = this.manager.onEvents((id, events) => {
          const hit = id === this.sessionId ? events.find(match) : undefined;
          if (hit) {
            off();
            resolve(hit);
          }
        });
        const hit = this.manager.events(this.sessionId, 0, 1_000_000).events.find(match);
        if (hit) {
          off();
          resolve(hit);
        }
      }),
      what,
    );
  }

  sleepUntil(at: number): Promise<void> {
    return new Promise((r) => setTimeout(r, Math.max(0, at - sharedNow())));
  }

  finish(turn: number, firstAudio: number, inputStart: number, inputEnd: number, recoveryFrom: number | null): TurnMeasurement {
    const events = this.manager.events(this.sessionId, 0, 1_000_000).events;
    const setup = events.map((e) => e.data as MetricData | undefined).find((d) => d?.name === STANDARD_METRICS.setup);
    const span = this.meter.spanAfter(firstAudio);
    const ms = (v: number) => Math.round(v * 10) / 10;
    const why: Record<string, string> = {};
    const first = turn === 1;
    const figures: TurnMeasurement = {
      turn,
      transport: 'livekit',
      setupMs: first ? (setup?.value ?? null) : null,
      firstServerEventMs: this.firstDataAt === null || !first ? null : ms(this.firstDataAt - this.sessionStart),
      firstAudioMs: ms(firstAudio - inputStart),
      responseLatencyMs: ms(firstAudio - inputEnd),
      botAudioS: span ? Math.round(span.end - span.start) / 1000 : null,
      interruptionRecoveryMs: null,
      recognisedText: this.userText.slice(this.from.userText).join(' ') || null,
      botText: this.botText.slice(this.from.botText).join(' ') || null,
      vendorFigures: {},
      why,
    };
    if (recoveryFrom === null) why.interruptionRecoveryMs = 'the run did not interrupt the bot';
    else {
      const last = this.meter.all.filter((s) => s.start < recoveryFrom + 5000).at(-1);
      if (last && last.end >= recoveryFrom) figures.interruptionRecoveryMs = ms(last.end - recoveryFrom);
      else why.interruptionRecoveryMs = 'the bot was not audible when it was interrupted';
    }
    if (!first) why.setupMs = why.firstServerEventMs = 'measured on the first turn of the session only';
    else if (figures.setupMs === null) why.setupMs = 'no setup_ms from the /connect call';
    if (first && figures.firstServerEventMs === null) why.firstServerEventMs = 'no data-channel message came';
    if (figures.recognisedText === null) why.recognisedText = 'no final user-transcription came';
    if (figures.botText === null) why.botText = 'no bot-transcription came';
    const metric = (name: string, value: number | null, unit: MetricData['unit'], summary: string) => {
      if (value !== null) this.record({ kind: 'metric', dir: 'local', summary, data: { name, value, unit, turn, source: 'measured' } satisfies MetricData });
    };
    metric(STANDARD_METRICS.firstServerEvent, figures.firstServerEventMs, 'ms', `first data-channel message ${figures.firstServerEventMs} ms after the start`);
    metric(STANDARD_METRICS.firstAudio, figures.firstAudioMs, 'ms', `first audible bot audio ${figures.firstAudioMs} ms after the turn started`);
    metric(STANDARD_METRICS.turnLatency, figures.responseLatencyMs, 'ms', `response latency ${figures.responseLatencyMs} ms (end of speech → audible answer)`);
    metric(STANDARD_METRICS.botAudio, figures.botAudioS, 's', `bot audio ${figures.botAudioS} s`);
    metric(INTERRUPTION_RECOVERY_METRIC, figures.interruptionRecoveryMs, 'ms', `interruption recovery ${figures.interruptionRecoveryMs} ms`);
    const audio = this.recording.length > this.from.recording ? this.recording.slice(this.from.recording) : this.dataRecording.slice(this.from.dataRecording);
    if (audio.length) figures.botAudioFile = this.writeAudio(audio, turn === 1 ? BOT_AUDIO_FILE : `bot-audio-${turn}.wav`);
    this.record({
      kind: 'turn.figures',
      dir: 'local',
      summary: `room turn ${turn} over livekit: response ${figures.responseLatencyMs} ms, bot audio ${figures.botAudioS} s`,
      data: figures,
    });
    return figures;
  }

  private writeAudio(parts: Int16Array[], name: string): string {
    const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      pcm.set(p, o);
      o += p.length;
    }
    this.manager.directory.artifactsDir(this.sessionId);
    const file = this.manager.directory.artifactFile(this.sessionId, name);
    writeFileSync(file, encodeWav(pcm, CLIENT_AUDIO_RATE, 1));
    this.record({
      kind: 'audio.recording',
      dir: 'local',
      summary: `bot audio recorded: ${name} (${(pcm.length / CLIENT_AUDIO_RATE).toFixed(1)} s)`,
      data: { file: name, seconds: pcm.length / CLIENT_AUDIO_RATE, turn: this.turn },
    });
    return file;
  }
}
