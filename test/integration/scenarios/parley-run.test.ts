import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXmlStrict } from '../../unit/workflows/parse-xml.ts';
import { describe, expect, it } from 'vitest';
import { ROOT, runParley } from '../support/parley-cli.ts';
import { liveKitEnv } from '../support/livekit.ts';
import type { RunReport } from '../../../src-main/core/workflows/report.ts';
import type { TurnRunReport } from '../../../src-main/core/scenarios/runner.ts';

// `parley run` on the shipped example scenarios, as a child process with its own sandbox: Mindcraft over its socket,
// Convai in a real LiveKit room (rtc-node, WebRTC). Every turn is a real voice turn measured at the client.
const env = liveKitEnv();

/** JUnit parsed strictly: a parse error or warning fails the test. */
function parseJUnit(xml: string) {
  const doc = parseXmlStrict(xml);
  expect(doc.documentElement!.nodeName).toBe('testsuites');
  return doc;
}

const props = (tc: { getElementsByTagName(name: string): ArrayLike<{ getAttribute(name: string): string | null }> }) =>
  Object.fromEntries(Array.from(tc.getElementsByTagName('property')).map((p) => [p.getAttribute('name'), p.getAttribute('value')]));

describe('parley run with scenarios', () => {
  it('the example scenarios pass against the Mindcraft and Convai sandboxes: JUnit per vendor and turn, report.json, HTML, CSV', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-scen-'));
    const r = await runParley(
      cwd,
      ['run', join(ROOT, 'examples/scenarios'), '--target', 'sandbox', '--vendors', 'mindcraft,convai', '--report', 'junit,json,html,csv', '--out', 'out'],
      env,
    );
    expect(r.stdout, r.stderr).toMatch(/^12 passed, 0 failed, 0 errors · 12 runs/m);
    expect(r.code).toBe(0);
    const doc = parseJUnit(readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8'));
    const cases = Array.from(doc.getElementsByTagName('testcase'));
    expect(cases).toHaveLength(12);
    for (const vendor of ['mindcraft', 'convai'])
      for (const scenario of ['Chinese conversation', 'English conversation'])
        for (const turn of [1, 2, 3])
          expect(
            cases.some((c) => c.getAttribute('name')!.startsWith(scenario) && c.getAttribute('name')!.includes(`· ${vendor} · turn ${turn}`)),
            `${scenario} ${vendor} ${turn}`,
          ).toBe(true);
    for (const tc of cases) {
      const p = props(tc);
      expect(Number(p['figure.response_latency_ms'])).toBeGreaterThan(0);
      expect(Number(p['figure.first_audio_ms'])).toBeGreaterThanOrEqual(Number(p['figure.response_latency_ms']));
      expect(['socket', 'livekit']).toContain(p['figure.transport']);
      // Spoken turns carry their recognition accuracy (CER in Chinese, WER in English); the typed one does not.
      const name = tc.getAttribute('name')!;
      if (name.includes('typed question')) expect(p['figure.wer']).toBeUndefined();
      else expect(p[name.startsWith('Chinese') ? 'figure.cer' : 'figure.wer']).toBe('0');
      if (name.includes('(long story, interrupted)') || name.includes('(story, talked over)'))
        expect(Number(p['figure.interruption_recovery_ms'])).toBeGreaterThanOrEqual(0);
    }
    const report = JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport;
    const turns = report.results as TurnRunReport[];
    const zh = turns.filter((t) => t.scenario.startsWith('Chinese'));
    expect(zh.map((t) => t.recognition?.recognised)).toEqual(
      Array(2).fill(['帮我订一张明天去上海的火车票。', '请给我讲一个很长的故事,关于一只小猫在月光下寻找回家的路。', '好的,谢谢你,再见。']).flat(),
    );
    // The interrupted answer was cut short: less bot audio than the full answer to the first turn of the same vendor.
    for (const v of ['mindcraft', 'convai']) {
      const mine = zh.filter((t) => t.vendor === v);
      expect(mine[1]!.measurement!.botAudioS!).toBeLessThan(mine[0]!.measurement!.botAudioS!);
    }
    const html = readFileSync(join(cwd, 'out', 'report.html'), 'utf8');
    expect(html).toMatch(/<svg [^>]*role="img"/);
    expect(html).not.toMatch(/<script|(src|href)="https?:/i);
    expect(html).toContain('median / p90');
    const csv = readFileSync(join(cwd, 'out', 'report.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^name,collection,vendor,operation,profile,turn,outcome,/);
    expect(csv.filter(Boolean)).toHaveLength(13);
  }, 420_000);

  it('a planted bad recognition (the sandbox bot told to mishear) fails its CER limit, showing reference and recognised text side by side', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-mishear-'));
    mkdirSync(join(cwd, 'cases'));
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/scenarios/conversation-zh.parley-case.json'), 'utf8')) as { vendors: Record<string, unknown> };
    writeFileSync(
      join(cwd, 'cases', 'misheard.parley-case.json'),
      JSON.stringify({ version: 2, name: 'misheard', vendors: example.vendors, steps: [{ say: { utterance: 'book-train-zh' }, expect: { maxCer: 0.1 } }] }),
    );
    // Mindcraft here; Convai's mishear over WebRTC is in the editor's E2E test (test/e2e/scenarios.test.ts), a room
    // vendor's through the turn agent in room-scenarios.test.ts.
    const r = await runParley(
      cwd,
      ['run', 'cases', '--vendors', 'mindcraft', '--sandbox-fault', '{"kind":"mishear"}', '--report', 'junit,json,html', '--report-lang', 'zh', '--out', 'out'],
      env,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^0 passed, 1 failed, 0 errors · 1 runs/m);
    for (const v of ['mindcraft']) {
      const block = r.stderr.split(/\n(?=PASS|FAIL|ERROR)/).find((b) => b.includes(`· ${v} · turn 1`))!;
      expect(block).toMatch(/^FAIL/);
      expect(block).toMatch(/recognition: CER \d+\.\d % over the limit of 10\.0 %/);
      expect(block).toContain('reference:  帮我订一张明天去上海的火车票。');
      expect(block).toMatch(/recognised: 帮\S+。/);
      expect(block).toMatch(/reference: +帮 我 订/);
    }
    const doc = parseJUnit(readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8'));
    const failures = Array.from(doc.getElementsByTagName('failure'));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.textContent).toContain('reference:  帮我订一张明天去上海的火车票。');
    const html = readFileSync(join(cwd, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    // The failed turns' audio is in the report, to listen to.
    expect(html.match(/<audio controls preload="none" src="data:audio\/mpeg;base64,/g)).toHaveLength(1); // Mindcraft: its mp3
  }, 240_000);
});
