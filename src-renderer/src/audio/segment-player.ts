/**
 * SegmentPlayer: one AudioContext that plays
 *  (a) a queue of encoded segments (mp3 or WAV bytes) gaplessly, in `order` (Mindcraft z_index), waiting for a
 *      missing segment up to `lateTimeoutMs` and then skipping (and reporting) it;
 *  (b) a live PCM16 stream (any rate, 1 or 2 channels, little-endian), chunk after chunk with no gap;
 *  (c) interrupt(): stop now and drop everything queued (barge-in);
 *  (d) remote MediaStreams (RTC room audio) attached with attachStream(): played through the same output and
 *      level meter, listed by liveSources(), recorded on the same clock;
 *  (e) records what it played, exported with exportWav().
 * Segments and stream chunks share one timeline (the playhead), so they never overlap. Attached streams are live:
 * they sound when the remote side sends, mixed with whatever else plays.
 *
 *   const player = new SegmentPlayer();
 *   player.on((t) => console.log(t.order, t.status));
 *   player.enqueue({ id: 'a', order: 1, bytes: mp3Bytes, text: 'second sentence' });
 *   player.enqueue({ id: 'b', order: 0, bytes: mp3Bytes2, text: 'first sentence' }); // plays first
 *   player.pushPcm(chunk, { sampleRate: 24000, channels: 1 });
 *   const detach = player.attachStream(remoteStream, { id: 'bot_1', label: 'TRTC bot_1' });
 */
import { encodeFloatWav } from './wav.ts';
import { LiveStream, type LiveSource, type LiveSourceMeta } from './live-stream.ts';
import { pcm16ToFloat, resample } from './pcm.ts';

export interface SegmentInput {
  id: string;
  /** Play position within the turn (Mindcraft z_index). */
  order: number;
  /** Encoded audio (mp3, WAV, anything decodeAudioData reads). */
  bytes?: ArrayBuffer | Uint8Array;
  /** Or a URL the renderer may load (blob:, data:, the loopback sandbox). */
  url?: string;
  /** Text spoken in this segment, shown beside it. */
  text?: string;
}

export type SegmentStatus = 'decoding' | 'waiting' | 'scheduled' | 'playing' | 'done' | 'skipped' | 'late' | 'error' | 'interrupted';

/** Times are AudioContext seconds (context.currentTime's clock). */
export interface SegmentTiming {
  id: string;
  order: number;
  text?: string;
  status: SegmentStatus;
  duration: number | null;
  scheduledStart: number | null;
  scheduledEnd: number | null;
  /** currentTime observed when the segment began playing. */
  startedAt: number | null;
  /** Why a segment was skipped or failed. */
  reason?: string;
}

export interface PcmFormat {
  sampleRate: number;
  channels: 1 | 2;
}

export interface ScheduledChunk {
  scheduledStart: number;
  scheduledEnd: number;
  frames: number;
}

export interface SegmentPlayerOptions {
  context?: AudioContext;
  /** How long to wait for a missing segment while later ones are ready (default 4000 ms). */
  lateTimeoutMs?: number;
  /** Scheduling lead when the queue was idle, so the first samples are not cut (default 25 ms: ~9 render quanta; the buffer is already decoded when it is scheduled). */
  leadMs?: number;
  /** Order of the first segment of the first turn (default 0: Mindcraft z_index starts at 0). */
  firstOrder?: number;
}

type Listener = (timing: SegmentTiming, all: readonly SegmentTiming[]) => void;

interface Played {
  buffer: AudioBuffer;
  start: number;
  stopAt: number | null;
  source: AudioBufferSourceNode;
}

/** A stretch of recorded audio on the context clock, for the export. */
interface Take {
  buffer: AudioBuffer;
  start: number;
  /** Where it was cut (interrupt), or null when it played to its end. */
  stopAt: number | null;
}

