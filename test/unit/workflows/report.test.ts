import { describe, expect, it } from 'vitest';
import { summarize, toJUnit, type CaseRunReport } from '../../../src-main/core/workflows/report.ts';
import { checkExpectations } from '../../../src-main/core/workflows/expectations.ts';
import type { RunResult } from '../../../src-main/core/workflows/session-runner.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { parseXmlStrict } from './parse-xml.ts';

const result = (over: Partial<CaseRunReport>): CaseRunReport => ({
  name: 'case',
  collection: '',
  file: '/c/a.parley-case.json',
  vendor: 'tencent',
  operation: 'Start',
  profile: 'p',
  target: 'sandbox',
  repetition: 1,
  ok: true,
  outcome: over.error ? 'error' : over.ok === false ? 'fail' : 'pass',
  failures: [],
  durationMs: 120,
  ...over,
});

let seq = 0;
const ev = (t: number, kind: string, dir: SessionEvent['dir'], data?: unknown): SessionEvent => ({ seq: ++seq, t, at: '', kind, dir, summary: kind, data });
const run = (events: SessionEvent[], over: Partial<RunResult> = {}): RunResult => ({
  sessionId: 's',
  profileName: 'p',
  target: 'sandbox',
  outcome: { ok: true, summary: 'ok' },
  outcomeWithSecrets: { ok: true, summary: 'ok' },
  events,
  durationMs: 10,
  ...over,
});

describe('JUnit report', () => {
  it('is valid XML with testsuites > testsuite per collection > testcase, failures and errors counted', () => {
    const report = summarize(
      [
        result({ name: 'passes <&> "quoted"' }),
        result({ name: 'fails', collection: 'smoke', ok: false, failures: ['status: expected 200, got 401', 'event kinds missing: x'] }),
        result({ name: 'broken', collection: 'smoke', ok: false, error: 'input.wav: /x.wav does not exist \u0001' }),
      ],
      'sandbox',
      '2026-01-01T00:00:00.000Z',
      400,
    );
    expect(report.totals).toEqual({ cases: 3, passed: 1, failed: 1, errors: 1, noChecks: 0 });
    const doc = parseXmlStrict(toJUnit(report));
    const root = doc.documentElement!;
    expect(root.tagName).toBe('testsuites');
    expect(root.getAttribute('tests')).toBe('3');
    expect(root.getAttribute('failures')).toBe('1');
    expect(root.getAttribute('errors')).toBe('1');
    const suites = Array.from(root.getElementsByTagName('testsuite'));
    expect(suites.map((s) => [s.getAttribute('name'), s.getAttribute('tests'), s.getAttribute('failures'), s.getAttribute('errors')])).toEqual([
      ['cases', '1', '0', '0'],
      ['smoke', '2', '1', '1'],
    ]);
    const cases = Array.from(root.getElementsByTagName('testcase'));
    expect(cases[0]!.getAttribute('name')).toBe('passes <&> "quoted"');
    expect(cases[0]!.getAttribute('time')).toBe('0.120');
    const failure = cases[1]!.getElementsByTagName('failure')[0]!;
    expect(failure.getAttribute('message')).toBe('status: expected 200, got 401');
    expect(failure.textContent).toContain('event kinds missing: x');
    expect(cases[2]!.getElementsByTagName('error')[0]!.getAttribute('message')).toContain('does not exist');
  });
});

describe('expectations', () => {
  const ok = [ev(0, 'session.start', 'local'), ev(1, 'http.request', 'out'), ev(80, 'http.response', 'in', { status: 200 }), ev(81, 'session.end', 'local')];

  it('passes an ok run with met expectations', () => {
    expect(checkExpectations(run(ok), { status: 200, eventKinds: ['http.response'], latencyBudgetsMs: { setup_ms: 100 } })).toEqual({
      ok: true,
      failures: [],
      checksNothing: false,
    });
  });

  it('names each unmet expectation', () => {
    const c = checkExpectations(run(ok), {
      status: 201,
      eventKinds: ['room.joined', 'http.response'],
      latencyBudgetsMs: { setup_ms: 50, first_audio_ms: 1000 },
    });
    expect(c.ok).toBe(false);
    expect(c.failures).toEqual([
      'status: expected 201, got 200',
      'event kinds missing: room.joined',
      'setup_ms: 80 ms over the budget of 50 ms',
      'first_audio_ms: no such figure in this run (budget 1000 ms)',
    ]);
  });

  it('a negative test passes only with the expected vendor error code', () => {
    const failed = run(
      [...ok.slice(0, 2), ev(5, 'http.response', 'in', { status: 400 }), ev(6, 'error', 'in', { code: 'AuthFailure.SignatureFailure', message: 'x' })],
      {
        outcome: { ok: false, summary: 'AuthFailure.SignatureFailure', error: { code: 'AuthFailure.SignatureFailure', message: 'x', requestId: 'r-1' } },
      },
    );
    expect(checkExpectations(failed, { errorCode: 'AuthFailure.SignatureFailure', status: 400 }).ok).toBe(true);
    expect(checkExpectations(failed, { errorCode: 'InvalidParameter' }).failures).toEqual([
      'error code: expected InvalidParameter, got AuthFailure.SignatureFailure',
    ]);
    expect(checkExpectations(failed).failures).toEqual(['outcome: AuthFailure.SignatureFailure (request r-1)']);
  });

  it('an ok run of a case without expectations checks nothing: not a pass, not a failure', () => {
    for (const exp of [undefined, {}, { eventKinds: [] }, { latencyBudgetsMs: {} }])
      expect(checkExpectations(run(ok), exp)).toEqual({ ok: false, failures: [], checksNothing: true });
    // A run that failed still fails without expectations.
    expect(checkExpectations(run(ok, { outcome: { ok: false, summary: 'x' }, outcomeWithSecrets: { ok: false, summary: 'x' } })).checksNothing).toBe(false);
    const report = summarize(
      [result({ name: 'empty', ok: false, outcome: 'no-checks', note: 'checks nothing' }), result({ name: 'real' })],
      'sandbox',
      '2026-01-01T00:00:00.000Z',
      10,
    );
    expect(report.ok).toBe(true);
    expect(report.totals).toEqual({ cases: 2, passed: 1, failed: 0, errors: 0, noChecks: 1 });
    const suite = parseXmlStrict(toJUnit(report)).getElementsByTagName('testsuite')[0]!;
    expect(suite.getAttribute('skipped')).toBe('1');
    expect(suite.getElementsByTagName('testcase')[0]!.getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe('checks nothing');
  });

  it('a turn that could not be driven fails the case', () => {
    expect(checkExpectations(run(ok, { driveError: 'no end of turn within 100 ms' })).failures).toEqual(['turn: no end of turn within 100 ms']);
  });
});
