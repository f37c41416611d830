import { afterEach, describe, expect, it } from 'vitest';
import { SegmentPlayer, type SegmentTiming } from '../../src-renderer/src/audio/segment-player.ts';
import { encodeFloatWav, readWavHeader } from '../../src-renderer/src/audio/wav.ts';
import { PcmFramer, StreamResampler, floatArrayToPcm16, resample } from '../../src-renderer/src/audio/pcm.ts';
import { decodeToMono, streamAudioFile } from '../../src-renderer/src/audio/speech-input.ts';
import mp3Url from '../../resources/mindcraft/answer-en-0.mp3?url';
import { mount, until } from './support/mount.ts';
import AudioPlayer from '../../src-renderer/src/components/audio/AudioPlayer.vue';
import { expectDetached, expectPlaying, toneStream, wavPeak } from './support/remote-audio.ts';

let player: SegmentPlayer | null = null;
afterEach(async () => {
  await player?.close();
  player = null;
});

function tone(seconds: number, rate: number, freq = 440, channels = 1): ArrayBuffer {
  const n = Math.round(seconds * rate);
  const data = Array.from({ length: channels }, () => new Float32Array(n));
  for (let i = 0; i < n; i++) for (const ch of data) ch[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / rate);
  return encodeFloatWav(data, rate);
}
function pcmChunk(frames: number, channels: number): Uint8Array {
  const s = new Float32Array(frames * channels).map((_, i) => 0.2 * Math.sin(i / 8));
  return new Uint8Array(floatArrayToPcm16(s).buffer);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SegmentPlayer', () => {
  it('schedules segments that arrive out of order in order, back to back (gaps ≤ 5 ms)', async () => {
    player = new SegmentPlayer({ lateTimeoutMs: 2000 });
    const rate = player.context.sampleRate;
    const mp3 = await (await fetch(mp3Url)).arrayBuffer();
    const arrivals = [2, 0, 3, 1];
    await Promise.all(
      arrivals.map((order) =>
        player!.enqueue({ id: `s${order}`, order, bytes: order === 3 ? mp3 : tone(0.25 + order * 0.05, rate), text: `sentence ${order}` }),
      ),
    );
    const played = player.timings.filter((t) => t.scheduledStart !== null).sort((a, b) => a.scheduledStart! - b.scheduledStart!);
    expect(played.map((t) => t.order)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < played.length; i++) {
      const gap = played[i]!.scheduledStart! - played[i - 1]!.scheduledEnd!;
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(0.005);
    }
    expect(played[3]!.duration).toBeGreaterThan(0.3); // the mp3 decoded
    expect(played[0]!.text).toBe('sentence 0');
    // The context clock runs: the first segment starts playing and reports when.
    await sleep(400);
    expect(played[0]!.status === 'playing' || played[0]!.status === 'done').toBe(true);
    expect(played[0]!.startedAt).not.toBeNull();
    expect(Math.abs(played[0]!.startedAt! - played[0]!.scheduledStart!)).toBeLessThan(0.1);
  });

  it('waits for a missing segment, skips it after the timeout and reports it; a later arrival is reported late', async () => {
    player = new SegmentPlayer({ lateTimeoutMs: 150 });
    const rate = player.context.sampleRate;
    const events: SegmentTiming[] = [];
    player.on((t) => events.push({ ...t }));
    await player.enqueue({ id: 'a', order: 0, bytes: tone(0.1, rate) });
    await player.enqueue({ id: 'c', order: 2, bytes: tone(0.1, rate) });
    expect(player.timings.find((t) => t.id === 'c')!.status).toBe('waiting');
    await sleep(300);
    const skipped = player.timings.find((t) => t.order === 1)!;
    expect(skipped.status).toBe('skipped');
    expect(skipped.reason).toMatch(/150 ms/);
    expect(player.timings.find((t) => t.id === 'c')!.status).toMatch(/scheduled|playing|done/);
    const late = await player.enqueue({ id: 'b', order: 1, bytes: tone(0.1, rate) });
    expect(late.status).toBe('late');
    expect(late.scheduledStart).toBeNull();
    expect(events.some((e) => e.order === 1 && e.status === 'skipped')).toBe(true);
  });

  it('plays PCM16 stream chunks back to back, keeping odd bytes for the next chunk', async () => {
    player = new SegmentPlayer();
    const chunks = [];
    const a = pcmChunk(2400, 1); // 100 ms at 24 kHz
    chunks.push(player.pushPcm(a.subarray(0, a.length - 1), { sampleRate: 24000, channels: 1 }));
    chunks.push(player.pushPcm(new Uint8Array([a[a.length - 1]!, ...pcmChunk(2399, 1)]), { sampleRate: 24000, channels: 1 }));
    chunks.push(player.pushPcm(pcmChunk(1600, 2), { sampleRate: 16000, channels: 2 }));
    expect(chunks.map((c) => c!.frames)).toEqual([2399, 2400, 1600]);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.scheduledStart).toBeCloseTo(chunks[i - 1]!.scheduledEnd, 6);
    expect(chunks[2]!.scheduledEnd - chunks[2]!.scheduledStart).toBeCloseTo(0.1, 6);
  });

  it('interrupt stops playback and drops the queue', async () => {
    player = new SegmentPlayer({ lateTimeoutMs: 5000 });
    const rate = player.context.sampleRate;
    await player.enqueue({ id: 'a', order: 0, bytes: tone(1, rate) });
    await player.enqueue({ id: 'c', order: 2, bytes: tone(1, rate) });
    await sleep(150);
    player.interrupt();
    expect(player.timings.find((t) => t.id === 'a')!.status).toBe('interrupted');
    expect(player.timings.find((t) => t.id === 'c')!.status).toBe('skipped');
    expect(player.recordedSeconds()).toBeLessThan(0.5);
    // The next turn starts at order 0 again and plays right away.
    const next = await player.enqueue({ id: 'n', order: 0, bytes: tone(0.1, rate) });
    expect(next.status).toBe('scheduled');
    expect(next.scheduledStart! - player.context.currentTime).toBeLessThan(0.2);
  });

  it('exports what it played as a WAV with the right header and length', async () => {
    player = new SegmentPlayer();
    const rate = player.context.sampleRate;
    await player.enqueue({ id: 'a', order: 0, bytes: tone(0.2, rate) });
    player.pushPcm(pcmChunk(1600, 1), { sampleRate: 16000, channels: 1 }); // 0.1 s
    const wav = player.exportWav();
    const info = readWavHeader(wav);
    expect(info).toMatchObject({ channels: 1, sampleRate: rate, bitsPerSample: 16, dataOffset: 44 });
    const frames = info.dataBytes / 2;
    expect(Math.abs(frames - Math.round(0.3 * rate))).toBeLessThanOrEqual(2);
    expect(wav.byteLength).toBe(44 + info.dataBytes);
    const v = new DataView(wav);
    expect(v.getUint32(4, true)).toBe(wav.byteLength - 8);
    // Not silence: the recorded tone is in there.
    let peak = 0;
    for (let i = 0; i < frames; i++) peak = Math.max(peak, Math.abs(v.getInt16(44 + i * 2, true)));
    expect(peak).toBeGreaterThan(5000);
  });
});

