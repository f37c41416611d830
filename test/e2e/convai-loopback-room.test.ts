import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startHarness, type Harness } from './harness.ts';
import { shippedVoice } from '../../src-main/core/voice/node/shipped.ts';
import { convaiPanel } from './convai-panel.ts';
import type { CompareResult } from '../../src-main/core/workflows/compare.ts';

/**
 * The Convai panel on a machine without livekit-server (PARLEY_LIVEKIT_SERVER=none): /connect hands out the loopback
 * sandbox room, the room frame uses the sandbox livekit-client, and the same sandbox character hears the WAV the panel
 * publishes (a real MediaStreamTrack, read as Chromium captures it) and answers with a real track through the app's
 * player and with RTVI messages through the panel's data-channel pipeline. Two visits in one window.
 */
const voice = shippedVoice();
const reply = (id: string) => voice.replies.find((r) => r.id === id)!;
const WAV = (name: string) => join(ROOT, 'resources', 'utterances', name);

describe('Convai panel in the loopback sandbox room, no livekit-server (E2E)', () => {
  let h: Harness;
  let saved: string | undefined;
  const field = (path: string) => `.field[data-path="${path}"]`;
  const { text, poll, connectAndJoin, say, botSpeaking, liveLevel } = convaiPanel(() => h, {
    url: /ws:\/\/127\.0\.0\.1:\d+\/convai\/_room(\s|$)/,
    label: 'Sandbox room (loopback, no LiveKit server)',
  });

  beforeAll(async () => {
    saved = process.env.PARLEY_LIVEKIT_SERVER;
    process.env.PARLEY_LIVEKIT_SERVER = 'none';
    h = await startHarness({ viewport: { width: 1600, height: 1000 } });
    await h.page.click('[data-vendor="convai"] [data-test="profile-item"]');
    await h.page.click('.tab:has-text("Vendor tools")');
  });
  afterAll(async () => {
    await h?.close();
    if (saved === undefined) delete process.env.PARLEY_LIVEKIT_SERVER;
    else process.env.PARLEY_LIVEKIT_SERVER = saved;
  });

  it('joins, is heard, hears the character (level meter), gets its transcriptions and data chunks twice; interrupt-bot stops it', async () => {
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
    expect(await text('[data-test="convai-data-audio-stats"]')).toMatch(/^(\d+) chunks · \d+\.\d\d s · 16000 Hz · mono/);
    expect(Number((await text('[data-test="convai-data-audio-stats"]')).split(' ')[0])).toBe(2 * Math.ceil(reply('weather-en').audio.samples.length / 1600));
    expect(await text('[data-test="convai-server-metrics"]')).toContain('SandboxLLMService#0');

    const story = voice.utterances.find((u) => u.id === 'robot-story-en')!.text;
    await h.page.selectOption('[data-test="client-type"]', 'user_text_message');
    await h.page.fill('[data-test="client-text"]', story);
    await h.page.click('[data-test="client-send"]');
    await poll(() => text('[data-test="convai-responses"]')).toMatch(/user_text_message\s+success\s+user text message received/);
    await poll(() => botSpeaking(), 20_000).toBe(1);
    await h.page.selectOption('[data-test="client-type"]', 'interrupt-bot');
    await h.page.click('[data-test="client-send"]');
    await poll(() => text('[data-test="convai-responses"]')).toMatch(/interrupt-bot\s+success\s+bot interrupted/);
    await poll(() => botSpeaking(), 3000).toBe(0);
    await poll(() => liveLevel(), 3000).toBe(0);

    const { events } = h.core.sessions.events(sessionId, 0, 100_000);
    expect(events.filter((e) => e.kind === 'convai.user-transcription').map((e) => (e.data as { data: { text: string } }).data.text)).toEqual([
      'Hello, what is the weather like today?',
      'Hello, what is the weather like today?',
      story,
    ]);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['room.joined', 'room.track', 'convai.bot-ready', 'convai.audio-data', 'convai.metrics']));
    for (const locale of ['en', 'zh-CN'] as const) {
      await h.page.locator('[data-test="locale"]').selectOption(locale);
      await h.screenshot(`convai-loopback-room-${locale === 'en' ? 'en' : 'zh'}-1600`);
    }
    await h.page.locator('[data-test="locale"]').selectOption('en');
  }, 90_000);

  it('second visit, data_only with 45 ms chunks and WAV headers: no track, the answer plays from the data channel', async () => {
    await h.page.click('.btn:has-text("Leave")');
    await h.page.selectOption(`${field('/audio_config/output/audio_routing')} select`, { label: 'Data channel only ("data_only")' });
    await h.page.fill(`${field('/audio_config/output/max_chunk_duration_ms')} input`, '45');
    await h.page.click(`${field('/audio_config/output/add_wav_header')} input[type="checkbox"]`);
    await connectAndJoin();
    await say(WAV('tell-joke-en.wav'));
    await poll(() => text('[data-test="convai-transcript"]')).toContain(reply('joke-en').text);
    await poll(() => botSpeaking(), 15_000).toBe(0);
    const stats = await text('[data-test="convai-data-audio-stats"]');
    const [, n, seconds, stripped] = stats.match(/^(\d+) chunks · (\d+\.\d\d) s · 16000 Hz · mono · WAV headers stripped: (\d+)/)!;
    expect(Number(n)).toBe(Math.ceil(reply('joke-en').audio.samples.length / (16 * 50)));
    expect(Number(stripped)).toBe(Number(n));
    expect(Math.abs(Number(seconds) - reply('joke-en').audio.samples.length / 16000)).toBeLessThan(0.06);
    expect(await text('[data-test="convai-track-info"]')).toBe('no track subscribed');
  }, 60_000);

  it('compare runs Convai turns on the loopback room through the turn agent: figures, transcript and bot text, twice', async () => {
    const profiles = await h.core.handlers['profiles.list']({});
    const profileId = profiles.find((p) => p.vendor === 'convai' && p.target === 'sandbox')!.id;
    const { id } = await h.core.handlers['compare.start']({
      plan: { name: 'convai-loopback', input: { sample: 'hello-weather-en.wav' }, repeat: 2, mode: 'sequential', entries: [{ profileId }] },
    });
    let result: CompareResult | undefined;
    await expect.poll(async () => (result = await h.core.handlers['compare.get']({ id })).state, { timeout: 60_000, interval: 250 }).toBe('done');
    expect(result!.runs.map((r) => r.error ?? 'ok')).toEqual(['ok', 'ok']);
    for (const run of result!.runs) {
      expect(run.figures.firstAudioMs!.source).toBe('measured');
      expect(run.figures.turnLatencyMs!.value).toBeGreaterThan(0);
      expect(run.figures.botAudioS!.value).toBeGreaterThan(2);
      expect(run.transcript).toBe('Hello, what is the weather like today?');
      expect(run.botText).toBe(reply('weather-en').text);
      const kinds = h.core.sessions.events(run.sessionId!, 0, 100_000).events.map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['agent.turn', 'agent.claimed', 'room.joined', 'convai.user-transcription', 'agent.bot-text']));
    }
  }, 90_000);
});
