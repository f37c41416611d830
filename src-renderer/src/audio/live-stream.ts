/**
 * A remote MediaStream (an RTC room's bot audio) played on a player's AudioContext graph:
 *   MediaStreamAudioSourceNode → own AnalyserNode (its level) → the player's output (speakers, level meter)
 *                              ↘ PCM tap (AudioWorklet) → recorded for the player's WAV export.
 * Used through SegmentPlayer.attachStream(); vendors never build this graph themselves.
 */
import { floatArrayToPcm16, pcm16ToFloat } from './pcm.ts';
// A real file URL (never a data: URL): the CSP allows worklets only from 'self'. Same worklet as the microphone.
import workletUrl from './pcm-capture.worklet.js?url&no-inline';

export interface LiveSourceMeta {
  id: string;
  /** Shown in the player as the live source ("TRTC bot_1", "NERTC uid 99" …). */
  label: string;
}

export interface LiveSource extends LiveSourceMeta {
  /** RMS level of the stream now, 0..1. */
  level: number;
  /** Context time it was attached. */
  since: number;
}

/**
 * Recording stops after this many seconds per attached stream (the stream keeps playing): PCM16 at 48 kHz is
 * ~5.5 MB a minute, and a forgotten room must not grow the renderer without bound. 20 minutes covers any test call.
 */
export const MAX_RECORD_SECONDS = 20 * 60;

const tapModules = new WeakMap<BaseAudioContext, Promise<void>>();
function loadTap(context: AudioContext): Promise<void> {
  let loading = tapModules.get(context);
  if (!loading) {
    loading = context.audioWorklet.addModule(workletUrl);
    tapModules.set(context, loading);
  }
  return loading;
}

export class LiveStream {
  readonly id: string;
  readonly label: string;
  readonly since: number;
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly holder: HTMLAudioElement;
  private tap: AudioWorkletNode | null = null;
  private sink: GainNode | null = null;
  private readonly chunks: Int16Array[] = [];
  private frames = 0;
  private levelData: Float32Array<ArrayBuffer> | null = null;
  /** Context time of the first recorded sample; null until the tap runs. */
  private recordStart: number | null = null;
  private closed = false;

  constructor(context: AudioContext, stream: MediaStream, meta: LiveSourceMeta, output: AudioNode) {
    if (!stream.getAudioTracks().length) throw new Error(`attachStream(${meta.id}): the MediaStream has no audio track`);
    this.context = context;
    this.id = meta.id;
    this.label = meta.label;
    this.since = context.currentTime;
    // Chromium pulls a remote WebRTC track into Web Audio only while a media element plays it; muted, so the
    // element itself never sounds (the graph does). Harmless for local streams.
    this.holder = new Audio();
    this.holder.muted = true;
    this.holder.srcObject = stream;
    void this.holder.play().catch(() => undefined);
    this.source = context.createMediaStreamSource(stream);
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.source.connect(this.analyser).connect(output);
    void context.resume().catch(() => undefined);
    void loadTap(context).then(
      () => this.startTap(),
      () => undefined, // no recording, playback unaffected
    );
  }

  private startTap(): void {
    if (this.closed) return;
    const tap = new AudioWorkletNode(this.context, 'parley-pcm-capture');
    const rate = this.context.sampleRate;
    tap.port.onmessage = (e: MessageEvent<Float32Array>) => {
      if (this.closed || this.frames >= MAX_RECORD_SECONDS * rate) return;
      this.chunks.push(floatArrayToPcm16(e.data));
      this.frames += e.data.length;
    };
    // The worklet runs only while the graph pulls it: through a muted gain, so the tap adds nothing to the output.
    const sink = this.context.createGain();
    sink.gain.value = 0;
    this.source.connect(tap);
    tap.connect(sink).connect(this.context.destination);
    this.recordStart = this.context.currentTime;
    this.tap = tap;
    this.sink = sink;
  }

  level(): number {
    if (this.closed) return 0;
    if (!this.levelData) this.levelData = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(this.levelData);
    let sum = 0;
    for (const s of this.levelData) sum += s * s;
    return Math.sqrt(sum / this.levelData.length);
  }

  describe(): LiveSource {
    return { id: this.id, label: this.label, level: this.level(), since: this.since };
  }

  /** What the tap recorded, mono at the context rate (kept after close for the export). */
  recording(): { start: number; samples: Float32Array } | null {
    if (this.recordStart === null || !this.frames) return null;
    const pcm = new Int16Array(this.frames);
    let off = 0;
    for (const c of this.chunks) {
      pcm.set(c, off);
      off += c.length;
    }
    return { start: this.recordStart, samples: pcm16ToFloat(new Uint8Array(pcm.buffer), 1)[0]! };
  }

  recordedSeconds(): number {
    return this.frames / this.context.sampleRate;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.tap) this.tap.port.onmessage = null;
    this.source.disconnect();
    this.analyser.disconnect();
    this.tap?.disconnect();
    this.sink?.disconnect();
    this.holder.pause();
    this.holder.srcObject = null;
  }
}
