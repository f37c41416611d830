import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXmlStrict } from '../../unit/workflows/parse-xml.ts';
import { ROOT, runParley } from '../support/parley-cli.ts';
import { liveKitEnv } from '../support/livekit.ts';
import type { RunReport } from '../../../src-main/core/workflows/report.ts';
import type { TurnRunReport } from '../../../src-main/core/scenarios/runner.ts';

// `parley run` on scenarios as a child process with its own sandbox, every vendor through its one voice-turn path
// (the descriptors' voiceTurns): Mindcraft over its socket, Convai in a LiveKit room (rtc-node), Tencent and NetEase
// through the turn agent in headless Chromium (the built renderer's agent page), launched by the first turn that needs it.
const env = { ...liveKitEnv(), PARLEY_CHROMIUM: '/usr/bin/chromium' };
const VENDORS = ['convai', 'netease', 'mindcraft', 'tencent'] as const;

type Element = { getAttribute(name: string): string | null; getElementsByTagName(name: string): ArrayLike<Element>; textContent: string | null };

/** JUnit parsed strictly (a parse error or warning fails the test): its test cases by name. */
function junitCases(xml: string): Map<string, Element> {
  const doc = parseXmlStrict(xml);
  expect(doc.documentElement!.nodeName).toBe('testsuites');
  const cases = new Map<string, Element>();
  for (const tc of Array.from(doc.getElementsByTagName('testcase') as unknown as ArrayLike<Element>)) {
    const name = tc.getAttribute('name')!;
    expect(cases.has(name), `one test case named ${name}`).toBe(false);
    cases.set(name, tc);
  }
  return cases;
}

const props = (tc: Element) =>
  Object.fromEntries(Array.from(tc.getElementsByTagName('property')).map((p) => [p.getAttribute('name'), p.getAttribute('value')]));
const example = (name: string) => JSON.parse(readFileSync(join(ROOT, 'examples/scenarios', name), 'utf8')) as { vendors: Record<string, unknown> };