export class SegmentPlayer {
  readonly context: AudioContext;
  /** Tap for level meters and waveforms. */
  readonly analyser: AnalyserNode;
  readonly timings: SegmentTiming[] = [];
  private readonly output: GainNode;
  private readonly lateTimeoutMs: number;
  private readonly lead: number;
  private playhead = 0;
  private expected: number;
  private readonly ready = new Map<number, { timing: SegmentTiming; buffer: AudioBuffer }>();
  private readonly decoding = new Set<number>();
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  private turn = 0;
  private readonly played: Played[] = [];
  private readonly listeners = new Set<Listener>();
  private pcmRemainder = new Uint8Array(0);
  private readonly live = new Map<string, LiveStream>();
  /** Every stream ever attached, detached ones included: their recordings stay in the export. */
  private readonly streams: LiveStream[] = [];

  /** Whether close() closes the context (a player given a shared context leaves it to its owner). */
  private readonly ownsContext: boolean;

  constructor(options: SegmentPlayerOptions = {}) {
    this.ownsContext = !options.context;
    this.context = options.context ?? new AudioContext();
    this.lateTimeoutMs = options.lateTimeoutMs ?? 4000;
    this.lead = (options.leadMs ?? 25) / 1000;
    this.expected = options.firstOrder ?? 0;
    this.output = this.context.createGain();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.output.connect(this.analyser);
    this.analyser.connect(this.context.destination);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Add a segment; it plays when every earlier `order` has played or been skipped. */
  async enqueue(seg: SegmentInput): Promise<SegmentTiming> {
    const timing: SegmentTiming = {
      id: seg.id,
      order: seg.order,
      text: seg.text,
      status: 'decoding',
      duration: null,
      scheduledStart: null,
      scheduledEnd: null,
      startedAt: null,
    };
    this.timings.push(timing);
    this.emit(timing);
    const turn = this.turn;
    if (seg.order < this.expected) {
      // Its slot has passed (skipped after the timeout, or a duplicate): playing it now would be out of order.
      return this.mark(timing, 'late', `slot #${seg.order} was already skipped or played`);
    }
    this.decoding.add(seg.order);
    let buffer: AudioBuffer;
    try {
      const bytes = seg.bytes ?? (await (await fetch(seg.url!)).arrayBuffer());
      const copy = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes.slice(0);
      buffer = await this.context.decodeAudioData(copy);
    } catch (err) {
      this.decoding.delete(seg.order);
      this.mark(timing, 'error', (err as Error).message || 'could not decode');
      // Nothing will fill this slot: move on as if it had been skipped.
      if (seg.order === this.expected && turn === this.turn) this.skipTo(this.nextReady());
      return timing;
    } finally {
      this.decoding.delete(seg.order);
    }
    if (turn !== this.turn) return this.mark(timing, 'interrupted');
    if (seg.order < this.expected) return this.mark(timing, 'late', 'arrived after its slot was skipped');
    timing.duration = buffer.duration;
    this.ready.set(seg.order, { timing, buffer });
    this.mark(timing, 'waiting');
    this.pump();
    return timing;
  }

  /** Play a chunk of a live PCM16 stream right after whatever is scheduled. */
  pushPcm(chunk: ArrayBuffer | Uint8Array, format: PcmFormat): ScheduledChunk | null {
    const incoming = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk);
    const bytes = new Uint8Array(this.pcmRemainder.length + incoming.length);
    bytes.set(this.pcmRemainder);
    bytes.set(incoming, this.pcmRemainder.length);
    const frameBytes = 2 * format.channels;
    const usable = bytes.length - (bytes.length % frameBytes);
    this.pcmRemainder = bytes.slice(usable);
    if (!usable) return null;
    const channels = pcm16ToFloat(bytes.subarray(0, usable), format.channels);
    const buffer = this.context.createBuffer(format.channels, channels[0]!.length, format.sampleRate);
    channels.forEach((data, c) => buffer.copyToChannel(data, c));
    const start = this.schedule(buffer);
    return { scheduledStart: start, scheduledEnd: start + buffer.duration, frames: buffer.length };
  }

