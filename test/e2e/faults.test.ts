import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { FAULT_TIMEOUTS, faultFor, VENDOR_FAULTS, type FaultName } from '../integration/faults/fault-table.ts';

/**
 * The fault matrix as a user sees it: with a fault injected into a vendor sandbox, pressing Send in that vendor's
 * panel ends in a failed result that shows the error code, the vendor's message and its request id. The rows are
 * the integration matrix's (test/integration/faults/fault-table.ts): a 4xx in the vendor's own error shape for
 * each vendor, and a server that never answers (the per-profile timeout) for one.
 */
const CASES: { vendor: string; fault: FaultName }[] = [
  ...VENDOR_FAULTS.map((r) => ({ vendor: r.vendor, fault: '4xx' as FaultName })),
  { vendor: 'tencent', fault: 'no answer' },
];

describe('faults in the UI', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    for (const p of await h.core.handlers['profiles.list']({})) {
      const row = VENDOR_FAULTS.find((r) => r.vendor === p.vendor)!;
      await h.core.handlers['profiles.save']({ profile: { ...p, timeouts: FAULT_TIMEOUTS, settings: { ...p.settings, ...row.settings } } });
    }
    await h.page.reload();
    await h.page.waitForSelector('[data-test="profile-item"]');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(CASES)('$vendor × $fault: the result shows the code, the vendor message and the request id (where there is one)', async ({ vendor, fault }) => {
    const row = VENDOR_FAULTS.find((r) => r.vendor === vendor)!;
    const expected = row.expect[fault];
    const page = h.page;
    // The fault is set the way the sandbox panel sets it: through window.parley.
    await page.evaluate((a) => window.parley.invoke('sandbox.fault', a), { vendor: row.vendor, fault: faultFor(fault, row) });
    try {
      await page.locator(`[data-vendor="${vendor}"] [data-test="profile-item"]`).first().click();
      await page.locator('[data-test=operation]').waitFor();
      await page.locator('[data-test=operation]').selectOption(row.operation);
      const anyway = page.locator('[data-test=send-anyway]');
      await ((await anyway.isVisible()) ? anyway : page.locator('[data-test=send]')).click();
      const status = page.locator('[data-test=result-status]');
      await status.and(page.locator('.failed')).waitFor({ timeout: 15_000 });
      const error = page.locator('[data-test=vendor-error]');
      await error.waitFor();
      // The previous case's failed result shows until this session's id reaches the panel: poll for this one's code.
      await expect.poll(async () => (await error.locator('dd.code').innerText()).trim(), { timeout: 15_000 }).toMatch(expected.code);
      const text = await error.innerText();
      if (expected.message) expect(text).toMatch(expected.message);
      if (expected.requestId) expect(text).toContain(expected.requestId);
      if (expected.httpStatus) expect(await status.innerText()).toContain(`HTTP ${expected.httpStatus}`);
      await h.screenshot(`fault-${vendor}-${fault.replace(/\s+/g, '-')}`);
    } finally {
      await page.evaluate((v) => window.parley.invoke('sandbox.fault', { vendor: v, fault: null }), row.vendor as never);
      const stop = page.locator('[data-test=stop]');
      if (await stop.isVisible()) await stop.click();
    }
  });
});
