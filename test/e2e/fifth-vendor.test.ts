/**
 * The fifth, test-only vendor (test/vendors/parrot) in the built renderer, which has never heard of it: registered in
 * core by one line (`registerVendor(parrot)`), it is in the sidebar in its own colour, its profile opens the generic
 * panel (payload builder from its schema, no vendor tools), its sessions run against its sandbox, and the log gives
 * its own event kinds a family chip in its colour that filters them, twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVendor } from '../../src-main/core/vendors/registry.ts';
import { parrot } from '../vendors/parrot/core/index.ts';
import { startHarness, type Harness } from './harness.ts';
import type { SessionEvent } from '../../src-main/core/events.ts';

registerVendor(parrot);

/** #5fd3c4 as the browser reports a computed colour. */
const PARROT_RGB = 'rgb(95, 211, 196)';

describe('a fifth vendor in the app (E2E)', () => {
  let h: Harness;
  const events = (sessionId: string): SessionEvent[] => h.core.sessions.events(sessionId, 0, 100_000).events;
  const rowKinds = () => h.page.$$eval('[data-test="scroller"] .row .kind', (els) => els.map((el) => el.textContent ?? ''));

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is in the sidebar with its title and colour, and its profile opens the generic panel', async () => {
    const vendor = h.page.locator('[data-vendor="parrot"]');
    await vendor.waitFor();
    expect(await vendor.locator('.vendor-name').innerText()).toBe('Parrot Voice (test vendor)');
    expect(await vendor.locator('.vendor-mark').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(PARROT_RGB);
    // Sidebar order is registry order: the built-in four, then the fifth.
    expect(await h.page.$$eval('[data-vendor]', (els) => els.map((el) => el.getAttribute('data-vendor')))).toEqual([
      'convai',
      'netease',
      'mindcraft',
      'tencent',
      'parrot',
    ]);

    await vendor.locator('[data-test="profile-item"]').first().click();
    await h.page.waitForSelector('[data-test="vendor-panel"]');
    expect(await h.page.locator('.crumbs .vendor-mark').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(PARROT_RGB);
    expect(await h.page.$$eval('[data-test="operation"] option', (els) => els.map((el) => (el as HTMLOptionElement).value))).toEqual(['talk']);
    // No renderer parts of its own: no vendor-tools tab.
    expect(await h.page.locator('[data-test="tab-extras"]').count()).toBe(0);
  });

  it('runs its sessions from the panel; the log shows its kinds under its own chip, which filters them, twice', async () => {
    let previous = '';
    for (const text of ['first words', 'second words']) {
      await h.page.click('[data-test="send"]');
      await h.page.waitForFunction((prev) => {
        const sid = document.querySelector('.lower-head .sid')?.textContent?.trim();
        return !!sid && sid !== prev;
      }, previous);
      const sessionId = (await h.page.locator('.lower-head .sid').innerText()).trim();
      previous = sessionId;
      // The generic panel has no action controls: the turn is said through the contract, as the vendor tools would.
      await h.core.handlers['session.send']({ sessionId, action: 'text', data: { text } });
      await h.page.waitForFunction(() => [...document.querySelectorAll('[data-test="scroller"] .row .kind')].some((el) => el.textContent === 'turn.end'));
      expect(
        events(sessionId)
          .filter((e) => e.kind === 'parrot.reply')
          .map((e) => (e.data as { text: string }).text),
      ).toEqual([text.toUpperCase(), text.toUpperCase()]);
      expect(await rowKinds()).toEqual(expect.arrayContaining(['parrot.welcome', 'parrot.heard', 'parrot.reply', 'parrot.done']));

      const chip = h.page.locator('.chip-btn', { hasText: /^parrot$/ });
      expect(await chip.evaluate((el) => getComputedStyle(el).color)).toBe(PARROT_RGB);
      expect(
        await h.page
          .locator('[data-test="scroller"] .row .kind', { hasText: 'parrot.reply' })
          .first()
          .evaluate((el) => getComputedStyle(el).color),
      ).toBe(PARROT_RGB);
      await chip.click();
      await h.page.waitForFunction(
        () => ![...document.querySelectorAll('[data-test="scroller"] .row .kind')].some((el) => el.textContent?.startsWith('parrot.')),
      );
      expect(await rowKinds()).toEqual(expect.arrayContaining(['ws.open', 'turn.end']));
      await chip.click();
      await h.page.waitForFunction(() => [...document.querySelectorAll('[data-test="scroller"] .row .kind')].some((el) => el.textContent === 'parrot.reply'));

      await h.page.click('[data-test="stop"]');
      await h.page.waitForSelector('[data-test="stop"]', { state: 'detached' });
      expect(events(sessionId).find((e) => e.kind === 'session.end')?.data).toMatchObject({ ok: true });
      // Its ended session is in the sidebar's history, marked in its colour.
      const row = h.page.locator('[data-test="sidebar-session"].active');
      await row.waitFor();
      expect(await row.locator('.row-main').getAttribute('title')).toMatch(/^Parrot Voice \(test vendor\) · Talk \(socket\)/);
      expect(await row.locator('.vendor-mark').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(PARROT_RGB);
    }
    await h.screenshot('fifth-vendor');
    expect(h.takeViolations()).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
