/** A sandbox room member as the sandbox SDKs are, over the real wire (shared by the sandbox room integration tests). */
import WebSocket from 'ws';
import { decodeAudioFrame, parseDown, WIRE_RATE, type DownMessage } from '../../../src-main/core/sandbox/rooms/wire.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { resampleToMono } from '../../../src-main/core/audio/resample.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One member of a sandbox room, as the sandbox SDK is: messages in, bot audio frames counted with their arrival. */
export class Member {
  readonly messages: DownMessage[] = [];
  readonly audio: { at: number; samples: number; peak: number }[] = [];
  readonly ws: WebSocket;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const { pcm } = decodeAudioFrame(new Uint8Array(data as Buffer))!;
        this.audio.push({ at: Date.now(), samples: pcm.length, peak: pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0) });
      } else {
        const m = parseDown(String(data));
        if (m) this.messages.push(m);
      }
    });
  }

  static async join(url: string): Promise<Member> {
    const ws = new WebSocket(url);
    const member = new Member(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await until(() => member.messages.some((m) => m.ev === 'joined' || m.ev === 'error'), 'joined');
    return member;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** A shipped utterance at real-time pace (20 ms frames), then unpublished as the SDK does when a file ends (the bot hears silence). */
  async speak(utteranceId: string): Promise<number> {
    const u = shippedVoice().utterances.find((x) => x.id === utteranceId)!;
    const pcm = resampleToMono(u.audio.samples, 1, u.audio.sampleRate, WIRE_RATE);
    const frame = WIRE_RATE / 50;
    const start = Date.now();
    for (let i = 0, n = 0; i < pcm.length; i += frame, n++) {
      this.ws.send(Buffer.from(pcm.slice(i, i + frame).buffer));
      const wait = start + (n + 1) * 20 - Date.now();
      if (wait > 0) await sleep(wait);
    }
    this.send({ op: 'unpublish' });
    return Date.now();
  }

  audible(after = 0): { at: number }[] {
    return this.audio.filter((a) => a.at >= after && a.peak > 500);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export async function until(test: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