  /**
   * Play a remote MediaStream through this player (speakers, level meter, WAV export) until the returned function
   * is called. Attaching another stream with the same id replaces it. interrupt() leaves attached streams alone: a
   * room's audio is stopped in the room (the vendor's interrupt), muting it here would only hide what the bot sends.
   */
  attachStream(stream: MediaStream, meta: LiveSourceMeta): () => void {
    this.live.get(meta.id)?.close();
    const live = new LiveStream(this.context, stream, meta, this.output);
    this.live.set(meta.id, live);
    this.streams.push(live);
    return () => {
      live.close();
      if (this.live.get(meta.id) === live) this.live.delete(meta.id);
    };
  }

  /** The attached streams sounding now (most recent last), with their levels. */
  liveSources(): LiveSource[] {
    return [...this.live.values()].map((l) => l.describe());
  }

  /** A new reply: its segments restart at `firstOrder` and play after what is already scheduled. */
  beginTurn(firstOrder = 0): void {
    this.turn++;
    this.clearWait();
    for (const { timing } of this.ready.values()) this.mark(timing, 'skipped', 'turn ended before it could play');
    this.ready.clear();
    this.expected = firstOrder;
  }

  /** Barge-in: stop now, drop the queue and any partial PCM frame; the next turn starts at `firstOrder`. */
  interrupt(firstOrder = 0): void {
    const now = this.context.currentTime;
    for (const p of this.played) {
      if (p.stopAt !== null || p.start + p.buffer.duration <= now) continue;
      p.stopAt = Math.max(now, p.start);
      try {
        p.source.stop();
      } catch {
        /* already stopped */
      }
    }
    for (const t of this.timings) if (t.status === 'scheduled' || t.status === 'playing') this.mark(t, 'interrupted');
    this.beginTurn(firstOrder);
    this.playhead = now;
    this.pcmRemainder = new Uint8Array(0);
  }

  /** Whether anything (a segment or live PCM) is scheduled to sound from now on. */
  busy(): boolean {
    return this.playhead > this.context.currentTime;
  }

  /** The segment playing now, if any. */
  current(): SegmentTiming | null {
    const now = this.context.currentTime;
    return this.timings.find((t) => t.status === 'playing' || (t.status === 'scheduled' && t.scheduledStart! <= now && t.scheduledEnd! > now)) ?? null;
  }

  /** Everything played (or scheduled) so far, attached streams included, as one 16-bit WAV at the context rate, silences between kept. */
  exportWav(): ArrayBuffer {
    const rate = this.context.sampleRate;
    const items = this.takes();
    if (!items.length) return encodeFloatWav([new Float32Array(0)], rate);
    const origin = Math.min(...items.map((p) => p.start));
    const end = Math.max(...items.map(takeEnd));
    const channels = Math.max(...items.map((p) => p.buffer.numberOfChannels));
    const out = Array.from({ length: channels }, () => new Float32Array(Math.round((end - origin) * rate)));
    for (const p of items) {
      const offset = Math.round((p.start - origin) * rate);
      const keep = p.stopAt === null ? Infinity : Math.round((p.stopAt - p.start) * rate);
      for (let c = 0; c < channels; c++) {
        const src = p.buffer.getChannelData(Math.min(c, p.buffer.numberOfChannels - 1));
        const data = p.buffer.sampleRate === rate ? src : resample(src, p.buffer.sampleRate, rate);
        const n = Math.min(data.length, keep, out[c]!.length - offset);
        for (let i = 0; i < n; i++) out[c]![offset + i]! += data[i]!;
      }
    }
    return encodeFloatWav(out, rate);
  }

  /** Seconds of audio recorded (what exportWav would contain). */
  recordedSeconds(): number {
    const items = this.takes();
    if (!items.length) return 0;
    return Math.max(...items.map(takeEnd)) - Math.min(...items.map((p) => p.start));
  }

