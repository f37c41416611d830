import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { startHarness, type Harness } from './harness.ts';
import { SANDBOX_APP_SECRET } from '../../src-main/core/vendors/netease/sandbox.ts';

/**
 * nertc-web-sdk replaced at its boundary (no NERTC server here): join resolves, then the "bot" publishes and the
 * documented asr-captions / ai-data events arrive, as in a real room. The init script reaches the room frame too,
 * where the SDK runs.
 */
const FAKE_NERTC = `
window.__PARLEY_TEST_NERTC__ = (() => {
  const log = (window.__nertcCalls = []);
  return {
    createClient(opts) {
      const handlers = {};
      const fire = (ev, p) => (handlers[ev] || []).forEach((h) => h(p));
      const bot = { getId: () => 99, getAudioStream: () => null, play: () => log.push('play') };
      return {
        on: (ev, cb) => ((handlers[ev] = handlers[ev] || []).push(cb)),
        async join(o) {
          log.push('join:' + o.channelName + ':' + o.uid + ':' + (o.token ? 'token' : 'none'));
          await new Promise((r) => setTimeout(r, 40));
          setTimeout(() => fire('stream-added', { stream: bot }), 30);
          setTimeout(() => fire('stream-subscribed', { stream: bot, mediaType: 'audio' }), 60);
          setTimeout(() => fire('asr-captions', [{ srcUid: 99, timestamp: 1, language: 'zh', text: '您好,我是 AI 助手', isFinal: true }]), 120);
          setTimeout(() => fire('asr-captions', [{ srcUid: Number(o.uid), timestamp: 2, language: 'zh', text: '今天天气怎么样', isFinal: true }]), 200);
          setTimeout(() => fire('asr-captions', [{ srcUid: 99, timestamp: 3, language: 'zh', text: '今天晴', isFinal: false }]), 450);
          setTimeout(() => fire('ai-data', { type: 'agent_state', data: '{"state":"speaking"}', uid: 99 }), 460);
        },
        async leave() { log.push('leave'); },
        async publish() { log.push('publish'); },
        async subscribe() { log.push('subscribe'); },
        async startAsrCaptions(s) { log.push('captions:' + s); },
        async stopAsrCaptions() {},
        aiManualInterrupt(uid) { log.push('interrupt:' + uid); },
        destroy() {},
      };
    },
    createStream() { return { setAudioProfile() {}, async init() {}, destroy() {} }; },
  };
})();
`;

