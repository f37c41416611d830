import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness.ts';
import { parseWav } from '../../src-main/core/audio/wav.ts';
import type { SessionEvent } from '../../src-main/core/events.ts';
import type { Profile } from '../../src-main/core/profiles/types.ts';

/**
 * The everyday flows as a user does them, each twice in a row in one window, and in another order than the feature
 * tests: edit a seeded profile before creating one, switch it to live and back; two voice sessions on one panel,
 * each heard (level meter and a WAV export of what played); stop a Tencent and a NetEase session and see their
 * tasks closed (and, the second time, left open and closed from the task list); reload in the middle of sessions.
 */
describe('journey: the everyday flows work the second time too (E2E)', () => {
  let h: Harness;
  const page = (): Page => h.page;
  const events = (id: string): SessionEvent[] => h.core.sessions.events(id, 0, 100_000).events;
  const kinds = (id: string) => events(id).map((e) => e.kind);
  const profileOf = async (vendor: string): Promise<Profile> => (await h.core.handlers['profiles.list']({})).filter((p) => p.vendor === vendor)[0]!;
  async function until<T>(what: string, get: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (v) return v as NonNullable<T>;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const shownSessionId = () => page().evaluate(() => document.querySelector('.vendor-panel .sid')?.textContent?.trim() ?? '');
  async function newSessionId(before: string): Promise<string> {
    return until('a new session in the panel', async () => {
      const id = await shownSessionId();
      return id && id !== before ? id : '';
    });
  }
  async function selectProfile(vendor: string): Promise<void> {
    await page().locator(`[data-vendor="${vendor}"] [data-test="profile-item"] .row-main`).first().click();
    await page().locator('[data-test="operation"]').waitFor();
  }
  async function openTools(): Promise<void> {
    await page().locator('[data-test="tab-extras"]').click();
  }
  async function noErrorBanner(): Promise<void> {
    const shown = await page().evaluate(() => document.querySelector('[data-test="error-banner"]')?.textContent ?? '');
    expect(shown).toBe('');
  }

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1440, height: 900 } });
    await page().waitForSelector('[data-test="profile-item"]');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a renderer error is never silent: it shows in a banner that can be dismissed', async () => {
    for (const message of ['journey boom 1', 'journey boom 2']) {
      await page().evaluate((m) => setTimeout(() => Promise.reject(new Error(m))), message);
      await page().locator('[data-test="error-banner"]').getByText(message).waitFor();
      await page().locator('[data-test="error-dismiss"]').first().click();
      await page().locator('[data-test="error-banner"]').waitFor({ state: 'detached' });
    }
  });

  it('edits a seeded profile (gear, header gear, double click), renames it, switches it to live and back, twice', async () => {
    const tencent = await profileOf('tencent');
    const row = page().locator(`[data-test="profile-item"][data-profile="${tencent.id}"]`);
    const dialog = page().locator('[data-test="profile-dialog"]');
    for (const round of [1, 2]) {
      // Open it three ways: the row's gear, the panel header's gear, a double click.
      await row.hover();
      await row.locator('[data-test="edit-profile"]').click();
      await dialog.waitFor();
      await page().locator('[data-test="profile-name"]').fill(`Tencent QA ${round}`);
      await page().locator('[data-test="profile-save"]').click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => row.locator('.pname').textContent()).toBe(`Tencent QA ${round}`);

      await row.locator('.row-main').click();
      await page().locator('[data-test="panel-edit-profile"]').click();
      await page().locator('[data-test="profile-target-live"]').check();
      // The sandbox demo credentials would be refused by the live vendor: the dialog says so.
      await page().locator('[data-test="demo-warning"]').waitFor();
      // A non-secret id is shown as it is, not masked.
      expect(await page().locator('[data-test="credential-SDK_APP_ID"] [data-test="secret-status"]').textContent()).toMatch(/^\d+$/);
      await page().locator('[data-test="profile-save"]').click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => row.locator('.badge').textContent()).toBe('live');
      await page().locator('[data-test="panel-demo-warning"]').waitFor();

      await row.dblclick();
      await dialog.waitFor();
      await page().locator('[data-test="profile-target-sandbox"]').check();
      await page().locator('[data-test="profile-save"]').click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => row.locator('.badge').textContent()).toBe('sandbox');
      expect(await page().locator('[data-test="panel-demo-warning"]').count()).toBe(0);
    }
    const saved = (await h.core.handlers['profiles.list']({})).find((p) => p.id === tencent.id)!;
    expect(saved).toMatchObject({ name: 'Tencent QA 2', target: 'sandbox' });
    await noErrorBanner();
  });

  it('Esc and Cancel ask before throwing typed input away; a click outside keeps it', async () => {
    const dialog = page().locator('[data-test="profile-dialog"]');
    await page().locator('[data-test="new-profile-mindcraft"]').click();
    await dialog.waitFor();
    // Nothing typed yet: Esc closes.
    await page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page().locator('[data-test="new-profile-mindcraft"]').click();
    await page().locator('[data-test="profile-name"]').fill('half typed');
    await page().mouse.click(5, 5);
    expect(await page().inputValue('[data-test="profile-name"]')).toBe('half typed');
    await page().keyboard.press('Escape');
    await page().locator('[data-test="discard-confirm"]').waitFor();
    await page().locator('[data-test="keep-editing"]').click();
    expect(await page().inputValue('[data-test="profile-name"]')).toBe('half typed');
    await page().locator('[data-test="profile-cancel"]').click();
    await page().locator('[data-test="discard"]').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('creates profiles with a credential typed and saved by Save alone (no separate Set), twice', async () => {
    const dialog = page().locator('[data-test="profile-dialog"]');
    for (const round of [1, 2]) {
      const secret = `sk-journey-${round}-${Math.random().toString(36).slice(2)}-Wx${round}Q`;
      await page().locator('[data-test="new-profile-convai"]').click();
      await dialog.waitFor();
      await page().locator('[data-test="profile-name"]').fill(`Convai journey ${round}`);
      await page().locator('[data-test="secret-input-API_KEY"]').fill(secret);
      await page().locator('[data-test="profile-save"]').click();
      await dialog.waitFor({ state: 'detached' });
      const created = await until('the new profile', async () =>
        (await h.core.handlers['profiles.list']({})).find((p) => p.name === `Convai journey ${round}`),
      );
      const status = await h.core.handlers['secrets.status']({ profileId: created.id });
      expect(status.find((s) => s.name === 'API_KEY')).toMatchObject({ set: true, last4: `Wx${round}Q` });
      // Only the renderer's own secrets.set request carried it.
      expect(h.bridge.traffic.filter((f) => f.includes(secret)).map((f) => JSON.parse(f).op)).toEqual(['secrets.set']);
      // Reopened: shown as set, never shown back.
      await page().locator(`[data-test="profile-item"][data-profile="${created.id}"]`).dblclick();
      await expect.poll(() => page().locator('[data-test="credential-API_KEY"] [data-test="secret-status"]').textContent()).toBe(`set · …Wx${round}Q`);
      expect(await page().inputValue('[data-test="secret-input-API_KEY"]')).toBe('');
      await page().keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    await noErrorBanner();
  });

  /** Poll the level meter while audio plays; resolves with the highest level seen (0..100). */
  async function peakLevel(ms: number): Promise<number> {
    return page().evaluate(
      (duration) =>
        new Promise<number>((resolve) => {
          let peak = 0;
          const end = performance.now() + duration;
          const tick = () => {
            peak = Math.max(peak, Number(document.querySelector('[data-test="audio-player"] [data-test="level-meter"]')?.getAttribute('data-level') ?? 0));
            if (performance.now() > end) resolve(peak);
            else requestAnimationFrame(tick);
          };
          tick();
        }),
      ms,
    );
  }
  async function exportedWav(): Promise<{ seconds: number; rms: number }> {
    const [download] = await Promise.all([page().waitForEvent('download'), page().locator('[data-test="save-wav"]').click()]);
    const wav = parseWav(new Uint8Array(readFileSync((await download.path())!)));
    let sum = 0;
    for (const s of wav.samples) sum += (s / 32768) ** 2;
    return { seconds: wav.samples.length / wav.channels / wav.sampleRate, rms: Math.sqrt(sum / Math.max(1, wav.samples.length)) };
  }

  it('two voice sessions on one panel: each is heard (level meter, WAV export), the second starts from its own segment 0', async () => {
    await selectProfile('mindcraft');
    await openTools();
    let before = '';
    for (const round of [1, 2]) {
      await page().locator('[data-test="send"]').click();
      const id = await newSessionId(before);
      before = id;
      await page().locator('[data-test="auth"]').waitFor();
      await page().locator('[data-test="send-sample"]').click();
      if (round === 2) {
        // Away to another panel and back while the answer comes: the session goes on where it was.
        await selectProfile('tencent');
        await selectProfile('mindcraft');
        await openTools();
      }
      const peak = await peakLevel(6000);
      expect(peak, `round ${round}: level while the answer plays`).toBeGreaterThan(3);
      await until('the turn is done', () => kinds(id).includes('mindcraft.turn'), 30_000);
      await until('three segments played', async () => (await page().locator('[data-test="audio-player"] tr[data-status="done"]').count()) >= 3, 20_000);
      // Nothing is late or skipped: the player's segment order belongs to this session.
      expect(await page().locator('[data-test="audio-player"] tr[data-status="late"], [data-test="audio-player"] tr[data-status="skipped"]').count()).toBe(0);
      const orders = events(id)
        .filter((e) => e.kind === 'audio.playback')
        .map((e) => (e.data as { z_index: number }).z_index);
      expect(orders.slice(0, 3)).toEqual([0, 1, 2]);
      const wav = await exportedWav();
      expect(wav.seconds, `round ${round}: seconds exported`).toBeGreaterThan(1);
      expect(wav.rms, `round ${round}: the export is not silence`).toBeGreaterThan(0.01);
      await page().locator('[data-test="stop"]').click();
      await page().locator('[data-test="stop"]').waitFor({ state: 'hidden' });
    }
    // Another panel shows its own (empty) player, not the previous vendor's.
    await selectProfile('tencent');
    await expect.poll(() => page().locator('[data-test="audio-player"] tr[data-status]').count()).toBe(0);
    await selectProfile('mindcraft');
    await expect.poll(() => page().locator('[data-test="audio-player"] tr[data-status="done"]').count()).toBeGreaterThanOrEqual(3);
    await noErrorBanner();
  }, 120_000);

  async function setField(path: string, value: string): Promise<void> {
    await page().locator(`.field[data-path="${path}"] input`).first().fill(value);
  }

  it('stopping a Tencent session stops its task; unticked, the task stays listed until closed from the list', async () => {
    await selectProfile('tencent');
    await openTools();
    const tasks = page().locator('[data-test="tencent-task"]');
    let before = '';
    for (const round of [1, 2]) {
      await setField('/SessionId', `journey-session-${round}`);
      await page().locator('[data-test="send"]').click();
      const id = await newSessionId(before);
      before = id;
      await until('the task started', () => kinds(id).includes('session.control-plane-done'));
      await expect.poll(() => tasks.count()).toBe(1);
      if (round === 1) {
        await page().locator('[data-test="stop"]').click();
        await until('StopAIConversation in the session', () => kinds(id).includes('task.closed'));
        expect(kinds(id)).toContain('tencent.StopAIConversation');
      } else {
        await page().locator('[data-test="close-task-on-stop"]').uncheck();
        await page().locator('[data-test="stop"]').click();
        await until('the session ended', () => kinds(id).includes('session.end'));
        expect(kinds(id)).not.toContain('tencent.StopAIConversation');
        await expect.poll(() => tasks.count()).toBe(1);
        await openTools();
        await tasks.locator('[data-test="tencent-close-task"]').click();
      }
      await expect.poll(() => tasks.count(), { timeout: 15_000 }).toBe(0);
    }
    await noErrorBanner();
  }, 90_000);

  it('stopping a NetEase session closes its task; the sandbox room joined after create is left', async () => {
    await selectProfile('netease');
    await openTools();
    const tasks = page().locator('[data-test="netease-task"]');
    await page().locator('[data-test="sandbox-room-note"]').waitFor();
    let before = '';
    for (const round of [1, 2]) {
      await setField('/cname', `journey-room-${round}`);
      await page().locator('[data-test="send"]').click();
      const id = await newSessionId(before);
      before = id;
      await until('the task was created', () => kinds(id).includes('session.control-plane-done'));
      await expect.poll(() => tasks.filter({ hasText: `journey-room-${round}` }).count()).toBe(1);
      await page().locator('[data-test="stop"]').click();
      await until('task/close in the session', () => kinds(id).includes('netease.task-closed'));
      await expect.poll(() => tasks.count()).toBe(0);
      await page().locator('[data-test="result-task-closed"]').waitFor();
    }
    // The sandbox has a room now (sandbox/rooms/): create joins it, stop leaves it.
    expect(h.bridge.traffic.some((f) => f.includes('"op":"room.join"'))).toBe(true);
    await noErrorBanner();
  }, 90_000);

  it('a reload during sessions finds them again with a working Stop; reopening a running NetEase session does not join again', async () => {
    for (const round of [1, 2]) {
      await selectProfile('netease');
      await setField('/cname', `journey-reload-${round}`);
      const neteaseBefore = await shownSessionId();
      await page().locator('[data-test="send"]').click();
      const netease = await newSessionId(neteaseBefore);
      await until('NetEase task created', () => kinds(netease).includes('session.control-plane-done'));
      await selectProfile('mindcraft');
      const mindcraftBefore = await shownSessionId();
      await page().locator('[data-test="send"]').click();
      const mindcraft = await newSessionId(mindcraftBefore);
      await until('Mindcraft authenticated', () => kinds(mindcraft).includes('mindcraft.auth'));

      const framesBefore = h.bridge.traffic.length;
      await page().reload();
      await page().waitForSelector('[data-test="profile-item"]');
      // The Mindcraft panel is shown again with its running session and a Stop button.
      await selectProfile('mindcraft');
      await expect.poll(() => shownSessionId()).toBe(mindcraft);
      await page().locator('[data-test="stop"]').waitFor();
      // Reopen the NetEase session from the sidebar history: shown, not joined again.
      await page().locator('[data-test="sidebar-session"]').filter({ hasText: 'Create realtime conversation task' }).first().locator('.row-main').click();
      await expect.poll(() => shownSessionId()).toBe(netease);
      await page().locator('[data-test="stop"]').waitFor();
      await new Promise((r) => setTimeout(r, 500));
      expect(h.bridge.traffic.slice(framesBefore).some((f) => f.includes('"op":"room.join"'))).toBe(false);
      await page().locator('[data-test="stop"]').click();
      await until('NetEase task closed after the reload', () => kinds(netease).includes('netease.task-closed'));
      await selectProfile('mindcraft');
      await page().locator('[data-test="stop"]').click();
      await until('Mindcraft session ended after the reload', () => kinds(mindcraft).includes('session.end'));
      await page().locator('[data-test="stop"]').waitFor({ state: 'hidden' });
    }
    await noErrorBanner();
  }, 120_000);

  it('keyboard: Ctrl+Enter sends, tabs move with arrow keys, "/" finds the log search, rows take focus', async () => {
    await selectProfile('tencent');
    await page().locator('[data-test="operation"]').selectOption('DescribeAIConversation');
    await setField('/TaskId', 'journey-keyboard');
    let before = await shownSessionId();
    for (let round = 0; round < 2; round++) {
      // In the JSON editor too: Ctrl+Enter sends instead of inserting a line.
      await page().locator('.cm-content').first().click();
      await page().keyboard.press('Control+Enter');
      before = await newSessionId(before);
    }
    const tab = page().locator('[data-test="tab-result"]');
    await tab.click();
    await page().keyboard.press('ArrowRight');
    await expect.poll(() => page().locator('[data-test="tab-inspector"]').getAttribute('aria-selected')).toBe('true');
    await page().keyboard.press('ArrowRight');
    await expect.poll(() => page().locator('[data-test="tab-extras"]').getAttribute('aria-selected')).toBe('true');
    await page().keyboard.press('Home');
    await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
    await page()
      .locator('body')
      .click({ position: { x: 700, y: 20 } });
    await page().keyboard.press('/');
    await expect.poll(() => page().evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe('search');
    await page().keyboard.press('Escape');
    await page().locator('.event-log .row').first().focus();
    await page().keyboard.press('ArrowDown');
    await page().keyboard.press('Enter');
    await page().locator('[data-test="detail"]').waitFor();
    // Profiles and history entries are focusable buttons.
    await page().locator('[data-test="sidebar-session"] .row-main').first().focus();
    await page().keyboard.press('ArrowDown');
    expect(await page().evaluate(() => document.activeElement?.closest('[data-test="sidebar-session"]') !== null)).toBe(true);
    await noErrorBanner();
  });

  it('a Tencent InvalidParameter.UserSig error is marked on that field, like a Convai 422', async () => {
    await selectProfile('tencent');
    await page().locator('[data-test="operation"]').selectOption('StartAIConversation');
    for (let round = 0; round < 2; round++) {
      await setField('/AgentConfig/UserSig', `not-a-usersig-${round}`);
      await page().locator('[data-test="send"]').click();
      await page().locator('[data-test="result-status"].failed').waitFor();
      await expect.poll(() => page().locator('[data-test="error-code"]').textContent()).toBe('InvalidParameter.UserSig');
      await expect
        .poll(() => page().locator('.field[data-path="/AgentConfig/UserSig"]').first().textContent())
        .toContain('InvalidParameter.UserSig: UserSig is expired or wrong');
      await page().locator('[data-test="error-fix"]').waitFor();
    }
  });
});
