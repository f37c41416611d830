import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

/**
 * The built renderer under the app's real CSP with the real core behind the bridge: the payload form checks each
 * edit itself (the validators generated at build time and the vendor's rules), so typing sends nothing to main;
 * the harness fails the test on any CSP violation, an eval attempt included.
 */
describe('validation in the built app (E2E)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1440, height: 900 } });
    await h.page.click('[data-vendor="mindcraft"] [data-test="profile-item"]');
    await h.page.waitForSelector('.field[data-path="/max_tokens"] input');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('finds a documented range error and a vendor rule error while typing, with no call to main, twice', async () => {
    const ops = () => h.bridge.traffic.map((t) => (JSON.parse(t) as { op?: string }).op).filter(Boolean);
    const before = ops().length;
    const errors = () => h.page.locator('[data-test=error-count]');
    for (const round of [1, 2]) {
      await h.page.fill('.field[data-path="/max_tokens"] input', '5');
      await expect.poll(() => errors().textContent(), { message: `round ${round}` }).toBe('1 error');
      await h.page.fill('.field[data-path="/max_tokens"] input', '50');
      await expect.poll(() => errors().count(), { message: `round ${round}` }).toBe(0);
    }
    // Mindcraft's voice_id rule is code beyond JSON Schema: no character and no voice is an error on voice_id.
    await h.page.fill('.field[data-path="/character_uuid"] input', '');
    await expect
      .poll(() => h.page.locator('.field[data-path="/voice_id"] > .findings li').allTextContents())
      .toEqual([expect.stringContaining('/voice_id: required unless character_uuid is set')]);
    expect(ops().slice(before)).not.toContain('payload.validate');
  });
});
