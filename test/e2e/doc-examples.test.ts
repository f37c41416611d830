import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { SANDBOX_CHARACTER_ID } from '../../src-main/core/vendors/convai/common/schema.ts';

/**
 * Each vendor's own documented request example, pasted into the panel's JSON editor as the document shows it, sent
 * to the sandbox: the form finds nothing to object to (no error, no warning), and the result card shows the answer
 * the document describes. Mindcraft's example stream is played in test/integration/mindcraft/doc-stream.test.ts and
 * test/renderer/mindcraft/doc-stream.test.ts. Also the screenshots of the form's errors and warnings.
 */

// The Connect page's cURL example, with the sandbox's character for "<你的角色 id>".
const CONVAI_DOC = {
  character_id: SANDBOX_CHARACTER_ID,
  connection_type: 'audio',
  character_session_id: 'string',
  dynamic_info: { text: 'string' },
  scene_description: [{ name: 'string', description: 'string' }],
};
// The 开启实时对话 page's three request examples (the third with the comma the page misses after enableWebSearch).
const NETEASE_PARAMS = {
  cname: 'meeting_name111',
  requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475',
  taskType: 7,
  data: {
    asr: { asrVendor: 6, srcLan: 'AUTO', maxSentenceSilence: 500, enableSemanticVad: false, vocabularyId: 'yourVocabularyId' },
    llm: { llmVendor: 1, role: 1, temperature: 0.8, contextSize: 10, enableVision: true, enableWebSearch: true },
    tts: {
      ttsVendor: 6,
      voice: 'zh_female_qingxinnvsheng_mars_bigtts',
      language: 'Chinese',
      gender: 'Female',
      speed: 1.2,
      volume: 1.0,
      ignoreBracketTextSet: [1, 2],
    },
    pipeline: { interruptMode: 4, interruptWords: ['停止', '打断'], enableWelcomeMessage: true, welcomeMessage: '您好,我是 AI 助手,很高兴为您服务' },
  },
};
const NETEASE_AGENT = {
  cname: 'meeting_name111',
  requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475',
  taskType: 7,
  data: { agent: { agentId: 'a261501186xxxxxxcba', userId: '9527' } },
};
const NETEASE_AGENT_PARAMS = {
  ...NETEASE_PARAMS,
  data: {
    ...NETEASE_PARAMS.data,
    llm: { ...NETEASE_PARAMS.data.llm, enableAgent: true, agentParam: { agentVendor: 1, agentId: 'a261501186xxxxxxcba', userId: '9527' } },
  },
};
// The StartAIConversation page's example, LLMConfig and TTSConfig as the JSON strings it shows; the UserSig is the
// form's {{usersig}} (minted at send time) in place of the page's "user_signature_example".
const TENCENT_DOC = {
  SdkAppId: 12345678,
  RoomId: 'room_987654321',
  RoomIdType: 1,
  AgentConfig: { UserId: 'user_12345', UserSig: '{{usersig}}', MaxIdleTime: 120, TargetUserId: 'target_user_54321' },
  SessionId: 'session_1234567890abcdef',
  STTConfig: { Language: 'en-US', AlternativeLanguage: ['en-US', 'zh'] },
  LLMConfig: '{"LLMType": "openai", "Model": "gpt-3.5-turbo", "APIKey": "xxx", "APIUrl": "http://xxxx-api.woa.com/v1/chat/completions", "Streaming": true}',
  TTSConfig: '{"TTSType": "tencent", "AppId": 130000000, "SecretId": "AKIDxxxxx", "SecretKey": "HlDxxxxxx", "VoiceType": 1008, "Speed": 1}',
};

const FAKE_NERTC = `window.__PARLEY_TEST_NERTC__ = {
  createClient() { return { on() {}, async join() {}, async leave() {}, async publish() {}, async subscribe() {}, async startAsrCaptions() {}, async stopAsrCaptions() {}, aiManualInterrupt() {}, destroy() {} }; },
  createStream() { return { setAudioProfile() {}, async init() {}, destroy() {} }; },
};`;