  private takes(): Take[] {
    const played: Take[] = this.played.filter((p) => p.stopAt === null || p.stopAt > p.start);
    for (const s of this.streams) {
      const rec = s.recording();
      if (!rec) continue;
      const buffer = this.context.createBuffer(1, rec.samples.length, this.context.sampleRate);
      buffer.copyToChannel(rec.samples as Float32Array<ArrayBuffer>, 0);
      played.push({ buffer, start: rec.start, stopAt: null });
    }
    return played;
  }

  /** Context time of the first thing this player scheduled or recorded (null before): the origin of its timeline. */
  origin(): number | null {
    const items = this.takes();
    return items.length ? Math.min(...items.map((p) => p.start)) : this.played.length ? this.played[0]!.start : null;
  }

  /** Stop everything, release the streams and leave the speakers; the context is closed only if this player made it. */
  async close(): Promise<void> {
    this.clearWait();
    for (const p of this.played) {
      try {
        p.source.stop();
      } catch {
        /* not started or already stopped */
      }
    }
    for (const l of this.live.values()) l.close();
    this.live.clear();
    this.listeners.clear();
    this.output.disconnect();
    this.analyser.disconnect();
    if (this.ownsContext) await this.context.close();
  }

  private pump(): void {
    for (let next = this.ready.get(this.expected); next; next = this.ready.get(this.expected)) {
      this.ready.delete(this.expected);
      this.expected++;
      const start = this.schedule(next.buffer, next.timing);
      next.timing.scheduledStart = start;
      next.timing.scheduledEnd = start + next.buffer.duration;
      this.mark(next.timing, 'scheduled');
    }
    this.clearWait();
    if (this.ready.size) {
      // Later segments are ready but #expected is missing: wait for it, then give up on it.
      const waitingFor = this.expected;
      this.waitTimer = setTimeout(() => {
        this.waitTimer = null;
        if (this.expected !== waitingFor) return;
        if (this.decoding.has(waitingFor)) return this.pump();
        this.skipTo(this.nextReady());
      }, this.lateTimeoutMs);
    }
  }

  private nextReady(): number {
    return this.ready.size ? Math.min(...this.ready.keys()) : this.expected + 1;
  }

  private skipTo(order: number): void {
    for (let o = this.expected; o < order; o++) {
      const timing: SegmentTiming = {
        id: `missing-${o}`,
        order: o,
        status: 'skipped',
        duration: null,
        scheduledStart: null,
        scheduledEnd: null,
        startedAt: null,
        reason: `not received within ${this.lateTimeoutMs} ms`,
      };
      if (!this.timings.some((t) => t.order === o && t.status === 'error')) {
        this.timings.push(timing);
        this.emit(timing);
      }
    }
    this.expected = order;
    this.pump();
  }

  private schedule(buffer: AudioBuffer, timing?: SegmentTiming): number {
    const ctx = this.context;
    const start = Math.max(this.playhead, ctx.currentTime + this.lead);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    source.start(start);
    this.playhead = start + buffer.duration;
    this.played.push({ buffer, start, stopAt: null, source });
    if (timing) {
      setTimeout(
        () => {
          if (timing.status !== 'scheduled') return;
          timing.startedAt = ctx.currentTime;
          this.mark(timing, 'playing');
        },
        Math.max(0, (start - ctx.currentTime) * 1000),
      );
      source.onended = () => {
        if (timing.status === 'playing' || timing.status === 'scheduled') this.mark(timing, 'done');
      };
    }
    return start;
  }

  private mark(timing: SegmentTiming, status: SegmentStatus, reason?: string): SegmentTiming {
    timing.status = status;
    if (reason) timing.reason = reason;
    this.emit(timing);
    return timing;
  }

  private emit(timing: SegmentTiming): void {
    for (const l of this.listeners) l(timing, this.timings);
  }

  private clearWait(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
  }
}

function takeEnd(t: Take): number {
  return t.stopAt ?? t.start + t.buffer.duration;
}
