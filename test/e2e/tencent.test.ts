import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, SCREENSHOTS, type Harness } from './harness.ts';
import { genUserSig } from '../../src-main/core/vendors/tencent/usersig.ts';
import { SANDBOX_CREDENTIALS } from '../../src-main/core/vendors/tencent/sandbox.ts';
import { join } from 'node:path';

let h: Harness;
const field = (path: string) => h.page.locator(`.field[data-path="${path}"] input`).first();
const log = () => h.page.locator('[data-test="scroller"]');

async function send(): Promise<void> {
  await h.page.locator('[data-test="send"]').click();
}

async function chooseOperation(id: string): Promise<void> {
  await h.page.locator('[data-test="operation"]').selectOption(id);
}

describe('Tencent panel end to end (sandbox)', () => {
  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1500, height: 950 } });
    await h.page.locator('[data-test="profile-item"]', { hasText: 'Tencent' }).first().click();
    await h.page.locator('[data-test="operation"]').waitFor();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('Start → inspector → TaskId → Describe InProgress → Stop → Describe Stopped → wrong key SignatureFailure', async () => {
    const page = h.page;
    await chooseOperation('StartAIConversation');
    // The doc example's bot user and app, with a UserSig the sandbox verifies (the Extras button does the same in the app).
    await field('/AgentConfig/UserSig').fill(genUserSig({ sdkAppId: 12345678, userId: 'user_12345', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY }));
    await field('/SessionId').fill(`e2e-${Date.now()}`);

    await page.locator('[data-test="tab-inspector"]').click();
    await page.locator('[data-test="inspect"]').click();
    const inspector = page.locator('.side-body');
    await expect.poll(() => inspector.innerText(), { timeout: 15_000 }).toContain('x-tc-action:startaiconversation');
    const inspectorText = await inspector.innerText();
    expect(inspectorText).toContain('TC3-HMAC-SHA256');
    expect(inspectorText).not.toContain(SANDBOX_CREDENTIALS.SECRET_KEY);
    expect(inspectorText).not.toContain(SANDBOX_CREDENTIALS.LLM_API_KEY);

    await send();
    await expect.poll(() => log().innerText(), { timeout: 15_000 }).toMatch(/StartAIConversation · TaskId [A-Za-z0-9_-]+/);
    const taskId = /TaskId ([A-Za-z0-9_-]+)/.exec(await log().innerText())![1]!;
    await page.locator('[data-test="tab-inspector"]').click();
    await page.locator('[data-test="inspect"]').click();
    await page.waitForTimeout(1200); // the sandbox task is Preparing for its first second

    await chooseOperation('DescribeAIConversation');
    await field('/TaskId').fill(taskId);
    await send();
    await expect.poll(() => log().innerText(), { timeout: 15_000 }).toContain('Status InProgress');

    await chooseOperation('StopAIConversation');
    await field('/TaskId').fill(taskId);
    await send();
    await expect.poll(() => log().innerText(), { timeout: 15_000 }).toMatch(/StopAIConversation · request /);

    await chooseOperation('DescribeAIConversation');
    await field('/TaskId').fill(taskId);
    await send();
    await expect.poll(() => log().innerText(), { timeout: 15_000 }).toContain('Status Stopped');

    // A wrong SecretKey in the profile: the vendor's own code, message and RequestId reach the user.
    const profile = (await h.core.handlers['profiles.list']({})).find((p) => p.vendor === 'tencent')!;
    await h.core.handlers['secrets.set']({ profileId: profile.id, name: 'SECRET_KEY', value: 'wrong-secret-key-e2e' });
    await send();
    const error = page.locator('[data-test="vendor-error"]');
    await expect.poll(() => error.innerText(), { timeout: 15_000 }).toContain('AuthFailure.SignatureFailure');
    const errorText = await error.innerText();
    expect(errorText).toMatch(/signature is correct/);
    expect(errorText).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // The screenshot shows the form, the signature inspector for this request and the log with the error.
    await page.locator('[data-test="tab-inspector"]').click();
    await page.locator('[data-test="inspect"]').click();
    await expect.poll(() => inspector.innerText(), { timeout: 15_000 }).toContain('x-tc-action:describeaiconversation');

    const exposure = await h.rendererExposure();
    for (const secret of [
      'wrong-secret-key-e2e',
      SANDBOX_CREDENTIALS.SECRET_KEY,
      SANDBOX_CREDENTIALS.LLM_API_KEY,
      SANDBOX_CREDENTIALS.TTS_SECRET_KEY,
      SANDBOX_CREDENTIALS.SDK_SECRET_KEY,
    ])
      expect(exposure).not.toContain(secret);

    await h.screenshot('tencent');
    expect(join(SCREENSHOTS, 'tencent.png')).toMatch(/tencent\.png$/);
  });
});
