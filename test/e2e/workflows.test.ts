import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectors } from 'playwright-core';
import { startHarness, ROOT, type Harness } from './harness.ts';
import { KeychainSecretStore } from '../../src-main/core/secrets/store.ts';

const WAV = join(ROOT, 'resources', 'utterances', 'hello-weather-en.wav');

// The QA/support flow in the built renderer: save a case, compare the Mindcraft and Tencent sandboxes on one WAV,
// export a reproduction bundle and import it again; screenshots of the comparison in English and Chinese.
describe('QA and support workflows (E2E)', () => {
  let h: Harness;
  const work = mkdtempSync(join(tmpdir(), 'parley-e2e-wf-'));
  beforeAll(async () => {
    // The renderer marks elements with data-test (Playwright's getByTestId reads data-testid by default).
    selectors.setTestIdAttribute('data-test');
    h = await startHarness({ viewport: { width: 1440, height: 1000 } });
    await h.page.getByTestId('nav-workflows').click();
    await h.page.getByTestId('wf-history').waitFor();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('saves a test case into a folder as a readable JSON file', async () => {
    const { page } = h;
    await page.getByTestId('wf-tab-cases').click();
    // The folder comes from the native dialog (the harness answers it): the renderer cannot type a path.
    mkdirSync(join(work, 'cases'));
    h.dialog.answer(join(work, 'cases'));
    await page.getByTestId('case-dir-choose').click();
    await expect.poll(() => page.getByTestId('case-dir-path').textContent()).toBe(join(work, 'cases'));
    await page.getByRole('button', { name: 'New case' }).click();
    await page.getByTestId('case-name').fill('Weather question');
    await page.getByTestId('case-collection').fill('smoke');
    await page.getByTestId('case-save').click();
    await expect.poll(() => page.getByTestId('wf-message').textContent()).toContain('Weather-question.parley-case.json');
    const file = join(work, 'cases', 'smoke', 'Weather-question.parley-case.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ version: 1, name: 'Weather question', vendor: 'mindcraft', operation: 'chat_bot_v3' });
    await expect.poll(() => page.getByTestId('case-item').count()).toBe(1);
  });

  it('compares the Mindcraft and Tencent sandboxes on one WAV file', async () => {
    const { page } = h;
    // What a user does once in the Tencent panel: start a conversation (the bot UserSig minted at send time from the
    // {{usersig}} template, so the record can be re-run), stop it.
    await page.evaluate(async () => {
      const profiles = await window.parley.invoke('profiles.list', {});
      const tc = profiles.find((p) => p.vendor === 'tencent')!;
      const minted = await window.parley.invoke('room.credential', { profileId: tc.id, userId: 'bot_e2e' });
      const payload = {
        SdkAppId: minted.params.sdkAppId,
        RoomId: '7001',
        AgentConfig: { UserId: 'bot_e2e', UserSig: '{{usersig}}', TargetUserId: 'console_1' },
        LLMConfig: { LLMType: 'openai', Model: 'm', APIKey: '{{secret:LLM_API_KEY}}', APIUrl: 'https://x' },
      };
      const { sessionId } = await window.parley.invoke('session.start', { profileId: tc.id, operation: 'StartAIConversation', payload });
      for (let i = 0; i < 200; i++) {
        const { events } = await window.parley.invoke('session.events', { sessionId: sessionId! });
        if (events.some((e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await window.parley.invoke('session.stop', { sessionId: sessionId! });
    });
    await page.getByTestId('wf-tab-compare').click();
    await page.getByTestId('compare-pick-mindcraft').check();
    await page.getByTestId('compare-pick-tencent').check();
    await page.getByTestId('compare-source-tencent').selectOption('last');
    h.dialog.answer(WAV);
    await page.getByTestId('compare-wav-choose').click();
    await expect.poll(() => page.getByTestId('compare-wav-path').textContent()).toBe(WAV);
    await page.getByTestId('compare-repeat').fill('2');
    await page.getByPlaceholder('Name this comparison (optional)').fill('Weather question, EN');
    await page.getByTestId('compare-run').click();
    await page.getByTestId('compare-results').waitFor();
    await expect.poll(() => page.getByTestId('compare-results').textContent(), { timeout: 90_000, interval: 500 }).toContain('done');
    const table = page.getByTestId('compare-table');
    const text = (await table.textContent())!;
    expect(text).toContain('Mindcraft chat_bot_v3 sandbox'.split(' ')[0]);
    expect(text).toMatch(/2 \/ 2[\s\S]*2 \/ 2/);
    expect(text).toContain('Time to first audio');
    expect(await page.getByTestId('compare-chart').locator('rect').count()).toBeGreaterThanOrEqual(5);
    await page.getByTestId('compare-results').scrollIntoViewIfNeeded();
    const en = await h.screenshot('compare-en');
    expect(existsSync(en)).toBe(true);

    await page.getByTestId('locale').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('compare-table').textContent()).toContain('首段音频耗时');
    expect(await page.getByTestId('wf-tab-compare').textContent()).toBe('对比');
    await h.screenshot('compare-zh');
    await page.getByTestId('locale').selectOption('en');
  }, 120_000);

  it('exports a reproduction bundle from the history and imports it again', async () => {
    const { page } = h;
    await page.getByTestId('wf-tab-history').click();
    await page.getByTestId('history-search').fill('mindcraft');
    // The date filter: a range ending yesterday hides today's sessions, today shows them again.
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await page.getByTestId('history-to').fill(day(-1));
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(0);
    await page.getByTestId('history-to').fill(day(0));
    await expect.poll(() => page.getByTestId('history-row').count()).toBeGreaterThan(0);
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-detail').waitFor();
    await page.getByTestId('figures').waitFor();
    await h.screenshot('history-en');
    // Pin two events picked in the log and diff them. The log is a virtual list that reuses its row elements for other
    // events as it scrolls, so each pick is an event row already in view (clicking it scrolls nothing) and named by
    // its seq, not a row position (which could show the event picked before, and suggest nothing new).
    const picked: string[] = [];
    const rowInView = () =>
      page.locator('[data-test=history-detail] [data-seq]').evaluateAll((els, taken) => {
        for (const el of els) {
          const seq = el.getAttribute('data-seq')!;
          const box = el.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          if (!taken.includes(seq) && hit && el.contains(hit)) return seq;
        }
        return '';
      }, picked);
    for (const i of [0, 1]) {
      await page.locator('[data-test=history-detail] [data-test=scroller]').scrollIntoViewIfNeeded();
      await expect.poll(rowInView).not.toBe('');
      const seq = await rowInView();
      await page.locator(`[data-test=history-detail] [data-seq="${seq}"]`).click();
      await expect.poll(() => page.getByTestId('pin-seq').inputValue()).toBe(seq);
      await page.getByTestId('pin-add').click();
      await expect.poll(() => page.locator('[data-test=pins] li').count()).toBe(i + 1);
      picked.push(seq);
    }
    for (const i of [0, 1]) await page.locator('[data-test=pins] li input[type=checkbox]').nth(i).check();
    await page.getByTestId('diff-table').waitFor();
    expect(await page.getByTestId('diff-table').locator('tbody tr').count()).toBeGreaterThan(0);
    const bundle = join(work, 'repro.parley-bundle.json');
    // Both Mindcraft runs of the comparison, in one bundle.
    for (const i of [0, 1]) await page.getByTestId('history-tick').nth(i).check();
    h.dialog.answer(bundle);
    await page.getByTestId('export-bundle').click();
    await expect.poll(() => page.getByTestId('wf-message').first().textContent()).toContain('Bundle written');
    const text = readFileSync(bundle, 'utf8');
    expect(JSON.parse(text).sessions).toHaveLength(2);
    const store = new KeychainSecretStore(h.keychainService);
    for (const p of await h.core.handlers['profiles.list']({})) {
      for (const name of ['API_KEY', 'SECRET_ID', 'SECRET_KEY', 'SDK_SECRET_KEY', 'LLM_API_KEY', 'APP_SECRET']) {
        const v = await store.get(p.id, name).catch(() => null);
        if (v && v.length >= 4) expect(text, `${p.name} ${name}`).not.toContain(v);
      }
    }

    // A stored secret planted where the session has it (the payload's character id): the export is refused, with the reason.
    const mcProfile = (await h.core.handlers['profiles.list']({})).find((p) => p.vendor === 'mindcraft')!;
    const original = (await store.get(mcProfile.id, 'API_KEY'))!;
    const planted = String(JSON.parse(text).sessions[0].payload.character_uuid);
    await h.core.handlers['secrets.set']({ profileId: mcProfile.id, name: 'API_KEY', value: planted });
    h.dialog.answer(join(work, 'leak.parley-bundle.json'));
    await page.getByTestId('export-bundle').click();
    await expect.poll(() => page.getByTestId('wf-error').textContent()).toMatch(/secret.*API_KEY.*refusing/);
    expect(existsSync(join(work, 'leak.parley-bundle.json'))).toBe(false);
    await h.core.handlers['secrets.set']({ profileId: mcProfile.id, name: 'API_KEY', value: original });

    await page.getByTestId('wf-tab-bundles').click();
    h.dialog.answer(bundle);
    await page.getByTestId('bundle-import').click();
    await page.getByTestId('bundle-body').waitFor();
    expect(await page.getByTestId('bundle-body').textContent()).toContain('mindcraft');
    expect(await page.getByTestId('bundle-events').locator('.ev').count()).toBeGreaterThan(10);
    const imported = JSON.parse(text) as { sessions: { files: { name: string; role: string }[] }[] };
    expect(imported.sessions[0]!.files.filter((f) => f.role === 'input').map((f) => f.name)).toEqual(
      expect.arrayContaining(['turn-1-user.wav', 'input-hello-weather-en.wav']),
    );
    await page.getByTestId('bundle-rerun').click();
    await expect.poll(() => page.getByTestId('wf-bundle').textContent()).toContain('Started session');
    await h.screenshot('bundle-en');

    // Nothing the renderer saw holds a stored secret.
    const exposure = await h.rendererExposure();
    const mc = (await h.core.handlers['profiles.list']({})).find((p) => p.vendor === 'mindcraft')!;
    expect(exposure).not.toContain((await store.get(mc.id, 'API_KEY'))!);
  }, 90_000);
});
