import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

// The app shell end to end: built renderer in Chromium, real core, real keychain (run under scripts/test.sh).
describe('Parley app shell', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.page.waitForSelector('[data-test="profile-item"]');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists the four seeded sandbox profiles under their vendors', async () => {
    const items = h.page.locator('[data-test="profile-item"]');
    await expect.poll(() => items.count()).toBe(4);
    for (const vendor of ['convai', 'netease', 'mindcraft', 'tencent']) {
      const row = h.page.locator(`[data-vendor="${vendor}"] [data-test="profile-item"]`);
      expect(await row.count()).toBe(1);
      expect((await row.locator('.badge').textContent())?.trim()).toBe('sandbox');
    }
  });

  it('creates a profile, sets a secret shown as set with its last four characters, and never exposes the value', async () => {
    const vendors = await h.page.evaluate(() => window.parley.invoke('vendors.list', {}));
    const vendor = vendors.find((v) => v.credentials.some((c) => c.secret))!;
    const credential = vendor.credentials.find((c) => c.secret)!;
    const secret = `sk-e2e-${Math.random().toString(36).slice(2)}-Zq7W`;

    await h.page.click(`[data-test="new-profile-${vendor.id}"]`);
    await h.page.fill('[data-test="profile-name"]', 'QA live account');
    const status = h.page.locator(`[data-test="credential-${credential.name}"] [data-test="secret-status"]`);
    await expect.poll(() => status.textContent()).toBe('not set');
    // Typed with the new profile and saved by its Save (no separate step).
    await h.page.fill(`[data-test="secret-input-${credential.name}"]`, secret);
    await h.page.click('[data-test="profile-save"]');
    await h.page.locator('[data-test="profile-dialog"]').waitFor({ state: 'detached' });
    await expect.poll(() => h.page.locator(`[data-vendor="${vendor.id}"] [data-test="profile-item"]`).count()).toBe(2);
    await h.page.locator(`[data-vendor="${vendor.id}"] [data-test="profile-item"]`).nth(1).dblclick();
    await expect.poll(() => status.textContent()).toBe('set · …Zq7W');
    expect(await h.page.inputValue(`[data-test="secret-input-${credential.name}"]`)).toBe('');
    await h.page.keyboard.press('Escape');
    await h.page.locator('[data-test="profile-dialog"]').waitFor({ state: 'detached' });

    const exposure = await h.rendererExposure();
    const html = await h.page.content();
    const storage = await h.page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(html).not.toContain(secret);
    expect(storage).not.toContain(secret);
    // The only frame that may carry it is the renderer's own secrets.set request; nothing main sends back has it.
    const carrying = h.bridge.traffic.filter((f) => f.includes(secret));
    expect(carrying.length).toBe(1);
    expect(JSON.parse(carrying[0]!).op).toBe('secrets.set');
    expect(exposure.split(secret).length - 1).toBe(1);
  });

  it('runs an operation and shows the payload form, event log and player (screenshot)', async () => {
    const vendors = await h.page.evaluate(() => window.parley.invoke('vendors.list', {}));
    // Prefer an HTTP operation that creates something in the sandbox: it completes on its own and fills the log.
    const score = (o: { id: string; transport: string }) => Number(o.transport === 'http') * 2 + Number(/create|start|connect/i.test(o.id));
    const pick = vendors.flatMap((v) => v.operations.map((o) => ({ v, o }))).sort((a, b) => score(b.o) - score(a.o))[0];
    if (pick) {
      await h.page.click(`[data-vendor="${pick.v.id}"] [data-test="profile-item"] >> nth=0`);
      await h.page.selectOption('[data-test="operation"]', pick.o.id);
      await h.page.waitForSelector('.schema-form .field');
      const send = h.page.locator('[data-test="send"]');
      if (await send.isEnabled()) await send.click();
      else await h.page.click('[data-test="send-anyway"]');
      await expect.poll(() => h.page.locator('.event-log .row').count(), { timeout: 15_000 }).toBeGreaterThan(1);
      await expect.poll(() => h.page.locator('[data-test="result-status"]').textContent(), { timeout: 15_000 }).not.toContain('Running');
    } else {
      await h.page.click('[data-test="profile-item"] >> nth=0');
    }
    await h.page.waitForTimeout(300);
    const file = await h.screenshot('main');
    expect(file).toMatch(/main\.png$/);
  });
});
