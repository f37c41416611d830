import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXmlStrict } from '../workflows/parse-xml.ts';
import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioSessions, type TurnRunReport } from '../../../src-main/core/scenarios/runner.ts';
import { noVoiceTurnPath } from '../../../src-main/core/workflows/voice-turns.ts';
import { checkTurn } from '../../../src-main/core/scenarios/expectations.ts';
import { toHtmlReport, toRunCsv } from '../../../src-main/core/scenarios/html-report.ts';
import type { Scenario } from '../../../src-main/core/scenarios/scenario-file.ts';
import type { ConversationOpener, TurnMeasurement, TurnRequest } from '../../../src-main/core/workflows/conversation.ts';
import { summarize, toJUnit } from '../../../src-main/core/workflows/report.ts';
import type { SessionManager } from '../../../src-main/core/session/manager.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';

const measured = (turn: number, over: Partial<TurnMeasurement> = {}): TurnMeasurement => ({
  turn,
  transport: 'socket',
  setupMs: turn === 1 ? 12 : null,
  firstServerEventMs: turn === 1 ? 30 : null,
  firstAudioMs: 2400,
  responseLatencyMs: 900,
  botAudioS: 3.2,
  interruptionRecoveryMs: null,
  recognisedText: null,
  botText: 'It is sunny today.',
  vendorFigures: {},
  why: {},
  ...over,
});

/** A vendor-neutral fake: a session record in memory, a conversation that answers from a script. */
function fakeWorld(answer: (req: TurnRequest, n: number) => Partial<TurnMeasurement> | Error) {
  const events: SessionEvent[] = [];
  const log: string[] = [];
  const manager = {
    events: (_id: string, from: number, limit: number) => ({ events: events.slice(from, from + limit), total: events.length, badLines: 0 }),
    redactor: { text: (s: string) => s, value: <T>(v: T) => v },
  } as unknown as SessionManager;
  const push = (kind: string, data?: unknown) => events.push({ seq: events.length + 1, t: events.length, at: '', kind, dir: 'in', summary: kind, data });
  const opener: ConversationOpener = async () => {
    let n = 0;
    return {
      turn: async (req) => {
        n++;
        log.push(
          `turn ${n} ${req.input.wav ? 'wav' : `text ${req.input.text}`}${req.interrupt ? ` interrupt ${req.interrupt.by} ${req.interrupt.afterMs}` : ''}`,
        );
        const a = answer(req, n);
        if (a instanceof Error) {
          push('error', { code: 'E42' });
          throw a;
        }
        push('fake.answer');
        return measured(n, a);
      },
      action: async (id) => {
        log.push(`action ${id}`);
        if (id === 'bad') throw new Error('refused');
        return null;
      },
      close: async () => void log.push('close'),
    };
  };
  const sessions: ScenarioSessions = async (req, use) => {
    log.push(`start ${req.vendor}`);
    await use(manager, 's1', { id: req.operation } as never);
    return { sessionId: 's1', profileName: `p-${req.vendor}`, outcome: { ok: true, summary: 'ok' } };
  };
  return { opener, sessions, log };
}

const scenario: Scenario = {
  version: 2,
  name: 'demo',
  vendors: { mindcraft: { operation: 'chat_bot_v3', payload: {} }, tencent: { operation: 'StartAIConversation', payload: {} } },
  steps: [
    { say: { utterance: 'hello-weather-zh' }, expect: { maxCer: 0.1, responseLatencyMs: 1000, botText: 'sunny' } },
    { action: { mindcraft: { id: 'stop_output' } } },
    { pauseMs: 5 },
    { say: { utterance: 'cat-story-zh' }, interrupt: { afterMs: 800, by: 'message' }, expect: { interruptionRecoveryMs: 500 } },
    { say: { text: 'hello' }, expect: { errorCode: 'E42' } },
    { say: { text: 'again' } },
  ],
};