describe('NetEase panel end to end (Chromium, real core, sandbox)', () => {
  let h: Harness;
  let profileId: string;

  const page = () => h.page;
  const field = (path: string): Locator => page().locator(`.field[data-path="${path}"]`).first();
  const extrasTab = () => page().locator('.side .tab').nth(2);

  async function send(): Promise<void> {
    await page().locator('[data-test=send]').click();
  }
  /** A room session keeps running after create: success shows as the task in the Extras' list. */
  async function waitForTask(cname: string): Promise<void> {
    await extrasTab().click();
    await page().locator('[data-test=netease-task]').filter({ hasText: cname }).first().waitFor({ timeout: 15_000 });
  }
  async function waitForFailure(): Promise<string> {
    await page().locator('[data-test=result-status].failed').waitFor({ timeout: 15_000 });
    return page().locator('[data-test=vendor-error]').innerText();
  }
  async function stop(): Promise<void> {
    const btn = page().locator('[data-test=stop]');
    if (await btn.isVisible()) await btn.click();
    await btn.waitFor({ state: 'hidden' });
  }
  async function setText(path: string, value: string): Promise<void> {
    const input = field(path).locator('input').first();
    await input.fill(value);
  }
  async function chooseMode(index: number): Promise<void> {
    await field('/data').locator('[data-test=branch]').first().selectOption(String(index));
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.context.addInitScript({ content: FAKE_NERTC });
    await h.page.reload();
    const profiles = await h.page.evaluate(() => window.parley.invoke('profiles.list', {}));
    profileId = profiles.find((p) => p.vendor === 'netease')!.id;
    await h.page.locator(`[data-test=profile-item][data-profile="${profileId}"]`).click();
    await h.page.locator('[data-test=operation]').waitFor();
    // The SDK is replaced by its stand-in here (window.__PARLEY_TEST_NERTC__ wins over the sandbox room).
    await extrasTab().click();
    await page().locator('[data-test=netease-room] input[type=checkbox]').first().check();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('parameters mode: inspector shows masked CheckSum headers; create succeeds, the room joins, captions and metrics arrive', async () => {
    await setText('/cname', 'e2e-room-params');
    await page().locator('[data-test=tab-inspector]').click();
    await page().locator('[data-test=inspect]').click();
    const inspector = page().locator('.side-body');
    await inspector.getByText('CheckSum input').waitFor();
    const text = await inspector.innerText();
    expect(text).toContain('/netease/v1/api/task/create');
    expect(text).toMatch(/CheckSum[\s\S]*••••[0-9a-f]{4}/);
    expect(text).not.toContain(SANDBOX_APP_SECRET);

    await send();
    await extrasTab().click();
    await waitForTask('e2e-room-params');
    const extras = page().locator('[data-test=netease-extras]');
    await extras.locator('[data-test=netease-task-id]').waitFor();
    await expect.poll(() => extras.locator('[data-test=netease-code]').innerText()).toBe('200');
    await extras.locator('[data-test=netease-room-state][data-state=joined]').waitFor({ timeout: 10_000 });
    await extras.locator('[data-test=netease-captions]').getByText('今天晴').waitFor({ timeout: 10_000 });
    const metrics = await extras.locator('[data-test=netease-metrics]').innerText();
    expect(metrics).toMatch(/create latency \d+ ms/);
    expect(metrics).toMatch(/join \d+ ms/);
    expect(metrics).toMatch(/first caption \d+ ms/);
    expect(metrics).toMatch(/turn 1: user caption end → bot caption \d+ ms/);
    await extras.locator('[data-test=netease-interrupt]').click();
    // The SDK (here its stand-in) runs in the room frame, on the room's own origin.
    const roomFrame = page()
      .frames()
      .find((f) => f.url().includes('/room.html?vendor=netease'))!;
    await expect
      .poll(() => roomFrame.evaluate(() => (window as unknown as { __nertcCalls: string[] }).__nertcCalls))
      .toEqual(expect.arrayContaining(['join:e2e-room-params:10001:token', 'captions:AUTO', 'interrupt:99']));
  });

  it('close is one click from the created task, recorded in the same session', async () => {
    const extras = page().locator('[data-test=netease-extras]');
    const before = await extras.locator('[data-test=netease-task]').count();
    await extras.locator('[data-test=netease-task]').filter({ hasText: 'e2e-room-params' }).locator('[data-test=netease-close-task]').click();
    await expect.poll(() => extras.locator('[data-test=netease-task]').count()).toBe(before - 1);
    // The task list and the result card follow the same close answer but render independently: wait for both.
    await expect.poll(() => extras.locator('[data-test=netease-result]').innerText()).toContain('Close result');
    await stop();
  });

  it('NetEase agent mode and agent + parameters mode create tasks', async () => {
    await chooseMode(1);
    await setText('/cname', 'e2e-room-agent');
    await setText('/data/agent/agentId', 'a261501186xxxxxxcba');
    await setText('/data/agent/userId', '9527');
    await send();
    await waitForTask('e2e-room-agent');
    await page().locator('[data-test=netease-extras] .chip.active').getByText('NetEase agent').waitFor();
    await stop();

    await chooseMode(2);
    await setText('/cname', 'e2e-room-agent-params');
    await setText('/data/llm/agentParam/agentId', 'agent456');
    await send();
    await waitForTask('e2e-room-agent-params');
    await page().locator('[data-test=netease-extras] .chip.active').getByText('Agent + parameters').waitFor();
    await stop();
    // Stop ends the task it created (task/close in the same session), so it leaves the list of open tasks.
    await expect.poll(async () => (await page().locator('[data-test=netease-task]').allInnerTexts()).join('\n')).not.toContain('e2e-room-agent-params');
  });

  it('a wrong AppSecret shows code 402 (failed authentication) from the CheckSum check', async () => {
    await page().evaluate((id) => window.parley.invoke('secrets.set', { profileId: id, name: 'APP_SECRET', value: 'definitely-wrong-secret' }), profileId);
    await chooseMode(1);
    await setText('/cname', 'e2e-room-402');
    await setText('/data/agent/agentId', 'a1');
    await setText('/data/agent/userId', 'u1');
    await send();
    const error = await waitForFailure();
    expect(error).toContain('402');
    expect(error).toContain('CheckSum mismatch');
    await extrasTab().click();
    await expect.poll(() => page().locator('[data-test=netease-code]').innerText()).toBe('402');
    await expect.poll(() => page().locator('[data-test=netease-result]').innerText()).toContain('CheckSum mismatch');
    await page().evaluate((id) => window.parley.invoke('secrets.set', { profileId: id, name: 'APP_SECRET', value: 'sandbox-netease-secret-0001' }), profileId);
  });

  it('interruptMode 4 without interrupt words is stopped by the form with the clear message', async () => {
    await chooseMode(0);
    await setText('/cname', 'e2e-room-mode4');
    const pipeline = field('/data/pipeline');
    await pipeline.locator('.control button.btn').first().click();
    await setText('/data/pipeline/interruptMode', '4');
    const message = 'pipeline.interruptWords: required when interruptMode is 4 (custom interrupt words)';
    await page().getByText(message).first().waitFor();
    expect(await page().locator('[data-test=send]').isDisabled()).toBe(true);

    // Screenshot: the mode switch and the stopped pipeline in view (asr/llm/tts folded), the inspector, the log.
    for (const section of ['asr', 'llm', 'tts']) await field(`/data/${section}`).locator('.head .twisty').first().click();
    await page().locator('[data-test=tab-inspector]').click();
    await page().locator('[data-test=inspect]').click();
    await page().locator('.side-body').getByText('CheckSum input').waitFor();
    await field('/data').scrollIntoViewIfNeeded();
    await field('/data/pipeline/interruptMode').scrollIntoViewIfNeeded();
    await h.screenshot('netease');
  });
});
