import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { ROOT, startHarness, type Harness } from './harness.ts';
import { parseWav } from '../../src-main/core/audio/wav.ts';
import { speechBounds } from '../../src-main/core/livekit/audio-meter.ts';
import { shippedVoice } from '../../src-main/core/voice/node/shipped.ts';
import { liveKitServer } from '../integration/support/livekit.ts';
import { convaiPanel } from './convai-panel.ts';

/**
 * The Convai panel in a real LiveKit room: the real livekit-client in the room frame (under its CSP), the sandbox's
 * livekit-server on loopback, the sandbox character a real participant (@livekit/rtc-node) that hears the WAV the
 * panel publishes and answers over WebRTC audio and the data channel. Nothing is replaced.
 */
const voice = shippedVoice();
const reply = (id: string) => voice.replies.find((r) => r.id === id)!;
const WAV = (name: string) => join(ROOT, 'resources', 'utterances', name);

describe('Convai panel in a real LiveKit room (E2E)', () => {
  let h: Harness;
  const field = (path: string) => `.field[data-path="${path}"]`;

  beforeAll(async () => {
    process.env.PARLEY_LIVEKIT_SERVER ??= liveKitServer();
    h = await startHarness({ viewport: { width: 1600, height: 1000 } });
    await h.page.click('[data-vendor="convai"] [data-test="profile-item"]');
    await h.page.click('.tab:has-text("Vendor tools")');
  });
  afterAll(async () => {
    await h?.close();
  });

  const { text, poll, connectAndJoin, say, botSpeaking, liveLevel } = convaiPanel(() => h, {
    url: /ws:\/\/127\.0\.0\.1:\d+(\s|$)/,
    label: 'livekit-server on this machine',
  });

  it('joins the room, is heard, hears the character (level, WAV export), gets the transcriptions and data-channel chunks; interrupts it', async () => {
    // The doc's example payload: audio_routing "both" (track and data channel), 100 ms chunks, debug metrics.
    const sessionId = await connectAndJoin();
    await poll(() => text('[data-test="convai-track-info"]')).toMatch(/^character-/);

    const lines = async (line: string) => (await text('[data-test="convai-transcript"]')).split('\n').filter((l) => l === line).length;
    for (const round of [1, 2]) {
      await say(WAV('hello-weather-en.wav'));
      await poll(() => lines('user Hello, what is the weather like today?')).toBe(round);
      await poll(() => liveLevel(), 15_000).toBeGreaterThan(10);
      await poll(() => lines(`bot ${reply('weather-en').text}`)).toBe(round);
      await poll(() => botSpeaking(), 15_000).toBe(0);
    }
    // "both": the data channel carried the same answers in 100 ms chunks.
    expect(await text('[data-test="convai-data-audio-stats"]')).toMatch(/^(\d+) chunks · \d+\.\d\d s · 16000 Hz · mono/);
    const chunks = Number((await text('[data-test="convai-data-audio-stats"]')).split(' ')[0]);
    expect(chunks).toBeGreaterThan(2 * 50);
    expect(await text('[data-test="convai-server-metrics"]')).toContain('SandboxLLMService#0');

    // What played is exported: the answers, audible for about as long as they are.
    const download = h.page.waitForEvent('download');
    await h.page.click('[data-test="save-wav"]');
    const wav = parseWav(readFileSync((await ((await download) as Download).path())!));
    const heard = speechBounds(wav.samples)!;
    expect((heard.end - heard.start) / wav.sampleRate).toBeGreaterThan(reply('weather-en').audio.samples.length / 16000);

    // Ask for the long story as a text message (user_text_message), then interrupt it with interrupt-bot: both
    // acknowledged, and the character stops within a moment.
    const story = voice.utterances.find((u) => u.id === 'robot-story-en')!.text;
    await h.page.selectOption('[data-test="client-type"]', 'user_text_message');
    await h.page.fill('[data-test="client-text"]', story);
    await h.page.click('[data-test="client-send"]');
    await poll(() => text('[data-test="convai-responses"]')).toMatch(/user_text_message\s+success\s+user text message received/);
    await poll(() => botSpeaking(), 20_000).toBe(1);
    await h.page.selectOption('[data-test="client-type"]', 'interrupt-bot');
    await h.page.click('[data-test="client-send"]');
    await poll(() => text('[data-test="convai-responses"]').catch((e: Error) => e.message)).toMatch(/interrupt-bot\s+success\s+bot interrupted/);
    await poll(() => botSpeaking(), 3000).toBe(0);
    await poll(() => liveLevel(), 3000).toBe(0);

    const { events } = h.core.sessions.events(sessionId, 0, 100_000);
    const kinds = events.map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'room.joined',
        'room.track',
        'convai.bot-ready',
        'convai.user-transcription',
        'convai.bot-transcription',
        'convai.audio-data',
        'convai.metrics',
        'convai.server-response',
      ]),
    );
    expect(events.filter((e) => e.kind === 'convai.user-transcription').map((e) => (e.data as { data: { text: string } }).data.text)).toEqual([
      'Hello, what is the weather like today?',
      'Hello, what is the weather like today?',
      story,
    ]);
    // How it looks: English and Chinese, at both window sizes.
    for (const locale of ['en', 'zh-CN'] as const) {
      await h.page.locator('[data-test="locale"]').selectOption(locale);
      for (const [width, height] of [
        [1440, 900],
        [1024, 640],
      ] as const) {
        await h.page.setViewportSize({ width, height });
        await h.screenshot(`convai-livekit-room-${locale === 'en' ? 'en' : 'zh'}-${width}`);
      }
    }
    await h.page.locator('[data-test="locale"]').selectOption('en');
    await h.page.setViewportSize({ width: 1600, height: 1000 });
  }, 120_000);

  it('data_only with 45 ms chunks and WAV headers: no track, the answer plays from the data channel', async () => {
    await h.page.click('.btn:has-text("Leave")');
    await h.page.selectOption(`${field('/audio_config/output/audio_routing')} select`, { label: 'Data channel only ("data_only")' });
    await h.page.fill(`${field('/audio_config/output/max_chunk_duration_ms')} input`, '45');
    await h.page.click(`${field('/audio_config/output/add_wav_header')} input[type="checkbox"]`);
    await connectAndJoin();
    await say(WAV('tell-joke-en.wav'));
    await poll(() => text('[data-test="convai-transcript"]')).toContain(reply('joke-en').text);
    await poll(() => botSpeaking(), 15_000).toBe(0);
    const stats = await text('[data-test="convai-data-audio-stats"]');
    const [, n, seconds] = stats.match(/^(\d+) chunks · (\d+\.\d\d) s · 16000 Hz · mono · WAV headers stripped: (\d+)/)!;
    expect(Number(n)).toBe(Math.ceil(reply('joke-en').audio.samples.length / (16 * 50)));
    expect(Math.abs(Number(seconds) - reply('joke-en').audio.samples.length / 16000)).toBeLessThan(0.06);
    expect(await text('[data-test="convai-track-info"]')).toBe('no track subscribed');
  }, 90_000);
});
