import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMicrophoneArgs, ROOT, startHarness, type Harness } from './harness.ts';
import { SANDBOX_API_KEY } from '../../src-main/core/vendors/mindcraft/sandbox.ts';
import type { SessionEvent } from '../../src-main/core/events.ts';

// The Mindcraft panel in Chromium with a WAV file as the microphone, against the real core and the loopback
// sandbox: talk, stop upload, hear the segments in z_index order without gaps, interrupt mid-answer.
const WAV = resolve(ROOT, 'resources/utterances/hello-weather-en.wav');

describe('Mindcraft panel (E2E)', () => {
  let h: Harness;
  let sessionId = '';
  const events = (): SessionEvent[] => h.core.sessions.events(sessionId, 0, 100_000).events;
  async function until<T>(what: string, get: () => T | undefined | null | false, ms = 20_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = get();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; kinds: ${[...new Set(events().map((e) => e.kind))].join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const playback = (turn: number) =>
    events()
      .filter((e) => e.kind === 'audio.playback' && (e.data as { turn: number }).turn === turn)
      .map((e) => e.data as { z_index: number; scheduledStart: number; scheduledEnd: number });

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1600, height: 1000 }, chromiumArgs: fakeMicrophoneArgs(WAV) });
    await h.page.click('[data-vendor="mindcraft"] [data-test="profile-item"]');
    await h.page.click('.tab:has-text("Vendor tools")');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('start, talk into the (fake) microphone, stop upload: ASR, emotion, LLM text beside each segment', async () => {
    await h.page.click('[data-test="send"]');
    // Send opens Vendor tools for a socket session: the conversation is there.
    await h.page.waitForSelector('[data-test="auth"]');
    // The documented Authorization header; no acknowledgement is expected (the document shows none).
    expect(await h.page.textContent('[data-test="auth"]')).toBe('API key (Authorization header) · no ack expected');
    sessionId = (await h.page.textContent('.sid'))!.trim();

    await h.page.click('[data-test="mindcraft-extras"] .speech-input button:first-of-type');
    await until('upload frames', () => events().filter((e) => e.kind === 'ws.binary' && e.dir === 'out').length > 100, 10_000);
    await h.page.click('[data-test="mindcraft-extras"] .speech-input button:first-of-type'); // mic off → stop upload
    await h.page.waitForSelector('[data-test="turn-1"] [data-test="asr"]');
    expect(await h.page.textContent('[data-test="turn-1"] [data-test="asr"]')).toMatch(/^\(speech \d+\.\d s\)$/);
    await h.page.waitForFunction(() => document.querySelectorAll('[data-test="turn-1"] [data-test="segment"]').length === 3);
    expect(await h.page.textContent('[data-test="turn-1"] [data-test="emotion"]')).toContain('happy');
    const segs = await h.page.$$eval('[data-test="turn-1"] [data-test="segment"]', (els) => els.map((el) => el.textContent ?? ''));
    expect(segs[0]).toContain('Hi! This is the Parley sandbox speaking.');
    expect(segs[2]).toContain('Is there anything else you would like to know?');
    // What main uploaded: PCM at the start message's rate, ended by the V3 stop-upload message.
    const stop = events().find((e) => e.kind === 'ws.frame' && (e.data as { event_name?: string }).event_name === 'stream_asr');
    expect(stop).toBeTruthy();
    expect(events().find((e) => e.kind === 'audio.upload')!.data).toMatchObject({ turn: 1, sampleRate: 16000, file: 'turn-1-user.wav' });
  });

  it('plays the segments in z_index order with no gap over 30 ms and records the turn metrics', async () => {
    const scheduled = await until('three scheduled segments', () => (playback(1).length === 3 ? playback(1) : null));
    expect(scheduled.map((p) => p.z_index)).toEqual([0, 1, 2]);
    for (let i = 1; i < scheduled.length; i++) {
      const gapMs = (scheduled[i]!.scheduledStart - scheduled[i - 1]!.scheduledEnd) * 1000;
      expect(gapMs).toBeGreaterThanOrEqual(0);
      expect(gapMs).toBeLessThanOrEqual(30);
    }
    // The player reports playing the first segment (its AudioContext clock advances).
    await h.page.waitForFunction(() => [...document.querySelectorAll('.audio-player .timings tr')].some((tr) => /playing|done/.test(tr.textContent ?? '')));
    const metrics = Object.fromEntries(
      events()
        .filter((e) => e.kind === 'metric' && (e.data as { turn?: number }).turn === 1)
        .map((e) => [(e.data as { name: string }).name, (e.data as { value: number }).value]),
    );
    for (const name of ['mindcraft.first_asr_ms', 'mindcraft.first_llm_ms', 'mindcraft.first_tts_ms', 'mindcraft.first_audio_ready_ms', 'turn_latency_ms'])
      expect(metrics[name], name).toBeGreaterThan(0);
    expect(metrics.turn_latency_ms).toBeGreaterThanOrEqual(metrics['mindcraft.first_audio_ready_ms']!);
    await h.page.waitForFunction(() => !document.querySelector('[data-test="turn-1"] [data-metric="turn_latency_ms"]')?.textContent?.includes('—'));
    // Mid-conversation: the conversation, the log and the player together.
    await h.page.waitForTimeout(300);
    const file = await h.screenshot('mindcraft');
    expect(file).toMatch(/mindcraft\.png$/);
  });

  it('stop output interrupts the next answer mid-way', async () => {
    await h.page.fill('[data-test="text"]', 'Tell me a long story');
    await h.page.click('[data-test="send-text"]');
    await until('turn 2 first llm', () =>
      events().some(
        (e) =>
          e.kind === 'mindcraft.llm' &&
          e.seq > events().findLast((x) => x.kind === 'ws.frame' && (x.data as { event_params?: { asr_text?: string } }).event_params?.asr_text)!.seq,
      ),
    );
    await h.page.click('[data-test="stop-output"]');
    await h.page.waitForSelector('[data-test="turn-2"].st-interrupted');
    const turn2 = await until('turn 2 end', () => events().find((e) => e.kind === 'mindcraft.turn' && (e.data as { turn: number }).turn === 2));
    expect(turn2.data).toMatchObject({ state: 'interrupted' });
    expect((turn2.data as { segments: { file?: string }[] }).segments.filter((s) => s.file).length).toBeLessThan(3);
    // The sandbox ends the stopped stream with the document's agent_stop (agent_stop_force is the inferred scenario's).
    expect(events().filter((e) => e.kind === 'mindcraft.agent_stop').length).toBeGreaterThan(1);
    expect(events().some((e) => e.kind === 'ws.frame' && (e.data as { event_name?: string }).event_name === 'stream_output')).toBe(true);
    // Nothing of turn 2 is still scheduled to play.
    const live = await h.page.evaluate(
      () => [...document.querySelectorAll('.audio-player .timings tr')].filter((tr) => /scheduled|waiting/.test(tr.textContent ?? '')).length,
    );
    expect(live).toBe(0);
    expect(await h.rendererExposure()).not.toContain(SANDBOX_API_KEY);
  });
});
