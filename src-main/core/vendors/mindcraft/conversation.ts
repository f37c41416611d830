/**
 * Mindcraft's VoiceConversation: several turns on one chat_bot_v3 socket session, driven through the session's own
 * actions (send_wav, text, stop_output, wait_turn), and measured from the session's record on its clock.
 *
 * The figures at the client (core is the client here; no renderer plays the audio):
 * - firstAudioMs / responseLatencyMs: to the moment the turn's first mp3 segment is in hand (fetched), from the first
 *   speech frame sent / from the last audible sample sent (its frame's send time plus its offset in the frame; for a
 *   text turn, the text sent). Decoding is the player's; the mp3's encoder delay (a few ms) is not counted.
 * - botAudioS: how long the answer is audible at a player that plays the turn's mp3 segments in z_index order,
 *   each from its arrival or after the one before (their playing time counted from their frame headers), up to the
 *   interruption. A turn that waits for the reply waits until that player would have finished.
 * - interruptionRecoveryMs: the barge-in (stop_output sent, or the first audible sample of the speech over the
 *   answer) to the client's player stopping (the session's audio.interrupt). The client stops its own playback, so
 *   this is Parley's reaction time (about 0 ms; 0 when the stop came before the speech was audible); the vendor's
 *   side is in the record (agent_stop, tts segments ignored after the stop).
 * - vendorFigures: the times of the vendor's first asr / llm / tts messages after the reference point, and the
 *   audio_seconds its tts messages announce.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadSpeech } from '../../audio/speech.ts';
import { speechBounds } from '../../livekit/audio-meter.ts';
import { mp3DurationSeconds } from '../../audio/mp3-duration.ts';
import type { SessionEvent } from '../../events.ts';
import type { SessionManager } from '../../session/manager.ts';
import type { ConversationOpener, TurnMeasurement, TurnRequest, VoiceConversation } from '../../workflows/conversation.ts';
import type { TurnReport } from './turn.ts';

const UPLOAD_RATE = 16000;

/** The session's action handler exists once its socket is up: until then the manager says it takes no actions. */
export const openMindcraftConversation: ConversationOpener = async (manager, sessionId) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await manager.send(sessionId, 'wait_turn', { timeoutMs: 1 });
      return new MindcraftConversation(manager, sessionId);
    } catch (err) {
      if (!/takes no actions/.test((err as Error).message) || Date.now() > deadline || !manager.isLive(sessionId)) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
};

class MindcraftConversation implements VoiceConversation {
  private readonly manager: SessionManager;
  private readonly sessionId: string;
  private turns = 0;

  constructor(manager: SessionManager, sessionId: string) {
    this.manager = manager;
    this.sessionId = sessionId;
  }

  /** The session's clock now (ms since its start), read back from an event recorded now. */
  private now(note: string): number {
    const seq = this.manager.record(this.sessionId, [{ kind: 'turn.mark', dir: 'local', summary: note }]);
    return this.manager.events(this.sessionId, seq - 1, 1).events[0]?.t ?? 0;
  }

  private eventsFrom(seq: number): SessionEvent[] {
    return this.manager.events(this.sessionId, seq, 1_000_000).events;
  }

  private lastSeq(): number {
    return this.manager.events(this.sessionId, 0, 0).total;
  }

