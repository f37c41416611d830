import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParley } from '../support/parley-cli.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { genUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';
import { SANDBOX_CREDENTIALS } from '../../../src-main/core/vendors/tencent/sandbox.ts';
import { parseXmlStrict } from '../../unit/workflows/parse-xml.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { RunReport } from '../../../src-main/core/workflows/report.ts';

const MINDCRAFT_EXAMPLE = vendorById('mindcraft').operations.find((o) => o.id === 'chat_bot_v3')!.example;

function writeCase(dir: string, file: string, c: object) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify({ version: 1, ...c }, null, 2));
}

describe('parley run (child process, real sandboxes)', () => {
  it('runs a folder of cases, writes valid JUnit and report.json, exits 1 when one fails', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-run-'));
    const cases = join(cwd, 'cases');
    mkdirSync(join(cases, 'audio'), { recursive: true });
    copyFileSync(resourcePath('utterances', 'hello-weather-en.wav'), join(cases, 'audio', 'hello.wav'));
    const sdkAppId = Number(SANDBOX_CREDENTIALS.SDK_APP_ID);
    const userSig = genUserSig({ sdkAppId, userId: 'bot_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY });
    const start = {
      SdkAppId: sdkAppId,
      RoomId: '9001',
      AgentConfig: { UserId: 'bot_1', UserSig: userSig, TargetUserId: 'u1' },
      LLMConfig: { LLMType: 'openai', Model: 'm', APIKey: '{{secret:LLM_API_KEY}}', APIUrl: 'https://x' },
    };
    writeCase(join(cases, 'mindcraft'), 'weather.parley-case.json', {
      name: 'weather question',
      vendor: 'mindcraft',
      operation: 'chat_bot_v3',
      profile: 'a profile this machine does not have',
      payload: MINDCRAFT_EXAMPLE,
      input: { wav: '../audio/hello.wav' },
      expectations: { eventKinds: ['audio.segment', 'mindcraft.agent_stop'], latencyBudgetsMs: { first_audio_ms: 20000 } },
    });
    writeCase(join(cases, 'tencent'), 'start.parley-case.json', {
      name: 'start',
      vendor: 'tencent',
      operation: 'StartAIConversation',
      payload: start,
      expectations: { status: 200 },
    });
    writeCase(join(cases, 'tencent'), 'bad-sig.parley-case.json', {
      name: 'bad UserSig is rejected',
      vendor: 'tencent',
      operation: 'StartAIConversation',
      payload: { ...start, AgentConfig: { ...start.AgentConfig, UserSig: 'nope' } },
      expectations: { errorCode: 'InvalidParameter.UserSig' },
    });
    writeCase(join(cases, 'tencent'), 'wrong-status.parley-case.json', {
      name: 'expects 201',
      vendor: 'tencent',
      operation: 'StartAIConversation',
      payload: start,
      expectations: { status: 201 },
    });

    const r = await runParley(cwd, ['run', 'cases', '--repeat', '2', '--out', 'out']);
    expect(r.stdout).toMatch(/^6 passed, 2 failed, 0 errors · 8 runs/m);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL {2}tencent\/expects 201 #1/);

    const doc = parseXmlStrict(readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8'));
    const root = doc.documentElement!;
    expect([root.tagName, root.getAttribute('tests'), root.getAttribute('failures'), root.getAttribute('errors')]).toEqual(['testsuites', '8', '2', '0']);
    const suites = Array.from(root.getElementsByTagName('testsuite')).map((s) => [s.getAttribute('name'), s.getAttribute('tests'), s.getAttribute('failures')]);
    expect(suites).toEqual([
      ['mindcraft', '2', '0'],
      ['tencent', '6', '2'],
    ]);
    const failures = Array.from(root.getElementsByTagName('failure')).map((f) => f.getAttribute('message'));
    expect(failures).toEqual(['status: expected 201, got 200', 'status: expected 201, got 200']);

    const report = JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport;
    const weather = report.results.find((x) => x.name === 'weather question #1')!;
    expect(weather.ok).toBe(true);
    expect(weather.figures!.first_audio_ms).toBeGreaterThan(0);
    expect(weather.figures!.transcript).toBeTruthy();
    // The record of each run is on disk and holds no credential.
    const ndjson = readFileSync(weather.sessionFile!, 'utf8');
    expect(ndjson).toContain('mindcraft.agent_stop');
    for (const v of Object.values(SANDBOX_CREDENTIALS))
      if (String(v).length > 8) expect(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')).not.toContain(String(v));
  }, 120_000);

  it('exits 0 when everything passes, 2 on usage errors, and takes credentials from PARLEY_<VENDOR>_<FIELD>', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-run-'));
    writeCase(cwd, 'text.parley-case.json', {
      name: 'text turn',
      vendor: 'mindcraft',
      operation: 'chat_bot_v3',
      payload: MINDCRAFT_EXAMPLE,
      input: { text: 'hello' },
      expectations: { eventKinds: ['audio.segment'] },
    });
    const ok = await runParley(cwd, ['run', 'text.parley-case.json', '--report', 'junit', '--out', 'o']);
    expect(ok.stdout).toMatch(/^1 passed, 0 failed/m);
    expect(ok.code).toBe(0);
    const badKey = await runParley(cwd, ['run', 'text.parley-case.json', '--out', 'o2'], { PARLEY_MINDCRAFT_API_KEY: 'definitely-wrong-key' });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/FAIL/);
    expect((await runParley(cwd, ['run', 'text.parley-case.json', '--repeat', '0'])).code).toBe(2);
    expect((await runParley(cwd, ['run', 'text.parley-case.json', '--report', 'pdf'])).stderr).toMatch(
      /--report: expected a list of junit, json, html, csv, got "pdf"/,
    );
    expect((await runParley(cwd, ['run'])).code).toBe(2);
  }, 120_000);
});
