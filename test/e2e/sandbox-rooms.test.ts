import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startHarness, type Harness } from './harness.ts';
import { parseWav } from '../../src-main/core/audio/wav.ts';
import { speechBounds } from '../../src-main/core/livekit/audio-meter.ts';
import { shippedVoice } from '../../src-main/core/voice/node/shipped.ts';
import { genUserSig } from '../../src-main/core/vendors/tencent/usersig.ts';
import { SANDBOX_CREDENTIALS } from '../../src-main/core/vendors/tencent/sandbox.ts';

/**
 * The Tencent and NetEase panels in their sandbox rooms: the sandbox SDK in the room frame (under the frame's CSP)
 * talks to the sandbox room service; the bot hears the WAV the panel publishes, answers with real audio heard through
 * the shared player (level, WAV export), its subtitles / captions parsed by the live parsers, and stops on the
 * vendor's interrupt. Each flow joins, leaves and joins again.
 */
const voice = shippedVoice();
const WAV = (id: string) => join(ROOT, 'resources', 'utterances', `${id}.wav`);
const reply = (id: string) => voice.replies.find((r) => r.id === id)!;
const utterance = (id: string) => voice.utterances.find((u) => u.id === id)!;

const poll = (fn: () => Promise<unknown>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 100 });
const liveLevel = async (page: Page) =>
  Number(
    (
      await page
        .locator('[data-test="live-level"]')
        .first()
        .innerText()
        .catch(() => '0%')
    ).replace('%', ''),
  );

async function exportedSpeechSeconds(page: Page): Promise<number> {
  const download = page.waitForEvent('download');
  await page.click('[data-test="save-wav"]');
  const wav = parseWav(readFileSync((await ((await download) as Download).path())!));
  const heard = speechBounds(wav.samples);
  return heard ? (heard.end - heard.start) / wav.sampleRate : 0;
}

