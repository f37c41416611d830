/**
 * The room frame's end of a sandbox room (src-main/core/sandbox/rooms/): one WebSocket to the loopback sandbox host,
 * carrying what the vendor's media and signalling servers carry live. It is the media layer under the sandbox SDKs
 * (trtc.ts, nertc.ts, livekit.ts), so what they hand the driver is real media:
 * - what the user publishes is read from the real MediaStreamTrack (MediaStreamTrackProcessor), resampled to the
 *   wire's 16 kHz mono PCM and sent as it is captured, in real time;
 * - a remote user's audio arrives as PCM frames in real time and is written into a real MediaStreamTrack
 *   (MediaStreamTrackGenerator), which the driver reads exactly as it reads a live SDK's remote track.
 */
import { decodeAudioFrame, parseDown, WIRE_RATE, type DownMessage, type UpMessage } from '../../../../src-main/core/sandbox/rooms/wire.ts';
import { readTrackPcm, rms } from '../track-pcm.ts';
import type { BuiltInRoomJoinInfo } from '../../../../src-main/core/vendors/registry.ts';

interface TrackGenerator extends MediaStreamTrack {
  writable: WritableStream<AudioData>;
}
declare const MediaStreamTrackGenerator: { new (init: { kind: 'audio' }): TrackGenerator };

/** The sandbox room URL in join parameters: only the loopback sandbox host (the frame's CSP allows nothing else). */
export function sandboxRoomUrl(params: Record<string, unknown>, vendor: BuiltInRoomJoinInfo['vendor']): string | null {
  const url = params.sandboxRoom;
  if (typeof url !== 'string') return null;
  if (!new RegExp(`^http://127\\.0\\.0\\.1:\\d{1,5}/${vendor}$`).test(url))
    throw new Error(`join.params.sandboxRoom: expected the loopback sandbox host (http://127.0.0.1:<port>/${vendor}), got ${JSON.stringify(url)}`);
  return url;
}

/** Linear-interpolating resampler for a continuous stream (keeps its phase across blocks). */
export class StreamResampler {
  private readonly step: number;
  private position = 0;
  private last = 0;

  constructor(fromRate: number, toRate: number) {
    this.step = fromRate / toRate;
  }

  /** Float samples at the input rate → PCM16 at the output rate. */
  push(input: Float32Array): Int16Array<ArrayBuffer> {
    const out: number[] = [];
    // `position` counts from the block's first sample; -1 is the previous block's last sample.
    while (this.position <= input.length - 1) {
      const i = Math.floor(this.position);
      const frac = this.position - i;
      if (frac > 0 && i + 1 >= input.length) break; // needs the next block's first sample
      const a = i < 0 ? this.last : input[i]!;
      const v = frac === 0 ? a : a + (input[i + 1]! - a) * frac;
      out.push(Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
      this.position += this.step;
    }
    this.position -= input.length;
    if (input.length) this.last = input[input.length - 1]!;
    return Int16Array.from(out);
  }
}

/** A remote user's audio: the wire's PCM written into a real track, timestamps continuous. */
class RemoteTrack {
  readonly track: TrackGenerator = new MediaStreamTrackGenerator({ kind: 'audio' });
  private readonly writer = this.track.writable.getWriter();
  private timestampUs = 0;
  /** Mean square of the last frame, for volume evaluation. */
  level = 0;

  write(pcm: Int16Array<ArrayBuffer>): void {
    let sum = 0;
    for (const v of pcm) sum += v * v;
    this.level = pcm.length ? Math.sqrt(sum / pcm.length) / 32768 : 0;
    const frame = new AudioData({
      format: 's16',
      sampleRate: WIRE_RATE,
      numberOfFrames: pcm.length,
      numberOfChannels: 1,
      timestamp: this.timestampUs,
      data: pcm,
    });
    this.timestampUs += Math.round((pcm.length / WIRE_RATE) * 1e6);
    this.writer.write(frame).catch(() => frame.close());
  }

  stop(): void {
    void this.writer.close().catch(() => undefined);
    this.track.stop();
  }
}

export class SandboxRoomError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class SandboxRoomSocket {
  private readonly ws: WebSocket;
  private readonly listeners = new Set<(m: DownMessage) => void>();
  private readonly remote = new Map<string, RemoteTrack>();
  private publishing: { stop(): void } | null = null;
  /** Level of what is published (mean square of the last block), for volume evaluation. */
  localLevel = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) {
        const frame = decodeAudioFrame(new Uint8Array(e.data));
        if (frame) this.remoteTrack(frame.user).write(frame.pcm);
        return;
      }
      const m = parseDown(String(e.data));
      if (!m) return;
      if (m.ev === 'audio-unavailable' || m.ev === 'exit') {
        this.remote.get(m.user)?.stop();
        this.remote.delete(m.user);
      }
      for (const l of [...this.listeners]) l(m);
    };
  }

  /** Join: resolves with the room as it is (users, who publishes), rejects with the room's refusal. */
  static open(url: string): Promise<{ socket: SandboxRoomSocket; joined: Extract<DownMessage, { ev: 'joined' }> }> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url.replace(/^http/, 'ws'));
      } catch (err) {
        return reject(new SandboxRoomError('ROOM_CONNECT', `the sandbox room could not be reached: ${(err as Error).message}`));
      }
      const socket = new SandboxRoomSocket(ws);
      const off = socket.on((m) => {
        if (m.ev === 'joined') {
          off();
          resolve({ socket, joined: m });
        } else if (m.ev === 'error') {
          off();
          reject(new SandboxRoomError(m.code, m.message));
        }
      });
      ws.onclose = (e) => {
        off();
        reject(
          new SandboxRoomError('ROOM_CONNECT', `the sandbox room closed the connection (${e.code}${e.reason ? ` ${e.reason}` : ''}): is the sandbox running?`),
        );
        socket.shutDown();
      };
    });
  }

  on(listener: (m: DownMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The real track a remote user's audio plays into (made when its first frame or audio-available arrives). */
  remoteTrack(user: string): RemoteTrack {
    let t = this.remote.get(user);
    if (!t) {
      t = new RemoteTrack();
      this.remote.set(user, t);
    }
    return t;
  }

  remoteLevel(user: string): number {
    return this.remote.get(user)?.level ?? 0;
  }

  send(message: UpMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Publish a track: its audio is read as Chromium captures it and sent in real time. */
  publish(track: MediaStreamTrack): void {
    this.unpublish();
    let resampler: StreamResampler | null = null;
    let rate = 0;
    this.send({ op: 'publish' });
    const stop = readTrackPcm(track, (samples, sampleRate) => {
      if (sampleRate !== rate) {
        rate = sampleRate;
        resampler = new StreamResampler(rate, WIRE_RATE);
      }
      this.localLevel = rms(samples);
      const pcm = resampler!.push(samples);
      if (pcm.length && this.ws.readyState === WebSocket.OPEN) this.ws.send(pcm.buffer);
    });
    this.publishing = { stop };
  }

  unpublish(): void {
    if (!this.publishing) return;
    this.publishing.stop();
    this.publishing = null;
    this.localLevel = 0;
    this.send({ op: 'unpublish' });
  }

  close(): void {
    this.unpublish();
    this.ws.onclose = null;
    this.ws.close(1000, 'left');
    this.shutDown();
  }

  private shutDown(): void {
    for (const t of this.remote.values()) t.stop();
    this.remote.clear();
    this.listeners.clear();
  }
}