describe('scenario runner (vendor-neutral, over VoiceConversation)', () => {
  it('runs the steps in order per vendor, checks each turn, and says which vendors have no voice-turn path', async () => {
    const world = fakeWorld((req, n) =>
      n === 1
        ? { recognisedText: '你好,今天天气怎么样?' }
        : n === 2
          ? { recognisedText: '请给我讲一个很长的故事', interruptionRecoveryMs: 620 }
          : n === 3
            ? new Error('vendor said no')
            : {},
    );
    const rows = await runScenario(
      undefined,
      '',
      scenario,
      { sessions: world.sessions, openers: { mindcraft: world.opener }, ttsCacheDir: mkdtempSync(join(tmpdir(), 'tts-')) },
      { target: 'sandbox' },
    );
    expect(world.log).toEqual([
      'start mindcraft',
      'turn 1 wav',
      'action stop_output',
      'turn 2 wav interrupt message 800',
      'turn 3 text hello',
      'turn 4 text again',
      'close',
    ]);
    expect(rows.map((r) => [r.vendor, r.turn, r.outcome])).toEqual([
      ['mindcraft', 1, 'pass'],
      ['mindcraft', 2, 'fail'],
      ['mindcraft', 3, 'pass'],
      ['mindcraft', 4, 'no-checks'],
      ['tencent', 1, 'error'],
      ['tencent', 2, 'error'],
      ['tencent', 3, 'error'],
      ['tencent', 4, 'error'],
    ]);
    expect(rows[0]!.figures).toMatchObject({ cer: 0, response_latency_ms: 900, setup_ms: 12 });
    expect(rows[1]!.failures).toEqual(['interruption recovery: 620 ms over the budget of 500 ms']);
    expect(rows[4]!.error).toBe(noVoiceTurnPath('tencent'));
    // Twice: a second run of the same scenario is independent of the first.
    const again = await runScenario(
      undefined,
      '',
      scenario,
      { sessions: world.sessions, openers: { mindcraft: world.opener }, ttsCacheDir: mkdtempSync(join(tmpdir(), 'tts-')) },
      { target: 'sandbox', vendors: ['mindcraft'] },
    );
    expect(again.map((r) => r.outcome)).toEqual(['pass', 'fail', 'pass', 'no-checks']);
  });

  it("a failed action is reported on the next turn; a missing utterance is the file's error, before any session starts", async () => {
    const world = fakeWorld(() => ({}));
    const s: Scenario = {
      ...scenario,
      vendors: { mindcraft: scenario.vendors.mindcraft },
      steps: [{ action: { mindcraft: { id: 'bad' } } }, { say: { text: 'hi' }, expect: { botText: 'sunny' } }],
    };
    const rows = await runScenario(
      undefined,
      '',
      s,
      { sessions: world.sessions, openers: { mindcraft: world.opener }, ttsCacheDir: '/nonexistent' },
      { target: 'sandbox' },
    );
    expect(rows[0]!.failures).toEqual(['action bad before this turn failed: refused']);
    const missing: Scenario = { ...s, steps: [{ say: { utterance: 'no-such-utterance' } }] };
    const world2 = fakeWorld(() => ({}));
    const rows2 = await runScenario(
      undefined,
      '',
      missing,
      { sessions: world2.sessions, openers: { mindcraft: world2.opener }, ttsCacheDir: '/nonexistent' },
      { target: 'sandbox' },
    );
    expect(rows2[0]!.error).toMatch(/^\/steps\/0\/say\/utterance: no utterance "no-such-utterance"/);
    expect(world2.log).toEqual([]);
  });
});

describe('turn checks', () => {
  const say = { wav: '/x.wav', reference: '帮我订一张明天去上海的火车票。', language: 'zh', label: 'book-train-zh' };
  it('CER over the limit: the message shows reference and recognised text side by side (hand-worked: 2 substitutions in 14 characters)', () => {
    // 上海 → 北京: two characters of 14 (the full stop is punctuation, not scored): 2 / 14 = 14.3 %.
    const c = checkTurn(say, measured(1, { recognisedText: '帮我订一张明天去北京的火车票' }), null, [], { maxCer: 0.1 });
    expect(c.recognition).toMatchObject({ metric: 'cer', substitutions: 2, deletions: 0, insertions: 0, referenceTokens: 14 });
    expect(c.failures).toEqual([
      [
        'recognition: CER 14.3 % over the limit of 10.0 % · CER 14.3 % (2 substitutions, 0 deletions, 0 insertions in 14 characters)',
        '  reference:  帮我订一张明天去上海的火车票。',
        '  recognised: 帮我订一张明天去北京的火车票',
        '  reference:  帮 我 订 一 张 明 天 去 上 海 的 火 车 票',
        '  recognised: 帮 我 订 一 张 明 天 去 北 京 的 火 车 票',
        // each CJK column is two wide plus a space; the marks sit under the 9th and 10th
        '  ' + ' '.repeat(12) + ' '.repeat(8 * 3) + 'S  S',
      ].join('\n'),
    ]);
    // One substitution (上海 → 北海) is 7.1 %: within the limit.
    expect(checkTurn(say, measured(1, { recognisedText: '帮我订一张明天去北海的火车票' }), null, [], { maxCer: 0.1 }).failures).toEqual([]);
  });

  it('WER for English; budgets not measured say why; bot text patterns; error codes and event kinds within the turn', () => {
    const en = { wav: '/x.wav', reference: 'Tell me a short joke, please.', language: 'en', label: 'tell-joke-en' };
    const c = checkTurn(en, measured(1, { recognisedText: 'tell me a joke please', firstAudioMs: null, why: { firstAudioMs: 'no audio came' } }), null, [], {
      maxWer: 0.1,
      firstAudioMs: 3000,
      botText: 'joke',
    });
    expect(c.recognition).toMatchObject({ metric: 'wer', deletions: 1, referenceTokens: 6 });
    expect(c.failures).toHaveLength(3);
    expect(c.failures[0]).toBe('time to first audio: not measured (no audio came); budget 3000 ms');
    expect(c.failures[1]).toMatch(/^recognition: WER 16\.7 % over the limit of 10\.0 % · WER 16\.7 % \(0 substitutions, 1 deletion, 0 insertions in 6 words\)/);
    expect(c.failures[2]).toBe('bot text: expected to match /joke/i, got "It is sunny today."');
    const ev = (kind: string, data?: unknown): SessionEvent => ({ seq: 1, t: 0, at: '', kind, dir: 'in', summary: '', data });
    expect(checkTurn(en, null, 'boom', [ev('error', { code: 'X1' })], { errorCode: 'X1' }).failures).toEqual([]);
    expect(checkTurn(en, null, 'boom', [], { errorCode: 'X1' }).failures).toEqual(['error code: expected X1, got no error']);
    expect(checkTurn(en, measured(1), null, [ev('error', { code: 'X2' })], { eventKinds: ['audio.segment'] }).failures).toEqual([
      'errors during the turn: X2',
      'event kinds missing in this turn: audio.segment',
    ]);
  });
});

