import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXmlStrict } from '../../unit/workflows/parse-xml.ts';
import { describe, expect, it } from 'vitest';
import { ROOT, runParley } from '../support/parley-cli.ts';
import { liveKitEnv } from '../support/livekit.ts';

// `parley run` with scenarios, as a child process with its own sandbox: Mindcraft over its socket, Convai in a real
// LiveKit room (rtc-node, WebRTC). Every turn is a real voice turn measured at the client.
const env = liveKitEnv();

/** JUnit parsed strictly: a parse error or warning fails the test. */
function parseJUnit(xml: string) {
  const doc = parseXmlStrict(xml);
  expect(doc.documentElement!.nodeName).toBe('testsuites');
  return doc;
}

describe('parley run with scenarios', () => {
  // The shipped examples on all four sandboxes (JUnit, report.json, HTML, CSV): room-scenarios.test.ts.

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