describe('speech input and resampling', () => {
  it('resamples 48 kHz to 16 kHz with the expected length, in one go or streamed in chunks', () => {
    const input = new Float32Array(48000).map((_, i) => Math.sin((2 * Math.PI * 300 * i) / 48000));
    const whole = resample(input, 48000, 16000);
    expect(whole.length).toBe(16000);
    const r = new StreamResampler(48000, 16000);
    const parts = [input.subarray(0, 1001), input.subarray(1001, 30000), input.subarray(30000)].map((p) => r.process(p));
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(16000);
    // A 300 Hz tone survives: check a sample against the ideal sine.
    expect(whole[1000]!).toBeCloseTo(Math.sin((2 * Math.PI * 300 * 1000) / 16000), 1);
  });

  it('decodes a 48 kHz stereo WAV to 16 kHz mono and streams it as 20 ms PCM16 frames', async () => {
    const wav = tone(1, 48000, 440, 2);
    const mono = await decodeToMono(wav, 16000);
    expect(mono.length).toBe(16000);
    const frames: Int16Array[] = [];
    const result = await streamAudioFile(wav, { sampleRate: 16000, frameMs: 20, realtime: false, onFrame: (f) => frames.push(f) });
    expect(result.frames).toBe(50);
    expect(frames.every((f) => f.length === 320)).toBe(true);
  });

  it('paces file frames in real time when asked', async () => {
    const wav = tone(0.3, 16000);
    const t0 = performance.now();
    const result = await streamAudioFile(wav, { sampleRate: 16000, frameMs: 20, realtime: true, onFrame: () => undefined });
    const elapsed = performance.now() - t0;
    expect(result.frames).toBe(15);
    expect(elapsed).toBeGreaterThan(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it('frames a sample stream into fixed PCM16 frames and pads the tail', () => {
    const framer = new PcmFramer(320);
    expect(framer.push(new Float32Array(500)).length).toBe(1);
    expect(framer.push(new Float32Array(200)).length).toBe(1);
    expect(framer.flush()!.length).toBe(320);
    expect(framer.flush()).toBeNull();
  });
});

describe('SegmentPlayer.attachStream (RTC room audio)', () => {
  it('plays a MediaStream through the player: listed as live with its level, recorded for the WAV, stopped by detach', async () => {
    player = new SegmentPlayer();
    const tone = toneStream(330);
    try {
      const detach = player.attachStream(tone.stream, { id: 'bot', label: 'Room bot' });
      expect(player.liveSources()).toEqual([expect.objectContaining({ id: 'bot', label: 'Room bot' })]);
      await expectPlaying(player, 'bot');
      // Through the player's own analyser too (the level meter in the audio panel).
      const data = new Float32Array(player.analyser.fftSize);
      player.analyser.getFloatTimeDomainData(data);
      expect(Math.max(...data.map(Math.abs))).toBeGreaterThan(0.1);
      const info = readWavHeader(player.exportWav());
      expect(info.sampleRate).toBe(player.context.sampleRate);
      detach();
      await expectDetached(player, 'bot');
      // The recording outlives the stream: the export still holds it.
      expect(wavPeak(player.exportWav())).toBeGreaterThan(3000);
      detach(); // twice is harmless
    } finally {
      await tone.stop();
    }
  });

  it('a second stream with the same id replaces the first; segments and streams share one export', async () => {
    player = new SegmentPlayer();
    const a = toneStream(300);
    const b = toneStream(500);
    try {
      const detachA = player.attachStream(a.stream, { id: 'u1', label: 'first' });
      player.attachStream(b.stream, { id: 'u1', label: 'second' });
      expect(player.liveSources().map((s) => s.label)).toEqual(['second']);
      detachA(); // the stale detach must not remove the replacement
      expect(player.liveSources().map((s) => s.label)).toEqual(['second']);
      await player.enqueue({ id: 'seg', order: 0, bytes: tone(0.2, player.context.sampleRate) });
      await expectPlaying(player, 'u1');
      expect(player.recordedSeconds()).toBeGreaterThan(0.3);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('the audio panel shows the attached stream as the live source with its level, and drops it on detach', async () => {
    player = new SegmentPlayer();
    const tone = toneStream(440);
    const panel = mount(AudioPlayer, { player });
    try {
      const detach = player.attachStream(tone.stream, { id: 'bot', label: 'TRTC bot_1 (bot)' });
      await until(() => !!panel.el.querySelector('[data-test=live-source]'));
      expect(panel.el.querySelector('[data-test=live-source]')!.textContent).toContain('TRTC bot_1 (bot)');
      await until(() => parseInt(panel.el.querySelector('[data-test=live-level]')?.textContent ?? '0', 10) > 10, 4000);
      detach();
      await until(() => !panel.el.querySelector('[data-test=live-source]'));
    } finally {
      panel.unmount();
      await tone.stop();
    }
  });

  it('rejects a stream without an audio track, naming the source', () => {
    player = new SegmentPlayer();
    expect(() => player!.attachStream(new MediaStream(), { id: 'empty', label: 'x' })).toThrow(/attachStream\(empty\).*no audio track/);
  });
});
