import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectors } from 'playwright-core';
import { startHarness, ROOT, SCREENSHOTS, type Harness } from './harness.ts';
import { liveKitServer } from '../integration/support/livekit.ts';

// The scenario editor in the built renderer: build a two-turn scenario from library utterances, run it against the
// Mindcraft and Convai sandboxes (socket, and a real LiveKit room headless in core), see each turn's figures and the
// HTML report; plant a mishear and see the CER failure; add an utterance of one's own. Screenshots in both languages.
describe('scenario editor (E2E)', () => {
  let h: Harness;
  const work = mkdtempSync(join(tmpdir(), 'parley-e2e-scen-'));
  beforeAll(async () => {
    process.env.PARLEY_LIVEKIT_SERVER ??= liveKitServer();
    selectors.setTestIdAttribute('data-test');
    h = await startHarness({ viewport: { width: 1440, height: 900 } });
    await h.page.getByTestId('nav-workflows').click();
    await h.page.getByTestId('wf-tab-scenarios').click();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('builds a scenario, runs it against two vendors, shows each turn and the report; a planted mishear fails its CER limit', async () => {
    const { page } = h;
    mkdirSync(join(work, 'cases'));
    h.dialog.answer(join(work, 'cases'));
    await page.getByTestId('scen-dir-choose').click();
    await expect.poll(() => page.getByTestId('scen-dir-path').textContent()).toBe(join(work, 'cases'));
    await page.getByTestId('scen-new').click();
    await page.getByTestId('scen-name').fill('Weather then a joke');
    await page.getByTestId('scen-vendor-convai').check();
    const steps = page.getByTestId('scen-step');
    await steps.nth(0).getByTestId('scen-utterance').selectOption('hello-weather-en');
    await steps.nth(0).getByTestId('scen-limit').fill('10');
    await page.getByTestId('scen-add-turn').click();
    await steps.nth(1).getByTestId('scen-utterance').selectOption('tell-joke-en');
    await steps.nth(1).getByTestId('scen-interrupt').selectOption('message');
    await steps.nth(1).locator('input[type="number"]').first().fill('1000');
    await steps.nth(1).getByTestId('scen-limit').fill('10');
    await page.getByTestId('scen-save').click();
    await expect
      .poll(() => page.locator('[data-test="wf-message"], [data-test="wf-error"]').first().textContent())
      .toContain('Weather-then-a-joke.parley-case.json');
    const file = join(work, 'cases', 'Weather-then-a-joke.parley-case.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({
      version: 2,
      name: 'Weather then a joke',
      steps: [
        { say: { utterance: 'hello-weather-en' }, expect: { maxWer: 0.1 } },
        { say: { utterance: 'tell-joke-en' }, interrupt: { by: 'message', afterMs: 1000 }, expect: { maxWer: 0.1 } },
      ],
    });
    expect(Object.keys(saved.vendors)).toEqual(['convai', 'mindcraft']);

    await page.getByTestId('scen-run').click();
    await expect.poll(() => page.getByTestId('scen-result').count(), { timeout: 180_000 }).toBe(4);
    const rows = await page.getByTestId('scen-result').allTextContents();
    expect(rows).toEqual(Array(4).fill(expect.stringContaining('PASS')));
    const report = page.getByTestId('scen-report');
    await expect.poll(() => report.evaluate((el) => el.shadowRoot?.textContent ?? '')).toContain('Per vendor');
    expect(await report.evaluate((el) => el.shadowRoot!.querySelectorAll('svg circle').length)).toBe(4);
    for (const [width, height] of [
      [1440, 900],
      [1024, 640],
    ] as const) {
      await page.setViewportSize({ width, height });
      await h.screenshot(`scenario-editor-en-${width}`);
    }

    // The sandbox bot told to mishear: the same scenario now fails its WER limit, reference and recognised side by side.
    await page.evaluate(async () => {
      for (const vendor of ['mindcraft', 'convai'] as const) await window.parley.invoke('sandbox.fault', { vendor, fault: { kind: 'mishear' } });
    });
    await page.locator('[data-test="locale"]').selectOption('zh-CN');
    await page.getByTestId('scen-run').click();
    await expect
      .poll(async () => (await page.getByTestId('scen-result').allTextContents()).filter((r) => r.includes('失败')).length, { timeout: 180_000 })
      .toBe(4);
    const failed = await page.getByTestId('scen-failures').first().textContent();
    expect(failed).toMatch(/recognition: WER \d+\.\d % over the limit of 10\.0 %/);
    expect(failed).toContain('reference:  Hello, what is the weather like today?');
    await page.evaluate(async () => {
      for (const vendor of ['mindcraft', 'convai'] as const) await window.parley.invoke('sandbox.fault', { vendor, fault: null });
    });
    for (const [width, height] of [
      [1440, 900],
      [1024, 640],
    ] as const) {
      await page.setViewportSize({ width, height });
      // The failed turns, with reference and recognised text side by side, in view.
      await page
        .getByTestId('scen-result')
        .first()
        .evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await h.screenshot(`scenario-editor-zh-${width}`);
    }
    // The HTML report on its own, as a browser shows the file (the same HTML the app shows).
    const html = await report.evaluate((el) => el.shadowRoot!.innerHTML);
    const zhFile = join(work, 'report-zh.html');
    writeFileSync(zhFile, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>${html}</body></html>`);
    await page.locator('[data-test="locale"]').selectOption('en');
  }, 420_000);

  it("adds an utterance of the user's own (WAV plus text) to the case folder's library", async () => {
    const { page } = h;
    const wav = join(work, 'my-weather.wav');
    copyFileSync(join(ROOT, 'resources', 'utterances', 'kitchen-lights-noisy-en.wav'), wav);
    await page.getByTestId('scen-add-file').setInputFiles(wav);
    await page.getByPlaceholder('Reference text (what is said)').last().fill('Please turn on the lights in the kitchen.');
    await page.getByRole('button', { name: 'Add to the case folder' }).click();
    await expect.poll(() => page.getByTestId('wf-message').textContent()).toContain('Added "my-weather"');
    expect(existsSync(join(work, 'cases', 'utterances', 'my-weather.wav'))).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'cases', 'utterances', 'utterances.json'), 'utf8'))).toEqual([
      { id: 'my-weather', file: 'my-weather.wav', language: 'en', text: 'Please turn on the lights in the kitchen.', tags: [] },
    ]);
    await expect.poll(() => page.getByTestId('scen-utterance').first().locator('option').first().textContent()).toContain('my-weather');
    // A second time with the same id: refused, nothing overwritten.
    await page.getByTestId('scen-add-file').setInputFiles(wav);
    await page.getByPlaceholder('Reference text (what is said)').last().fill('another text');
    await page.getByRole('button', { name: 'Add to the case folder' }).click();
    await expect.poll(() => page.getByTestId('wf-error').textContent()).toContain('already has an utterance "my-weather"');
    expect(readFileSync(join(work, 'cases', 'utterances', 'utterances.json'), 'utf8')).toContain('Please turn on the lights');
  });

  it('the HTML report at both sizes, in English and Chinese', async () => {
    const { page } = h;
    const r = await page.evaluate(async () => {
      const list = await window.parley.invoke('scenarios.list', { dir: document.querySelector('[data-test="scen-dir-path"]')!.textContent! });
      return list[0]!.path;
    });
    const page2 = await h.context.newPage();
    for (const lang of ['en', 'zh'] as const) {
      // The Chinese report with the planted mishear: failures, reference and recognised side by side, the audio.
      const { html } = await page.evaluate(
        async ([path, l]) => {
          await window.parley.invoke('sandbox.fault', { vendor: 'mindcraft', fault: l === 'zh' ? { kind: 'mishear' } : null });
          return window.parley.invoke('scenarios.run', { path: path!, vendors: ['mindcraft'], lang: l as 'en' });
        },
        [r, lang],
      );
      if (lang === 'zh') expect(html.match(/<audio controls/g)).toHaveLength(2);
      await page2.setContent(html);
      for (const [width, height] of [
        [1440, 900],
        [1024, 640],
      ] as const) {
        await page2.setViewportSize({ width, height });
        await page2.screenshot({ path: join(SCREENSHOTS, `scenario-report-${lang}-${width}.png`) });
      }
    }
    await page2.close();
    await page.evaluate(() => window.parley.invoke('sandbox.fault', { vendor: 'mindcraft', fault: null }));
  }, 240_000);

  it("the session view shows each turn's reference and recognised text with its score; the history lists, filters and orders by it", async () => {
    const { page } = h;
    await page.getByTestId('wf-tab-history').click();
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    // The runs above: passing sessions (WER 0.0 %) and the misheard ones.
    const scores = await page.getByTestId('history-score').allTextContents();
    expect(scores.filter((x) => x === 'WER 0.0 %').length).toBeGreaterThanOrEqual(2);
    const misheard = scores.filter((x) => /^WER \d+\.\d %$/.test(x) && x !== 'WER 0.0 %');
    expect(misheard.length).toBeGreaterThanOrEqual(2);
    // Twice: filter "WER over 10 %", then the worst first; each time the list holds only the misheard sessions on top.
    for (let pass = 0; pass < 2; pass++) {
      await page.getByTestId('history-figure').selectOption('wer');
      await page.getByTestId('history-over').fill('10');
      await expect.poll(() => page.getByTestId('history-score').allTextContents()).toEqual(misheard.map(() => expect.not.stringMatching(/^WER 0\.0 %$/)));
      await page.getByTestId('history-figure').selectOption('');
      await page.getByTestId('history-sort').selectOption('worstWer');
      await expect.poll(async () => (await page.getByTestId('history-score').allTextContents()).slice(0, misheard.length).sort()).toEqual([...misheard].sort());
      await page.getByTestId('history-sort').selectOption('newest');
    }
    await page.getByTestId('history-sort').selectOption('worstWer');
    await rows.first().click();
    const turns = page.getByTestId('recognition-turn');
    await expect.poll(() => turns.count()).toBe(2);
    expect(await turns.first().getByTestId('recognition-reference').textContent()).toBe('Hello, what is the weather like today?');
    expect(await turns.first().getByTestId('recognition-score').textContent()).toMatch(/WER \d+\.\d %/);
    expect(await turns.first().getByTestId('recognition-recognised').textContent()).not.toBe('Hello, what is the weather like today?');
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.locator('[data-test="locale"]').selectOption(lang);
      for (const [width, height] of [
        [1440, 900],
        [1024, 640],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('recognition').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await h.screenshot(`session-score-${lang.slice(0, 2)}-${width}`);
      }
    }
    expect(await page.getByTestId('recognition').textContent()).toContain('参考文本');
    await page.locator('[data-test="locale"]').selectOption('en');
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 120_000);
});
