import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { SANDBOX_CHARACTER_ID } from '../../src-main/core/vendors/convai/common/schema.ts';
import { SANDBOX_API_KEY } from '../../src-main/core/vendors/convai/sandbox.ts';

// The Convai panel in Chromium against the real core and the loopback sandbox: connect, 404, 422 on its field,
// and a recorded data-channel sequence through the same parser into the log and the player. The real room:
// convai-room.test.ts.
describe('Convai panel (E2E)', () => {
  let h: Harness;
  const field = (path: string) => `.field[data-path="${path}"]`;

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1600, height: 1000 } });
    await h.page.click('[data-vendor="convai"] [data-test="profile-item"]');
    await h.page.click('.tab:has-text("Vendor tools")');
  });
  afterAll(async () => {
    await h?.close();
  });

  /**
   * Send (or send anyway), then come back to the Convai tools: the panel shows its generic result tab on send, and
   * again when the session fails, so a failing send is awaited before switching (else a slow 404 switches back).
   */
  async function send(anyway = false, fails = false): Promise<void> {
    const sid = async () => ((await h.page.locator('.lower-head .sid').count()) ? h.page.locator('.lower-head .sid').innerText() : '');
    const before = await sid();
    await h.page.click(anyway ? '[data-test="send-anyway"]' : '[data-test="send"]');
    if (fails) {
      await expect.poll(sid).not.toBe(before);
      await h.page.waitForSelector('[data-test="result-status"].failed');
    }
    await h.page.click('.tab:has-text("Vendor tools")');
  }
  async function setText(path: string, value: string): Promise<void> {
    await h.page.fill(`${field(path)} input`, value);
  }
  async function stopIfRunning(): Promise<void> {
    if (await h.page.isVisible('[data-test="stop"]')) {
      await h.page.click('[data-test="stop"]');
      await h.page.waitForSelector('[data-test="stop"]', { state: 'hidden' });
    }
  }

  it('connect succeeds and shows the session and room fields', async () => {
    await send();
    await h.page.waitForSelector('[data-test="convai-result-fields"] [data-field="room_url"]');
    const text = await h.page.textContent('[data-test="convai-result-fields"]');
    for (const k of ['session_id', 'character_session_id', 'room_url', 'room_name', 'token', 'end_user_id']) expect(text).toContain(k);
    // The sandbox's livekit-server on loopback (convai-room.test.ts joins it).
    expect(text).toMatch(/room_urlws:\/\/127\.0\.0\.1:\d+room_name/); // a bare server URL, not the fallback's /convai/livekit path
    expect(text).toContain('«redacted»'); // the LiveKit token is not shown (room.join hands it over per join)
    // The character session is remembered for this profile: "continue conversation" becomes available.
    await h.page.waitForSelector('[data-test="convai-continue"]:not([disabled])');
    expect(await h.rendererExposure()).not.toContain(SANDBOX_API_KEY);
  });

  it('an unknown character shows the 404 detail', async () => {
    await stopIfRunning();
    await setText('/character_id', 'no-such-character');
    await send(false, true);
    await h.page.waitForSelector('[data-test="convai-detail"]');
    expect(await h.page.textContent('[data-test="convai-result-status"]')).toBe('404');
    expect(await h.page.textContent('[data-test="convai-detail"]')).toContain("Character not found or doesn't belong to user");
  });

  it('send anyway with max_chunk_duration_ms 5 shows the 422 entry on that field', async () => {
    await stopIfRunning();
    await setText('/character_id', SANDBOX_CHARACTER_ID);
    await h.page.fill(`${field('/audio_config/output/max_chunk_duration_ms')} input`, '5');
    await h.page.waitForSelector('[data-test="send-anyway"]');
    await send(true, true);
    const entry = '[data-test="convai-422"] [data-path="/audio_config/output/max_chunk_duration_ms"]';
    await h.page.waitForSelector(entry);
    expect(await h.page.textContent(entry)).toContain('Input should be greater than or equal to 10');
    expect(await h.page.textContent(entry)).toContain('greater_than_equal');
    await h.page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.includes('422'),
      `${field('/audio_config/output/max_chunk_duration_ms')} .findings`,
    );
    // After "send anyway" the form still shows its own finding on that field, next to the vendor's.
    expect(await h.page.textContent(`${field('/audio_config/output/max_chunk_duration_ms')} .findings`)).toContain('expected a number >= 10');
  });

  it('a recorded data-channel sequence plays in the log and the player', async () => {
    await h.page.fill(`${field('/audio_config/output/max_chunk_duration_ms')} input`, '95');
    await h.page.waitForSelector('[data-test="convai-chunk-hint"]');
    expect(await h.page.textContent('[data-test="convai-chunk-hint"]')).toContain('rounds it to the nearest 10 ms: 100 ms');
    await send();
    await h.page.waitForSelector('[data-test="convai-result-fields"] [data-field="room_url"]');
    await h.page.selectOption('[data-test="convai-sequence"]', 'greeting-data-only.json');
    await h.page.selectOption('[data-test="convai-speed"]', '10');
    await h.page.click('[data-test="convai-replay"]');
    await h.page.waitForFunction(() => document.querySelector('[data-test="convai-replay-status"]')?.textContent?.startsWith('■'), undefined, {
      timeout: 20_000,
    });
    await h.page.waitForSelector('[data-test="convai-data-audio-player"]');
    const stats = await h.page.textContent('[data-test="convai-data-audio-stats"]');
    expect(stats).toMatch(/5[0-9] chunks · 5\.\d\d s · 24000 Hz · mono/);
    expect(await h.page.textContent('[data-test="convai-transcript"]')).toContain('Tyrannosaurus');
    expect(await h.page.textContent('[data-test="convai-metrics"]')).toMatch(/room join/);

    const sessionId = (await h.page.textContent('.sid'))!.trim();
    const { events } = h.core.sessions.events(sessionId, 0, 100_000);
    const kinds = events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'convai.audio-data').length).toBeGreaterThan(50);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'convai.connected',
        'convai.bot-ready',
        'convai.user-transcription',
        'convai.metrics',
        'convai.bot-emotion',
        'convai.bot-started-speaking',
      ]),
    );
    expect(events.filter((e) => e.kind === 'metric').map((e) => (e.data as { name: string }).name)).toEqual(
      expect.arrayContaining(['setup_ms', 'turn_latency_ms', 'convai.server_ttfb_s']),
    );
    const played = await h.page.evaluate(() => (document.querySelector('[data-test="convai-data-audio-player"]') as HTMLAudioElement).src.startsWith('blob:'));
    expect(played).toBe(true);

    await h.page.click('.tab:has-text("Vendor tools")');
    const file = await h.screenshot('convai');
    expect(file).toMatch(/convai\.png$/);
  });
});
