import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT, startHarness, type Harness } from './harness.ts';

/**
 * The QA & support flows twice in one window, in another order than workflows.test.ts: compare all four vendors
 * (twice, with the payloads' fixed room and session ids), a case that checks nothing, an empty WAV path, copy as
 * code for a socket and an HTTP request, run again on a console voice session.
 */
describe('journey: QA & support flows, twice (E2E)', () => {
  let h: Harness;
  const page = (): Page => h.page;
  const cases = mkdtempSync(join(tmpdir(), 'parley-journey-cases-'));

  /** Run the comparison set up on screen and wait for this run's result (not the one shown before) to be done. */
  async function runComparison(): Promise<void> {
    const before = await page().evaluate(() => document.querySelector('[data-test="compare-results"] .row strong')?.textContent ?? '');
    await page().locator('[data-test="compare-run"]').click();
    await expect
      .poll(() => page().evaluate(() => document.querySelector('[data-test="compare-results"] .row strong')?.textContent ?? ''), { timeout: 20_000 })
      .not.toBe(before);
    await page().locator('[data-test="compare-state"]').getByText(/^done/).waitFor({ timeout: 60_000 });
  }

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1440, height: 900 } });
    await page().waitForSelector('[data-test="profile-item"]');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('compares all four vendors twice: every run ok, its own ids, every task closed, failures said where they happen', async () => {
    await page().locator('[data-test="nav-workflows"]').click();
    await page().locator('[data-test="wf-tab-compare"]').click();
    for (const v of ['convai', 'netease', 'mindcraft', 'tencent']) await page().locator(`[data-test="compare-pick-${v}"]`).check();
    const wav = join(ROOT, 'resources/utterances/hello-weather-en.wav');
    h.dialog.answer(wav);
    await page().locator('[data-test="compare-wav-choose"]').click();
    await expect.poll(() => page().locator('[data-test="compare-wav-path"]').textContent()).toBe(wav);
    await page().locator('[data-test="compare-repeat"]').fill('1');
    for (let round = 0; round < 2; round++) {
      await runComparison();
      for (let entry = 0; entry < 4; entry++) expect(await page().locator(`[data-test="compare-ok-${entry}"]`).textContent()).toBe('1 / 1');
      expect(await page().locator('[data-test="compare-failed"]').count()).toBe(0);
    }
    // Eight runs, each a session of its own: room vendors used their own room / session ids and closed their task.
    const runs = (await h.core.handlers['history.query']({ query: { limit: 100 } })).filter((r) => r.vendor === 'tencent' || r.vendor === 'netease');
    expect(runs).toHaveLength(4);
    for (const r of runs) {
      const kinds = h.core.sessions.events(r.id, 0, 10_000).events.map((e) => e.kind);
      expect(kinds, r.id).toEqual(expect.arrayContaining(['run.ids', 'task.closed']));
    }
  }, 150_000);

  it('a comparison with failing runs says how many failed and why, in the column of the vendor that failed', async () => {
    await h.core.handlers['sandbox.fault']({ vendor: 'tencent', fault: { kind: 'status', status: 500 } });
    try {
      for (let round = 0; round < 2; round++) {
        await runComparison();
        await expect.poll(() => page().locator('[data-test="compare-failed"]').textContent()).toBe('1 failed');
        expect(await page().locator('[data-test="compare-ok-3"]').textContent()).toBe('0 / 1');
        expect(await page().locator('[data-test="compare-failures-3"]').textContent()).toMatch(/#1 · .*500/);
        expect(await page().locator('[data-test="compare-failures-2"]').textContent()).toBe('—');
      }
    } finally {
      await h.core.handlers['sandbox.fault']({ vendor: 'tencent', fault: null });
    }
  }, 150_000);

  it('a case without expectations reports that it checks nothing; an empty WAV path is an error naming the field', async () => {
    await page().locator('[data-test="wf-tab-cases"]').click();
    h.dialog.answer(cases);
    await page().locator('[data-test="case-dir-choose"]').click();
    await expect.poll(() => page().locator('[data-test="case-dir-path"]').textContent()).toBe(cases);
    await page().locator('.cases .bar select').first().selectOption('tencent');
    for (let round = 1; round <= 2; round++) {
      await page().getByRole('button', { name: 'New case' }).click();
      await page().locator('[data-test="case-name"]').fill(`nothing checked ${round}`);
      await page().locator('[data-test="case-input-kind"]').selectOption('wav');
      await page().locator('[data-test="case-save"]').click();
      await expect.poll(() => page().locator('[data-test="wf-error"]').textContent()).toContain('no WAV file is chosen');
      await page().locator('[data-test="case-input-kind"]').selectOption('none');
      await page().locator('[data-test="case-save"]').click();
      await page().locator('[data-test="wf-message"]').waitFor();
      await page().locator('[data-test="case-run"]').click();
      await expect.poll(() => page().locator('[data-test="case-outcome"]').textContent(), { timeout: 20_000 }).toBe('CHECKS NOTHING');
      await page().locator('[data-test="case-no-checks"]').waitFor();
    }
  });

  it('copy as code: a socket session gets ws / websockets code, an HTTP request env placeholders, never «redacted»', async () => {
    await page().locator('[data-test="nav-console"]').click();
    for (const round of [1, 2]) {
      await page().locator('[data-vendor="mindcraft"] [data-test="profile-item"] .row-main').click();
      await page().locator('.vendor-panel [data-test="tab-inspector"]').click();
      await page().locator('.vendor-panel [data-test="inspect"]').click();
      await page().locator('.vendor-panel [data-test="snippet-lang-node"]').waitFor();
      expect(await page().locator('.vendor-panel [data-test="snippet-lang-curl"]').count(), `round ${round}`).toBe(0);
      const node = await page().locator('.vendor-panel [data-test="snippet-node"]').textContent();
      expect(node).toContain("import WebSocket from 'ws'");
      expect(node).toContain('process.env.PARLEY_MINDCRAFT_API_KEY');
      expect(node).not.toMatch(/WEBSOCKET|«redacted»|••••/);
      await page().locator('.vendor-panel [data-test="snippet-lang-python"]').click();
      expect(await page().locator('.vendor-panel [data-test="snippet-python"]').textContent()).toContain('websockets.connect(');

      await page().locator('[data-vendor="tencent"] [data-test="profile-item"] .row-main').click();
      await page().locator('.vendor-panel [data-test="tab-inspector"]').click();
      await page().locator('.vendor-panel [data-test="inspect"]').click();
      await page().locator('.vendor-panel [data-test="snippet-lang-curl"]').click();
      const curl = (await page().locator('.vendor-panel [data-test="snippet-curl"]').textContent())!;
      expect(curl).not.toContain('«redacted»');
      expect(curl).toContain('${PARLEY_TENCENT_LLM_API_KEY}');
      expect(curl).toContain('${PARLEY_TENCENT_USERSIG}');
    }
  });

  it('"Run again" on a console voice session replays the speech it recorded (twice)', async () => {
    await page().locator('[data-vendor="mindcraft"] [data-test="profile-item"] .row-main').click();
    await page().locator('[data-test="tab-extras"]').click();
    await page().locator('[data-test="send"]').click();
    await page().locator('[data-test="auth"]').waitFor();
    await page().locator('[data-test="send-sample"]').click();
    await page().locator('[data-test="turn-1"].st-done').waitFor({ timeout: 30_000 });
    await page().locator('[data-test="stop"]').click();
    const original = (await page().locator('.vendor-panel .sid').textContent())!.trim();
    await page().locator('[data-test="nav-workflows"]').click();
    await page().locator('[data-test="wf-tab-history"]').click();
    let rerunOf = original;
    for (let round = 0; round < 2; round++) {
      await page().locator('[data-test="history-search"]').fill(rerunOf);
      await page().locator('[data-test="history-row"]').first().click();
      await page().locator('[data-test="rerun"]').click();
      const message = (await page().locator('[data-test="wf-message"]').textContent({ timeout: 20_000 }))!;
      const again = /session (\S+)\./.exec(message)![1]!;
      await expect.poll(() => h.core.sessions.isLive(again), { timeout: 60_000 }).toBe(false);
      const kinds = h.core.sessions.events(again, 0, 10_000).events.map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['audio.upload', 'audio.segment', 'mindcraft.turn']));
      rerunOf = again;
    }
  }, 120_000);
});
