import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParley } from '../support/parley-cli.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { RunReport } from '../../../src-main/core/workflows/report.ts';
import { findChromium } from '../../../src-main/cli/agent-browser.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';

/**
 * `parley run` on a folder with a Tencent and a NetEase voice case: full voice turns headless, through the turn
 * agent's page in the system's Chromium (built renderer), against the sandbox rooms. Run twice (--repeat 2).
 */
const example = (vendor: string, op: string) => structuredClone(vendorById(vendor).operations.find((o) => o.id === op)!.example);

describe('parley run: Tencent and NetEase voice turns in headless Chromium', () => {
  it('both cases pass with the client figures, the recognised text and the bot text; twice', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-room-run-'));
    const cases = join(cwd, 'cases');
    mkdirSync(join(cases, 'audio'), { recursive: true });
    copyFileSync(resourcePath('utterances', 'hello-weather-en.wav'), join(cases, 'audio', 'hello.wav'));
    const expectations = {
      eventKinds: ['agent.user-text', 'agent.bot-text', 'room.joined'],
      latencyBudgetsMs: { turn_latency_ms: 20_000, first_audio_ms: 20_000 },
    };
    for (const [vendor, operation] of [
      ['tencent', 'StartAIConversation'],
      ['netease', 'create'],
    ] as const)
      writeFileSync(
        join(cases, `${vendor}.parley-case.json`),
        JSON.stringify({
          version: 1,
          name: `${vendor} weather`,
          vendor,
          operation,
          payload: example(vendor, operation),
          input: { wav: 'audio/hello.wav' },
          expectations,
        }),
      );
    const r = await runParley(cwd, ['run', 'cases', '--repeat', '2', '--out', 'out']);
    expect(r.stdout + r.stderr).toMatch(/^4 passed, 0 failed, 0 errors · 4 runs/m);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport;
    for (const result of report.results) {
      expect(result.figures!.turn_latency_ms, result.name).toBeGreaterThan(1000);
      expect(result.figures!.transcript).toBe(shippedVoice().utterances.find((u) => u.id === 'hello-weather-en')!.text);
    }
    expect(readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8')).toContain('tests="4"');
  }, 150_000);

  it('no browser: a clear error naming PARLEY_CHROMIUM', () => {
    expect(() => findChromium({ PARLEY_CHROMIUM: '/nowhere/chromium' })).toThrow(/PARLEY_CHROMIUM: \/nowhere\/chromium does not exist/);
    expect(() => findChromium({}, 'plan9')).toThrow(/no Chromium or Chrome was found.*PARLEY_CHROMIUM/);
  });
});
