import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParley } from '../support/parley-cli.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { RunReport } from '../../../src-main/core/workflows/report.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';

/**
 * `parley run` on a Convai voice case where no livekit-server is (PARLEY_LIVEKIT_SERVER=none): /connect hands out the
 * loopback sandbox room, and the turn goes through the turn agent's page in the system's Chromium, as Tencent's and
 * NetEase's do. Run twice (--repeat 2).
 */
describe('parley run: a Convai voice turn on the loopback sandbox room, headless', () => {
  it('passes with the client figures, the recognised text and the bot text; twice', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-convai-loopback-'));
    const cases = join(cwd, 'cases');
    mkdirSync(join(cases, 'audio'), { recursive: true });
    copyFileSync(resourcePath('utterances', 'hello-weather-en.wav'), join(cases, 'audio', 'hello.wav'));
    writeFileSync(
      join(cases, 'convai.parley-case.json'),
      JSON.stringify({
        version: 1,
        name: 'convai weather',
        vendor: 'convai',
        operation: 'connect',
        payload: structuredClone(vendorById('convai').operations[0]!.example),
        input: { wav: 'audio/hello.wav' },
        expectations: { eventKinds: ['agent.user-text', 'agent.bot-text', 'room.joined'], latencyBudgetsMs: { turn_latency_ms: 20_000 } },
      }),
    );
    const r = await runParley(cwd, ['run', 'cases', '--repeat', '2', '--out', 'out'], { PARLEY_LIVEKIT_SERVER: 'none' });
    expect(r.stdout + r.stderr).toMatch(/^2 passed, 0 failed, 0 errors · 2 runs/m);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport;
    for (const result of report.results) {
      expect(result.figures!.turn_latency_ms, result.name).toBeGreaterThan(0);
      expect(result.figures!.transcript).toBe(shippedVoice().utterances.find((u) => u.id === 'hello-weather-en')!.text);
    }
  }, 120_000);
});