describe('parley run: scenarios on all four sandboxes, room vendors through the headless turn agent', () => {
  it('the shipped examples pass on all four sandboxes: one JUnit case per vendor and turn, figures and CER/WER in its properties', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-four-'));
    const r = await runParley(cwd, ['run', join(ROOT, 'examples/scenarios'), '--target', 'sandbox', '--report', 'junit,json,html,csv', '--out', 'out'], env);
    expect(r.stdout, r.stderr).toMatch(/^24 passed, 0 failed, 0 errors · 24 runs/m);
    expect(r.code).toBe(0);
    const xml = readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8');
    expect(xml).toMatch(/<testsuites name="parley run" tests="24" failures="0" errors="0"/);
    const cases = junitCases(xml);
    expect(cases.size).toBe(24);
    const scenarios = {
      'Chinese conversation': ['train ticket', 'long story, interrupted', 'goodbye'],
      'English conversation': ['weather', 'story, talked over', 'typed question'],
    };
    for (const vendor of VENDORS)
      for (const [scenario, names] of Object.entries(scenarios))
        names.forEach((step, i) => {
          const name = [...cases.keys()].find((n) => n.startsWith(scenario) && n.endsWith(`· ${vendor} · turn ${i + 1} (${step})`));
          expect(name, `${scenario} · ${vendor} · turn ${i + 1}`).toBeDefined();
          const tc = cases.get(name!)!;
          expect(tc.getElementsByTagName('failure')).toHaveLength(0);
          expect(tc.getElementsByTagName('error')).toHaveLength(0);
          const p = props(tc);
          expect(p.target).toBe('sandbox');
          expect(p['figure.transport']).toBe({ mindcraft: 'socket', convai: 'livekit', tencent: 'agent', netease: 'agent' }[vendor]);
          expect(Number(p['figure.response_latency_ms']), name).toBeGreaterThan(0);
          expect(Number(p['figure.first_audio_ms'])).toBeGreaterThan(0);
          expect(Number(p['figure.bot_audio_s'])).toBeGreaterThan(0);
          expect(p['figure.recognised_text']).toBeTruthy();
          // Spoken turns carry their recognition accuracy (CER in Chinese, WER in English); a text turn does not, even
          // where the room vendors hear it spoken by the built-in TTS.
          if (step === 'typed question') expect(p['figure.wer']).toBeUndefined();
          else expect(p[scenario.startsWith('Chinese') ? 'figure.cer' : 'figure.wer']).toBe('0');
          if (step.includes('interrupted') || step.includes('talked over')) expect(Number(p['figure.interruption_recovery_ms'])).toBeGreaterThanOrEqual(0);
          else expect(p['figure.interruption_recovery_ms']).toBeUndefined();
        });
    const turns = (JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport).results as TurnRunReport[];
    for (const vendor of VENDORS) {
      const zh = turns.filter((t) => t.vendor === vendor && t.scenario.startsWith('Chinese'));
      expect(zh.map((t) => t.recognition?.recognised)).toEqual([
        '帮我订一张明天去上海的火车票。',
        '请给我讲一个很长的故事,关于一只小猫在月光下寻找回家的路。',
        '好的,谢谢你,再见。',
      ]);
      // The interrupted answer was cut short: less bot audio than the full answer to the first turn.
      expect(zh[1]!.measurement!.botAudioS!, vendor).toBeLessThan(zh[0]!.measurement!.botAudioS!);
    }
    for (const vendor of ['tencent', 'netease']) {
      // The typed question reached the room as speech made by the built-in TTS (the sandbox bot hears speech it may
      // not know, so what it recognised is not checked here).
      const typed = turns.find((t) => t.vendor === vendor && t.say.startsWith('text: '))!;
      expect(typed.measurement!.recognisedText).toBeTruthy();
      const record = readFileSync(typed.sessionFile!, 'utf8');
      expect(record).toContain('"kind":"turn.tts"');
    }
    const html = readFileSync(join(cwd, 'out', 'report.html'), 'utf8');
    for (const vendor of VENDORS) expect(html).toContain(vendor);
    expect(html).toMatch(/<svg [^>]*role="img"/);
    expect(html).not.toMatch(/<script|(src|href)="https?:/i);
    expect(html).toContain('median / p90');
    const csv = readFileSync(join(cwd, 'out', 'report.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^name,collection,vendor,operation,profile,turn,outcome,/);
    expect(csv.filter(Boolean)).toHaveLength(25);
  }, 600_000);

  it('a NetEase and a Tencent scenario with an interruption through the vendor (20001, manual interrupt), twice in a row', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-room-interrupt-'));
    mkdirSync(join(cwd, 'cases'));
    const { vendors } = example('conversation-zh.parley-case.json');
    writeFileSync(
      join(cwd, 'cases', 'interrupted.parley-case.json'),
      JSON.stringify({
        version: 2,
        name: 'interrupted',
        vendors: { tencent: vendors.tencent, netease: vendors.netease },
        steps: [
          {
            name: 'story',
            say: { utterance: 'cat-story-zh' },
            interrupt: { afterMs: 1000, by: 'message' },
            expect: { maxCer: 0.1, interruptionRecoveryMs: 1000 },
          },
          { pauseMs: 300 },
          { name: 'typed', say: { text: '好的,谢谢你,再见。' }, expect: { responseLatencyMs: 5000, botText: '\\p{Script=Han}' } },
        ],
      }),
    );
    const r = await runParley(cwd, ['run', 'cases', '--repeat', '2', '--report', 'json', '--out', 'out'], env);
    expect(r.stdout, r.stderr).toMatch(/^8 passed, 0 failed, 0 errors · 8 runs/m);
    const turns = (JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport).results as TurnRunReport[];
    for (const vendor of ['tencent', 'netease'])
      for (const repetition of [1, 2]) {
        const [story, typed] = turns.filter((t) => t.vendor === vendor && t.repetition === repetition);
        expect(story!.measurement!.interruptionRecoveryMs, `${vendor} #${repetition}`).not.toBeNull();
        expect(story!.measurement!.botAudioS!).toBeLessThan(3);
        const record = readFileSync(story!.sessionFile!, 'utf8');
        expect(record).toContain(vendor === 'tencent' ? '"kind":"tencent.interrupt"' : '"kind":"netease.interrupt"');
        expect(typed!.measurement!.recognisedText).toBeTruthy();
        expect(readFileSync(typed!.sessionFile!, 'utf8')).toContain('"kind":"turn.tts"');
        // Each repetition is a session of its own.
        expect(typed!.sessionId).toBe(story!.sessionId);
      }
    const sessions = new Set(turns.map((t) => t.sessionId));
    expect(sessions.size).toBe(4);
  }, 300_000);

  it('a planted bad recognition fails a room vendor’s CER limit, with reference and recognised text side by side', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-room-mishear-'));
    mkdirSync(join(cwd, 'cases'));
    const { vendors } = example('conversation-zh.parley-case.json');
    writeFileSync(
      join(cwd, 'cases', 'misheard.parley-case.json'),
      JSON.stringify({
        version: 2,
        name: 'misheard',
        vendors: { tencent: vendors.tencent },
        steps: [{ say: { utterance: 'book-train-zh' }, expect: { maxCer: 0.1 } }],
      }),
    );
    const r = await runParley(cwd, ['run', 'cases', '--sandbox-fault', '{"kind":"mishear"}', '--report', 'junit', '--out', 'out'], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^0 passed, 1 failed, 0 errors · 1 runs/m);
    const block = r.stderr.split(/\n(?=PASS|FAIL|ERROR)/).find((b) => b.includes('· tencent · turn 1'))!;
    expect(block).toMatch(/^FAIL/);
    expect(block).toMatch(/recognition: CER \d+\.\d % over the limit of 10\.0 %/);
    expect(block).toContain('reference:  帮我订一张明天去上海的火车票。');
    expect(block).toMatch(/recognised: 帮\S+。/);
    const [tc] = junitCases(readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8')).values();
    const failures = tc!.getElementsByTagName('failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.textContent).toContain('reference:  帮我订一张明天去上海的火车票。');
    expect(props(tc!)['figure.transport']).toBe('agent');
    expect(Number(props(tc!)['figure.cer'])).toBeGreaterThan(0.1);
  }, 180_000);
});