describe('Tencent and NetEase sandbox rooms in their panels (E2E)', () => {
  let h: Harness;
  const field = (path: string) => h.page.locator(`.field[data-path="${path}"] input`).first();
  const text = (sel: string) =>
    h.page
      .locator(sel)
      .innerText()
      .catch(() => '');
  const vendorTools = () => h.page.click('.tab:has-text("Vendor tools")');

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1600, height: 1000 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('Tencent: StartAIConversation, join the sandbox room, hear the bot, subtitles, 20001 interrupt; leave and join again', async () => {
    const page = h.page;
    await page.locator('[data-test="profile-item"]', { hasText: 'Tencent' }).first().click();
    await page.locator('[data-test="operation"]').selectOption('StartAIConversation');
    await field('/AgentConfig/UserSig').fill(genUserSig({ sdkAppId: 12345678, userId: 'user_12345', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY }));
    await field('/SessionId').fill(`e2e-room-${Date.now()}`);
    await page.locator('[data-test="send"]').click();
    await vendorTools();
    expect(await text('[data-test="sandbox-room-note"]')).toContain('sandbox room');
    const subtitles = () => text('[data-test="tencent-subtitles"]');
    for (const visit of [1, 2]) {
      await page.locator('[data-test="tencent-join"]:not([disabled])').click();
      await page.locator('[data-test="tencent-leave"]').waitFor();
      await page.setInputFiles('.tencent-extras input[type="file"]', WAV(visit === 1 ? 'hello-weather-en' : 'hello-weather-zh'));
      const heard = utterance(visit === 1 ? 'hello-weather-en' : 'hello-weather-zh').text;
      await poll(() => subtitles()).toContain(heard);
      await poll(() => liveLevel(page), 15_000).toBeGreaterThan(10);
      await poll(() => subtitles()).toContain(reply(visit === 1 ? 'weather-en' : 'weather-zh').text);
      if (visit === 1) {
        for (const locale of ['en', 'zh-CN'] as const) {
          await page.locator('[data-test="locale"]').selectOption(locale);
          for (const [width, height] of [
            [1440, 900],
            [1024, 640],
          ] as const) {
            await page.setViewportSize({ width, height });
            await page.locator('[data-test="tencent-room-wrap"]').scrollIntoViewIfNeeded();
            await h.screenshot(`tencent-sandbox-room-${locale === 'en' ? 'en' : 'zh'}-${width}`);
          }
        }
        await page.locator('[data-test="locale"]').selectOption('en');
        await page.setViewportSize({ width: 1600, height: 1000 });
      }
      await poll(() => text('[data-test="tencent-bot-state"]'), 15_000).toMatch(/listening/i);
      await poll(() => liveLevel(page), 5000).toBe(0);

      // The long story, interrupted with 20001 while the bot speaks.
      await page.setInputFiles('.tencent-extras input[type="file"]', WAV('robot-story-en'));
      await poll(() => text('[data-test="tencent-bot-state"]'), 20_000).toMatch(/speaking/i);
      await poll(() => liveLevel(page), 15_000).toBeGreaterThan(10);
      await page.click('[data-test="tencent-interrupt"]');
      await poll(() => text('[data-test="tencent-bot-state"]'), 5000).toMatch(/interrupted|listening/i);
      await poll(() => liveLevel(page), 3000).toBe(0);
      await page.click('[data-test="tencent-leave"]');
      await page.locator('[data-test="tencent-join"]').waitFor();
    }
    // What played is exported: the bot's answers, audible at least as long as the first full answer.
    expect(await exportedSpeechSeconds(page)).toBeGreaterThan(reply('weather-en').audio.samples.length / 16000);
    const sessionId = (await h.core.handlers['session.list']({})).find((s) => s.vendor === 'tencent' && s.operation === 'StartAIConversation')!.id;
    const kinds = h.core.sessions.events(sessionId, 0, 100_000).events.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['room.joined', 'tencent.subtitle', 'tencent.state', 'tencent.metric', 'tencent.interrupt']));
    await page.locator('[data-test="stop"]').click();
  }, 150_000);

  it('NetEase: create joins the sandbox room, hears the bot, captions, aiManualInterrupt; leave and join again', async () => {
    const page = h.page;
    await page.locator('[data-test="profile-item"]', { hasText: 'NetEase' }).first().click();
    await page.locator('[data-test="operation"]').waitFor();
    await vendorTools();
    await page.locator('[data-test="netease-room"] input[type="radio"][value="file"]').check();
    await page.setInputFiles('[data-test="netease-wav"]', WAV('hello-weather-en'));
    await field('/cname').fill(`e2e-sandbox-room-${Date.now()}`);
    await page.locator('[data-test="send"]').click();
    await vendorTools();
    expect(await text('[data-test="sandbox-room-note"]')).toContain('sandbox room');
    const captions = () => text('[data-test="netease-captions"]');
    for (const visit of [1, 2]) {
      if (visit === 2) {
        await page.setInputFiles('[data-test="netease-wav"]', WAV('hello-weather-zh'));
        await page.click('[data-test="netease-join"]');
      }
      await page.locator('[data-test="netease-room-state"][data-state="joined"]').waitFor({ timeout: 15_000 });
      const heard = utterance(visit === 1 ? 'hello-weather-en' : 'hello-weather-zh').text;
      await poll(() => captions()).toContain(heard);
      await poll(() => liveLevel(page), 15_000).toBeGreaterThan(10);
      if (visit === 1) {
        for (const locale of ['en', 'zh-CN'] as const) {
          await page.locator('[data-test="locale"]').selectOption(locale);
          for (const [width, height] of [
            [1440, 900],
            [1024, 640],
          ] as const) {
            await page.setViewportSize({ width, height });
            await page.locator('[data-test="netease-room"]').scrollIntoViewIfNeeded();
            await h.screenshot(`netease-sandbox-room-${locale === 'en' ? 'en' : 'zh'}-${width}`);
          }
        }
        await page.locator('[data-test="locale"]').selectOption('en');
        await page.setViewportSize({ width: 1600, height: 1000 });
      }
      // The bot's final caption comes when its audio has ended.
      const finalBot = page.locator('[data-test="netease-captions"] li.bot:not(.partial)', { hasText: reply(visit === 1 ? 'weather-en' : 'weather-zh').text });
      await poll(() => finalBot.count(), 20_000).toBeGreaterThan(0);
      await poll(() => liveLevel(page), 5000).toBe(0);
      // Leave, and come back with the long story to interrupt it.
      await page.click('[data-test="netease-room"] button:has-text("Leave")');
      await page.setInputFiles('[data-test="netease-wav"]', WAV('robot-story-en'));
      await page.click('[data-test="netease-join"]');
      await page.locator('[data-test="netease-room-state"][data-state="joined"]').waitFor({ timeout: 15_000 });
      await poll(() => liveLevel(page), 20_000).toBeGreaterThan(10);
      await page.click('[data-test="netease-interrupt"]');
      await poll(() => liveLevel(page), 3000).toBe(0);
      await poll(() => text('[data-test="netease-room"] .ai-data')).toContain('interrupted');
      await page.click('[data-test="netease-room"] button:has-text("Leave")');
    }
    const sessionId = (await h.core.handlers['session.list']({})).find((s) => s.vendor === 'netease' && s.operation === 'create')!.id;
    const kinds = h.core.sessions.events(sessionId, 0, 100_000).events.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['room.joined', 'netease.caption', 'netease.ai-data']));
    await page.locator('[data-test="stop"]').click();
  }, 180_000);
});
