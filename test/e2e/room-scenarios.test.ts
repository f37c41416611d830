import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectors } from 'playwright-core';
import { startHarness, ROOT, type Harness } from './harness.ts';
import type { TurnRunReport } from '../../src-main/core/scenarios/runner.ts';

// The app's scenario run (scenarios.run, what the QA view's editor calls) reaches Tencent and NetEase through the
// app window's own turn agent: a scenario with an interruption through the vendor (Tencent 20001, NetEase manual
// interrupt), a pause and a text turn (spoken by the built-in TTS), run twice against both sandbox rooms.
describe("app scenario run: Tencent and NetEase through the window's turn agent (E2E)", () => {
  let h: Harness;
  const work = mkdtempSync(join(tmpdir(), 'parley-e2e-room-scen-'));
  beforeAll(async () => {
    selectors.setTestIdAttribute('data-test');
    h = await startHarness({ viewport: { width: 1440, height: 900 } });
    await h.page.getByTestId('nav-workflows').click();
    await h.page.getByTestId('wf-tab-scenarios').click();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an interrupted turn and a text turn pass on both rooms, twice', async () => {
    const { page } = h;
    const cases = join(work, 'cases');
    mkdirSync(cases);
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/scenarios/conversation-zh.parley-case.json'), 'utf8')) as {
      vendors: Record<string, unknown>;
    };
    writeFileSync(
      join(cases, 'rooms.parley-case.json'),
      JSON.stringify({
        version: 2,
        name: 'rooms',
        vendors: { tencent: example.vendors.tencent, netease: example.vendors.netease },
        steps: [
          {
            name: 'story',
            say: { utterance: 'cat-story-zh' },
            interrupt: { afterMs: 1000, by: 'message' },
            expect: { maxCer: 0.1, interruptionRecoveryMs: 1000 },
          },
          { pauseMs: 300 },
          { name: 'typed', say: { text: 'Tell me a short joke, please.' }, expect: { responseLatencyMs: 5000 } },
        ],
      }),
    );
    h.dialog.answer(cases);
    await page.getByTestId('scen-dir-choose').click();
    await expect.poll(() => page.getByTestId('scen-dir-path').textContent()).toBe(cases);
    for (const run of [1, 2]) {
      const results = await page.evaluate(async (dir) => {
        const [entry] = await window.parley.invoke('scenarios.list', { dir });
        const { report } = await window.parley.invoke('scenarios.run', { path: entry!.path, vendors: ['tencent', 'netease'] });
        return report.results;
      }, cases);
      const turns = results as TurnRunReport[];
      expect(
        turns.map((t) => [t.vendor, t.turn, t.outcome, t.error ?? t.failures.join('; ')]),
        `run ${run}`,
      ).toEqual([
        ['tencent', 1, 'pass', ''],
        ['tencent', 2, 'pass', ''],
        ['netease', 1, 'pass', ''],
        ['netease', 2, 'pass', ''],
      ]);
      for (const t of turns) {
        expect(t.measurement!.transport).toBe('agent');
        expect(t.measurement!.responseLatencyMs).toBeGreaterThan(0);
      }
      for (const t of turns.filter((x) => x.turn === 1)) expect(t.measurement!.interruptionRecoveryMs).not.toBeNull();
      for (const t of turns.filter((x) => x.turn === 2)) expect(t.measurement!.recognisedText).toBeTruthy();
    }
  }, 300_000);
});