describe('documented examples through the panel (E2E)', () => {
  let h: Harness;
  const page = () => h.page;

  async function selectVendor(vendor: string): Promise<void> {
    await page().locator(`[data-vendor="${vendor}"] [data-test="profile-item"]`).first().click();
    await page().locator('[data-test=operation]').waitFor();
  }
  async function paste(json: unknown): Promise<void> {
    const editor = page().locator('.json-pane .cm-content');
    await editor.click();
    await page().keyboard.press('Control+A');
    await page().keyboard.insertText(JSON.stringify(json, null, 2));
  }
  async function sendAndReadResult(): Promise<string> {
    const sid = page().locator('.lower-head .sid');
    const before = (await sid.count()) ? await sid.innerText() : '';
    await page().locator('[data-test=send]').click();
    await expect.poll(async () => ((await sid.count()) ? sid.innerText() : '')).not.toBe(before);
    await page().locator('.side .tab').first().click();
    const body = page().locator('.result-view pre.body');
    await body.waitFor({ timeout: 15_000 });
    await expect.poll(() => page().locator('.result-view .pill').innerText()).toBe('HTTP 200');
    return body.innerText();
  }
  async function stopIfRunning(): Promise<void> {
    const stop = page().locator('[data-test=stop]');
    if (await stop.isVisible()) {
      await stop.click();
      await stop.waitFor({ state: 'hidden' });
    }
  }
  /** The form's verdict: nothing to object to. */
  async function expectClean(): Promise<void> {
    await page().locator('.payload-builder .ok-count').waitFor();
    expect(await page().locator('[data-test=error-count], [data-test=warning-count]').count()).toBe(0);
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.context.addInitScript({ content: FAKE_NERTC });
    await h.page.reload();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('Convai: the cURL example connects; the card shows the session and room fields, twice', async () => {
    await selectVendor('convai');
    for (const round of [1, 2]) {
      await paste(CONVAI_DOC);
      await expectClean();
      const body = await sendAndReadResult();
      for (const k of ['session_id', 'room_url', 'room_name', 'token', 'end_user_id']) expect(body, `round ${round}`).toContain(`"${k}"`);
      expect(body).toContain('"character_session_id": "string"');
      await stopIfRunning();
    }
  });

  it('NetEase: each of the three documented modes creates a task; the card shows code, requestId, cid and taskId', async () => {
    await selectVendor('netease');
    for (const example of [NETEASE_PARAMS, NETEASE_AGENT, NETEASE_AGENT_PARAMS]) {
      await paste(example);
      await expectClean();
      const body = await sendAndReadResult();
      expect(body).toContain('"code": 200');
      expect(body).toContain('"requestId": "f8f274c1-0e9f-4583-a243-c61c06a19475"');
      expect(body).toMatch(/"cid": \d{16}/);
      expect(body).toMatch(/"taskId": "[0-9a-f]{32}"/);
      await stopIfRunning();
    }
  });

  it('Tencent: the StartAIConversation example (JSON-string configs as the page shows them) starts a task', async () => {
    await selectVendor('tencent');
    await paste(TENCENT_DOC);
    await expectClean();
    // The pasted JSON strings are edited as their objects in the form.
    expect(await page().locator('.field[data-path="/TTSConfig"] [data-test=branch] option:checked').innerText()).toBe('Tencent Cloud TTS');
    const body = await sendAndReadResult();
    expect(body).toMatch(/"TaskId": "[\w-]+"/);
    expect(body).toMatch(/"RequestId": "[0-9a-f-]{36}"/);
    await stopIfRunning();

    // A documented range sent anyway: Tencent's answer (InvalidParameterValue naming the parameter) lands on the
    // field, beside the form's own finding, which stays.
    await paste({ ...TENCENT_DOC, AgentConfig: { ...TENCENT_DOC.AgentConfig, InterruptSpeechDuration: 100 } });
    await page().locator('[data-test=send-anyway]').click();
    const duration = page().locator('.field[data-path="/AgentConfig/InterruptSpeechDuration"] > .findings');
    await expect.poll(() => duration.innerText(), { timeout: 15_000 }).toContain('InvalidParameterValue');
    expect(await duration.innerText()).toContain('/AgentConfig/InterruptSpeechDuration: expected a number >= 300');
    expect(await page().locator('[data-test=vendor-error]').innerText()).toContain('InvalidParameterValue');
  });

  it('screenshots: a documented error and inferred warnings, English and Chinese, 1440x900 and 1024x640', async () => {
    await selectVendor('mindcraft');
    await paste({ agent_name: 'chat_bot_v3', mode: 'pro', voice_id: 'cute_boy', max_tokens: 5, asr_text: '', temperature: 0.5 });
    await page().locator('[data-test=error-count]').waitFor();
    await page().locator('[data-test=warning-count]').waitFor();
    await page().locator('.field[data-path="/max_tokens"] [data-test=finding-error]').waitFor();
    await page().locator('[data-test=stray-findings] [data-test=finding-warning]').waitFor();
    for (const [w, hgt] of [
      [1440, 900],
      [1024, 640],
    ] as const) {
      await page().setViewportSize({ width: w, height: hgt });
      await h.screenshot(`fidelity-form-en-${w}x${hgt}`);
    }
    await page().locator('.field[data-path="/max_tokens"]').scrollIntoViewIfNeeded();
    await h.screenshot('fidelity-fields-en-1024x640');
    await page().locator('[data-test=locale]').selectOption('zh-CN');
    await expect.poll(() => page().locator('[data-test=warning-count]').innerText()).toMatch(/个警告/);
    for (const [w, hgt] of [
      [1440, 900],
      [1024, 640],
    ] as const) {
      await page().setViewportSize({ width: w, height: hgt });
      await h.screenshot(`fidelity-form-zh-${w}x${hgt}`);
    }
    await page().locator('[data-test=locale]').selectOption('en');
  });
});
