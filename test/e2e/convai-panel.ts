import { expect } from 'vitest';
import type { Harness } from './harness.ts';

/** The Convai panel's room controls as the E2E tests drive them (the real LiveKit room and the loopback room alike). */
export function convaiPanel(harness: () => Harness, room: { url: RegExp; label: string }) {
  const page = () => harness().page;
  const text = (sel: string) => page().locator(sel).innerText();
  const poll = (fn: () => Promise<unknown>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 100 });

  /** Starts a /connect session (stopping the running one) and joins its room; resolves with the session id once bot-ready. */
  async function connectAndJoin(): Promise<string> {
    if (await page().isVisible('[data-test="stop"]')) {
      await page().click('[data-test="stop"]');
      await page().waitForSelector('[data-test="stop"]', { state: 'hidden' });
    }
    await page().click('[data-test="send"]');
    await page().click('.tab:has-text("Vendor tools")');
    await page().waitForSelector('[data-test="convai-result-fields"] [data-field="room_url"]');
    expect(await text('[data-test="convai-result-fields"]')).toMatch(room.url);
    expect(await text('[data-test="convai-sandbox-room"]')).toContain(room.label);
    await page().click('[data-test="convai-join"]');
    await poll(() => text('.convai-extras .status-line')).toContain('bot-ready');
    await page().waitForSelector('.convai-extras .status-line .on:has-text("bot-ready")');
    return (await page().textContent('.sid'))!.trim();
  }

  async function say(file: string): Promise<void> {
    await page().setInputFiles('.convai-extras input[type="file"][accept="audio/*,.wav"]', file);
  }

  const botSpeaking = () => page().locator('.convai-extras .status-line span.on', { hasText: 'bot speaking' }).count();
  const liveLevel = async () =>
    Number(
      (
        await page()
          .locator('[data-test="live-level"]')
          .first()
          .innerText()
          .catch(() => '0%')
      ).replace('%', ''),
    );

  return { text, poll, connectAndJoin, say, botSpeaking, liveLevel };
}