describe('reports', () => {
  const rows = (): TurnRunReport[] =>
    [1, 2].map((turn) => ({
      name: `demo · mindcraft · turn ${turn}`,
      collection: '',
      file: '/x.parley-case.json',
      vendor: 'mindcraft',
      operation: 'chat_bot_v3',
      profile: 'p',
      target: 'sandbox' as const,
      repetition: 1,
      ok: turn === 1,
      outcome: turn === 1 ? ('pass' as const) : ('fail' as const),
      failures: turn === 1 ? [] : ['recognition: CER 50.0 % over the limit of 10.0 % <&>'],
      durationMs: 1000,
      scenario: 'demo',
      turn,
      say: 'x',
      botAudioFile: `/audio-${turn}.wav`,
      figures: { transport: 'socket', response_latency_ms: 900 + turn * 100, cer: turn === 1 ? 0 : 0.5, recognised_text: '=cmd' },
    }));

  it('JUnit: one test case per row, every figure a property, well-formed for a strict parser', () => {
    const report = summarize(rows(), 'sandbox', '2026-12-01T00:00:00Z', 2000);
    const doc = parseXmlStrict(toJUnit(report));
    const cases = Array.from(doc.getElementsByTagName('testcase'));
    expect(cases).toHaveLength(2);
    const props = Object.fromEntries(Array.from(cases[1]!.getElementsByTagName('property')).map((p) => [p.getAttribute('name'), p.getAttribute('value')]));
    expect(props).toMatchObject({ 'figure.response_latency_ms': '1100', 'figure.cer': '0.5', 'figure.transport': 'socket' });
    expect(cases[1]!.getElementsByTagName('failure')[0]!.getAttribute('message')).toBe('recognition: CER 50.0 % over the limit of 10.0 % <&>');
  });

  it('HTML: self-contained (no script, nothing fetched), per-vendor median/p90, an SVG chart, audio of failed turns only; CSV is formula-safe', () => {
    const report = summarize(rows(), 'sandbox', '2026-12-01T00:00:00Z', 2000);
    const read: string[] = [];
    const html = toHtmlReport(report, { lang: 'en', readAudio: (f) => (read.push(f), new Uint8Array([82, 73, 70, 70])) });
    expect(read).toEqual(['/audio-2.wav']);
    expect(html).not.toMatch(/<script|src="http|href="http/i);
    expect(html).toContain('&lt;&amp;&gt;');
    expect(html).toMatch(/<td class="num">1050 \/ 1100<\/td>/);
    expect(html).toMatch(/<svg [^>]*role="img"[\s\S]*<circle[\s\S]*<circle/);
    expect(html.match(/data:audio\/wav;base64,UklGRg==/g)).toHaveLength(1);
    expect(toHtmlReport(report, { lang: 'zh' })).toContain('按厂商');
    expect(toRunCsv(report).split('\r\n')[1]).toContain("'=cmd");
  });
});
