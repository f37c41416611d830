import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectors } from 'playwright-core';
import { startHarness, type Harness } from './harness.ts';
import { generateHistory } from '../bench/history-data.ts';

// Support staff find "the call where the bot said 'twenty degrees'": Mindcraft sandbox turns from the shipped English and
// Chinese utterances, then the history search in the built renderer, its matching events highlighted in the log.
describe('history search (E2E)', () => {
  let h: Harness;
  beforeAll(async () => {
    selectors.setTestIdAttribute('data-test');
    h = await startHarness({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** One Mindcraft sandbox turn on a shipped utterance, the way the Compare tab runs one. */
  async function mindcraftTurn(sample: string): Promise<string> {
    return h.page.evaluate(async (s) => {
      const profiles = await window.parley.invoke('profiles.list', {});
      const mc = profiles.find((p) => p.vendor === 'mindcraft')!;
      const { id } = await window.parley.invoke('compare.start', {
        plan: { input: { sample: s }, entries: [{ profileId: mc.id }], repeat: 1, mode: 'sequential' },
      });
      for (;;) {
        const r = await window.parley.invoke('compare.get', { id });
        if (r.state !== 'running') {
          const sessionId = r.runs[0]?.sessionId;
          if (r.state !== 'done' || !sessionId) throw new Error(`comparison ${r.state}: ${JSON.stringify(r).slice(0, 400)}`);
          return sessionId;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    }, sample);
  }

  async function search(text: string): Promise<void> {
    await h.page.getByTestId('history-search').fill(text);
  }

  /** Open the only result and check that the log highlights exactly the events holding the words, the first one opened. */
  async function openAndCheckHighlights(words: string[]): Promise<void> {
    const { page } = h;
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-match-list').waitFor();
    const chips = (await page.getByTestId('history-match-seq').allTextContents()).map((t) => t.trim());
    expect(chips.length).toBeGreaterThan(0);
    const marked = page.locator('[data-test=history-detail] .row.mark');
    await expect.poll(() => marked.count()).toBeGreaterThan(0);
    const markedSeqs = await marked.evaluateAll((rows) => rows.map((r) => `#${r.getAttribute('data-seq')}`));
    expect(markedSeqs.every((s) => chips.includes(s))).toBe(true);
    // Every linked event holds the words: in its summary, or in what it carried (the recognised question).
    const sessionId = (await page.locator('[data-test=history-detail] .head .mono').first().textContent())!.trim();
    const { events } = await page.evaluate((id) => window.parley.invoke('session.events', { sessionId: id, limit: 100000 }), sessionId);
    for (const chip of chips) {
      const e = events.find((x) => x.seq === Number(chip.slice(1)))!;
      for (const w of words) expect(JSON.stringify(e).toLowerCase(), chip).toContain(w.toLowerCase());
    }
    // The first matching event is scrolled to and opened.
    await expect.poll(() => page.locator('[data-test=history-detail] .row.selected').getAttribute('data-seq')).toBe(chips[0]!.slice(1));
    // Clicking another chip goes to that event.
    if (chips.length > 1) {
      await page.getByTestId('history-match-seq').nth(1).click();
      await expect.poll(() => page.locator('[data-test=history-detail] .row.selected').getAttribute('data-seq')).toBe(chips[1]!.slice(1));
    }
  }

  it('finds the session by a phrase the bot said, twice, with the matching events highlighted', async () => {
    const { page } = h;
    const first = await mindcraftTurn('hello-weather-en.wav');
    await page.getByTestId('nav-workflows').click();
    await page.getByTestId('wf-history').waitFor();

    await search('twenty degrees');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    expect(await page.getByTestId('history-matches').first().textContent()).toMatch(/^\d+ events?$/);
    await openAndCheckHighlights(['twenty degrees']);
    expect(await page.getByTestId('history-detail').textContent()).toContain(first);
    await h.screenshot('history-search-en');

    // Second session, same phrase: both found, newest first; a word the bot never said finds nothing.
    const second = await mindcraftTurn('hello-weather-en.wav');
    await search('');
    await search('twenty degrees');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(2);
    await page.getByTestId('history-row').first().click();
    await expect.poll(() => page.getByTestId('history-detail').textContent()).toContain(second);
    await search('thirty degrees');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(0);
    await expect.poll(() => page.getByText('No sessions match.').count()).toBe(1);
  }, 120_000);

  it('finds a Chinese session by three and by two characters, and filters by a figure', async () => {
    const { page } = h;
    const zh = await mindcraftTurn('hello-weather-zh.wav');
    await page.getByTestId('nav-workflows').click();
    await page.getByTestId('wf-history').waitFor();
    await search('二十度');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    await openAndCheckHighlights(['二十度']);
    expect(await page.getByTestId('history-detail').textContent()).toContain(zh);

    // 天气 (two characters) is in what the user said: the events that carried the recognised question are linked.
    await search('天气');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    await openAndCheckHighlights(['天气']);

    // A figure threshold no session reaches, then one every session passes.
    await search('');
    await page.getByTestId('history-figure').selectOption('turn_latency_ms');
    await page.getByTestId('history-over').fill('600000');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(0);
    await page.getByTestId('history-over').fill('0');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(3);
    await page.getByTestId('history-figure').selectOption('');

    await search('二十度');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('locale').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('history-match-list').textContent()).toMatch(/个匹配事件/);
    await h.screenshot('history-search-zh');
    await page.setViewportSize({ width: 1024, height: 640 });
    await h.screenshot('history-search-zh-1024');
    await page.getByTestId('locale').selectOption('en');
    await h.screenshot('history-search-en-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 120_000);
});

// First start of this version on a data folder that already holds sessions: the History tab shows the index catching up
// and the results found so far, and the window stays usable meanwhile.
describe('history index on first start (E2E)', () => {
  let h: Harness;
  const SESSIONS = 6000;
  beforeAll(async () => {
    selectors.setTestIdAttribute('data-test');
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-history-first-'));
    generateHistory({ dataDir, count: SESSIONS, seed: 17 });
    h = await startHarness({ dataDir, viewport: { width: 1440, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows the progress, then every session', async () => {
    const { page } = h;
    await page.getByTestId('nav-workflows').click();
    await page.getByTestId('wf-history').waitFor();
    const status = page.getByTestId('history-index-status');
    await status.waitFor();
    expect(await status.textContent()).toMatch(/Indexing the history: [\d,]+ of 6,000 sessions/);
    await h.screenshot('history-indexing-en');
    // Usable meanwhile: another tab opens and comes back.
    await page.getByTestId('wf-tab-compare').click();
    await page.getByTestId('wf-tab-history').click();
    await expect.poll(() => status.count(), { timeout: 60_000, interval: 250 }).toBe(0);
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(200);
    await page.getByTestId('history-search').fill('scarecrow');
    await expect.poll(() => page.getByTestId('history-hit').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('history-hit').first().textContent()).toMatch(/scarecrow/i);
  }, 120_000);
});