  /** Resolves with the first matching event from `fromSeq` on (already recorded or still to come). */
  private waitFor<T>(fromSeq: number, pick: (e: SessionEvent) => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (events: SessionEvent[]) => {
        for (const e of events) {
          const v = e.seq > fromSeq ? pick(e) : null;
          if (v !== null && v !== undefined) return done(() => resolve(v));
          if (e.kind === 'session.end') return done(() => reject(new Error(`the session ended while waiting for ${what}`)));
        }
      };
      const off = this.manager.onEvents((id, events) => id === this.sessionId && check(events));
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within the turn's time limit`))), timeoutMs);
      const done = (fn: () => void) => {
        clearTimeout(timer);
        off();
        fn();
      };
      check(this.eventsFrom(fromSeq));
    });
  }

  async turn(request: TurnRequest): Promise<TurnMeasurement> {
    const number = ++this.turns;
    const deadline = Date.now() + request.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    const startSeq = this.lastSeq();
    const { input, interrupt } = request;
    let vendorTurn: number;
    let inputStart: number;
    let inputEnd: number;
    let bounds: { start: number; end: number } | null = null;
    if (input.wav) {
      bounds = speechBounds(loadSpeech(readFileSync(input.wav), UPLOAD_RATE).samples);
      if (!bounds) throw new Error(`${input.wav}: the WAV holds no speech (nothing at or above -45 dBFS)`);
      // Not awaited yet: the upload runs in real time while the answer may already be coming.
      const upload = this.manager.send(this.sessionId, 'send_wav', { path: input.wav, realtime: true }) as Promise<{ turn: number }>;
      upload.catch(() => undefined);
      vendorTurn = await this.waitFor(
        startSeq,
        (e) => (e.kind === 'mindcraft.upload' ? (e.data as { turn: number }).turn : null),
        left(),
        'start of the upload',
      );
      inputStart = this.sampleSentAt(startSeq, vendorTurn, 0);
      await upload;
      inputEnd = this.sampleSentAt(startSeq, vendorTurn, bounds.end);
    } else if (input.text) {
      inputStart = inputEnd = this.now(`turn ${number}: text`);
      vendorTurn = ((await this.manager.send(this.sessionId, 'text', { text: input.text })) as { turn: number }).turn;
    } else throw new Error('a Mindcraft turn needs a WAV file or a text');

    const segment = (e: SessionEvent) => {
      const d = e.data as { turn?: number; missing?: boolean; file?: string } | undefined;
      return e.kind === 'audio.segment' && e.dir === 'in' && d?.turn === vendorTurn && !d.missing ? e : null;
    };
    const turnEnd = (turn: number) => (e: SessionEvent) =>
      e.kind === 'mindcraft.turn' && (e.data as TurnReport).turn === turn ? (e.data as TurnReport) : null;
    const ended = this.waitFor(startSeq, turnEnd(vendorTurn), left(), 'end of the turn');
    ended.catch(() => undefined);
    await Promise.race([
      this.waitFor(startSeq, segment, left(), 'bot audio'),
      ended.then((r) => {
        if (!this.playback(startSeq, vendorTurn).length)
          throw new Error(`turn ${vendorTurn} ended ${r.state} without bot audio${r.error ? ` (${r.error.code}: ${r.error.message})` : ''}`);
      }),
    ]);
    const firstAudio = this.playback(startSeq, vendorTurn)[0]!.start;
    let recoveryFrom: number | null = null;
    let stoppedAt: number | null = null;
    let report: TurnReport;
    // The client's player stops when the client sends stop_output (whether or not the vendor is still streaming).
    const stopSent = (from: number) =>
      this.eventsFrom(from).find(
        (e) => e.kind === 'ws.frame' && e.dir === 'out' && (e.data as { event_name?: string } | undefined)?.event_name === 'stream_output',
      )?.t ?? null;
    if (interrupt) {
      const at = firstAudio + interrupt.afterMs;
      const wait = at - this.now(`turn ${number}: waiting to interrupt`);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const playing = this.playback(startSeq, vendorTurn).at(-1)!.end > at;
      const seq = this.lastSeq();
      if (!playing) {
        // The answer was shorter than the interruption point: nothing to interrupt (said in `why`).
        report = await ended;
      } else if (interrupt.by === 'message') {
        recoveryFrom = this.now(`turn ${number}: interrupt (stop_output)`);
        await this.manager.send(this.sessionId, 'stop_output', {});
        stoppedAt = stopSent(seq);
        report = await ended;
      } else {
        // Speaking over the answer: the client stops its player and the answer (stop_output, the demo's order)
        // as the speech starts, then uploads it as the next turn; the bot falls silent before the speech is audible.
        const wav = interrupt.wav ?? input.wav;
        if (!wav) throw new Error('an interruption by speech needs a WAV (the turn is a text turn: give interrupt.wav)');
        const over = speechBounds(loadSpeech(readFileSync(wav), UPLOAD_RATE).samples);
        if (!over) throw new Error(`${wav}: the interrupting WAV holds no speech`);
        await this.manager.send(this.sessionId, 'stop_output', {});
        stoppedAt = stopSent(seq);
        report = await ended;
        const upload = this.manager.send(this.sessionId, 'send_wav', { path: wav, realtime: true }) as Promise<{ turn: number }>;
        upload.catch(() => undefined);
        const bargeTurn = await this.waitFor(
          seq,
          (e) => (e.kind === 'mindcraft.upload' ? (e.data as { turn: number }).turn : null),
          left(),
          'start of the interruption',
        );
        await upload;
        recoveryFrom = this.sampleSentAt(seq, bargeTurn, over.start);
        // The barge-in is answered too; the next step starts once that answer has been heard.
        await this.manager.send(this.sessionId, 'wait_turn', { timeoutMs: left() });
        await this.sleepUntil(this.playback(seq, bargeTurn).at(-1)?.end ?? 0);
      }
    } else {
      report = (await this.manager.send(this.sessionId, 'wait_turn', { timeoutMs: left() })) as TurnReport;
      // A caller hears the answer out before speaking again.
      await this.sleepUntil(this.playback(startSeq, vendorTurn).at(-1)!.end);
    }
    return this.measure(number, startSeq, vendorTurn, report, { firstAudio, inputStart, inputEnd, recoveryFrom, stoppedAt, interrupted: !!interrupt });
  }

  /** Sleep until `t` on the session clock. */
  private async sleepUntil(t: number): Promise<void> {
    const wait = t - this.now('waiting for the answer to be played out');
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /**
   * When a turn's answer is audible at a player that plays its mp3 segments in z_index order, each from its arrival
   * or from the end of the one before, whichever is later (ms, session clock). Empty before any segment arrived.
   */
  private playback(fromSeq: number, turn: number): { z: number; start: number; end: number }[] {
    const segments = this.eventsFrom(fromSeq)
      .map((e) => ({ e, d: e.data as { turn?: number; missing?: boolean; file?: string; z_index?: number } | undefined }))
      .filter(({ e, d }) => e.kind === 'audio.segment' && e.dir === 'in' && d?.turn === turn && !d.missing && d.file)
      .sort((a, b) => (a.d!.z_index ?? 0) - (b.d!.z_index ?? 0));
    let playhead = 0;
    return segments.map(({ e, d }) => {
      const seconds = this.durations.get(d!.file!) ?? this.duration(d!.file!);
      const start = Math.max(e.t, playhead);
      playhead = start + seconds * 1000;
      return { z: d!.z_index ?? 0, start, end: playhead };
    });
  }

  private readonly durations = new Map<string, number>();

  private duration(file: string): number {
    let seconds = 0;
    try {
      seconds = mp3DurationSeconds(readFileSync(this.manager.directory.artifactFile(this.sessionId, file))) ?? 0;
    } catch {
      // an unreadable segment plays nothing; the session record says why it is missing
    }
    this.durations.set(file, seconds);
    return seconds;
  }

  /** When the frame holding upload sample `sample` of a turn was sent, plus the sample's offset in it (ms, session clock). */
  private sampleSentAt(fromSeq: number, turn: number, sample: number): number {
    let samples = 0;
    let last: SessionEvent | undefined;
    for (const e of this.eventsFrom(fromSeq)) {
      const d = e.data as { bytes?: number; turn?: number } | undefined;
      if (e.kind !== 'ws.binary' || e.dir !== 'out' || d?.turn !== turn || !d.bytes) continue;
      const n = d.bytes / 2;
      if (samples + n > sample) return e.t + ((sample - samples) * 1000) / UPLOAD_RATE;
      samples += n;
      last = e;
    }
    if (!last) throw new Error(`turn ${turn}: no speech frame was sent`);
    return last.t;
  }

  private measure(
    number: number,
    startSeq: number,
    vendorTurn: number,
    report: TurnReport,
    at: { firstAudio: number; inputStart: number; inputEnd: number; recoveryFrom: number | null; stoppedAt: number | null; interrupted: boolean },
  ): TurnMeasurement {
    const events = this.eventsFrom(0);
    const metric = (name: string) =>
      events.map((e) => (e.kind === 'metric' ? (e.data as { name: string; value: number }) : null)).find((m) => m?.name === name)?.value ?? null;
    const first = number === 1;
    const why: Record<string, string> = {};
    const r1 = (v: number) => Math.round(v * 10) / 10;
    const cut = at.stoppedAt ?? Infinity;
    const audible = this.playback(startSeq, vendorTurn).reduce((sum, p) => sum + Math.max(0, Math.min(p.end, cut) - p.start), 0);
    const m: TurnMeasurement = {
      turn: number,
      transport: 'socket',
      setupMs: first ? metric('setup_ms') : null,
      firstServerEventMs: first ? metric('first_server_event_ms') : null,
      firstAudioMs: r1(at.firstAudio - at.inputStart),
      responseLatencyMs: r1(at.firstAudio - at.inputEnd),
      botAudioS: Math.round(audible) / 1000,
      interruptionRecoveryMs: at.recoveryFrom !== null && at.stoppedAt !== null ? r1(Math.max(0, at.stoppedAt - at.recoveryFrom)) : null,
      recognisedText: report.asrText ?? null,
      botText:
        report.segments
          .map((s) => s.text ?? '')
          .join(' ')
          .trim() || null,
      vendorFigures: {},
      why,
    };
    const heard = this.botAudio(startSeq, vendorTurn, number);
    if (heard) m.botAudioFile = heard;
    const vm = report.metrics;
    for (const [name, value] of [
      ['first_asr_ms', vm.firstAsrMs],
      ['first_llm_ms', vm.firstLlmMs],
      ['first_tts_ms', vm.firstTtsMs],
      ['audio_seconds', vm.botAudioSeconds],
    ] as const)
      if (value !== null) m.vendorFigures[name] = value;
    if (!first) why.setupMs = why.firstServerEventMs = 'measured on the first turn of the session only';
    if (!at.interrupted) why.interruptionRecoveryMs = 'the run did not interrupt the bot';
    else if (at.recoveryFrom === null) why.interruptionRecoveryMs = 'the answer had been played out before the interruption point';
    if (m.recognisedText === null) why.recognisedText = 'no ASR text came for this turn';
    if (m.botText === null) why.botText = 'no llm text came for this turn';
    this.manager.record(this.sessionId, [
      {
        kind: 'turn.figures',
        dir: 'local',
        summary: `turn ${number} over the socket: response ${m.responseLatencyMs} ms, bot audio ${m.botAudioS} s`,
        data: m,
      },
    ]);
    return m;
  }

  /** The turn's mp3 segments joined in z_index order (MPEG frames concatenate), for listening to the turn later. */
  private botAudio(startSeq: number, vendorTurn: number, number: number): string | null {
    const files = this.eventsFrom(startSeq)
      .map((e) => (e.kind === 'audio.segment' && e.dir === 'in' ? (e.data as { turn?: number; missing?: boolean; file?: string; z_index?: number }) : null))
      .filter((d): d is { file: string; z_index?: number } => !!d && d.turn === vendorTurn && !d.missing && !!d.file)
      .sort((a, b) => (a.z_index ?? 0) - (b.z_index ?? 0));
    if (!files.length) return null;
    try {
      const bytes = Buffer.concat(files.map((f) => readFileSync(this.manager.directory.artifactFile(this.sessionId, f.file))));
      const path = this.manager.directory.artifactFile(this.sessionId, `turn-${number}-bot-audio.mp3`);
      writeFileSync(path, bytes);
      return path;
    } catch {
      return null;
    }
  }

  async action(id: string, args: Record<string, unknown>): Promise<unknown> {
    if (id !== 'stop_output') throw new Error(`${id}: the Mindcraft action between turns is stop_output`);
    return this.manager.send(this.sessionId, id, args);
  }

  async close(): Promise<void> {
    // The socket belongs to the session: the caller stops it.
  }
}
