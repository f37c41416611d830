/** The runner's reports: JUnit XML (for CI dashboards) and a JSON report (the HTML report is scenarios/html-report.ts). */

/** pass / fail (an expectation did not hold) / error (could not run) / no-checks (ran, but states nothing to check). */
export type CaseOutcome = 'pass' | 'fail' | 'error' | 'no-checks';

export interface CaseRunReport {
  /** Case name, with ` #k` appended for repetitions when N > 1. */
  name: string;
  /** Collection (folder) the case is in; becomes the JUnit classname and testsuite. */
  collection: string;
  file: string;
  vendor: string;
  operation: string;
  profile: string;
  target: 'sandbox' | 'live';
  repetition: number;
  /** outcome === 'pass'. */
  ok: boolean;
  outcome: CaseOutcome;
  /** Why the outcome is what it is when no failure says it (no-checks). */
  note?: string;
  failures: string[];
  durationMs: number;
  sessionId?: string;
  sessionFile?: string;
  figures?: Record<string, number | string | undefined>;
  /** Set when the case could not run at all (unreadable file, unknown operation, missing credential). */
  error?: string;
}

export interface RunReport {
  ok: boolean;
  startedAt: string;
  durationMs: number;
  target: 'sandbox' | 'live';
  totals: { cases: number; passed: number; failed: number; errors: number; noChecks: number };
  results: CaseRunReport[];
}

/** The outcome of a case run from its error / check result. */
export function caseOutcome(r: { error?: string; ok: boolean; checksNothing?: boolean }): CaseOutcome {
  return r.error ? 'error' : r.checksNothing ? 'no-checks' : r.ok ? 'pass' : 'fail';
}

/** The run is ok when nothing failed or errored; cases that check nothing are counted apart (and do not fail it). */
export function summarize(results: CaseRunReport[], target: 'sandbox' | 'live', startedAt: string, durationMs: number): RunReport {
  const count = (o: CaseOutcome) => results.filter((r) => r.outcome === o).length;
  const totals = { cases: results.length, passed: count('pass'), failed: count('fail'), errors: count('error'), noChecks: count('no-checks') };
  return { ok: totals.failed + totals.errors === 0, startedAt, durationMs, target, totals, results };
}

export function escapeXml(s: string): string {
  // Control characters other than tab/newline/CR are not allowed in XML 1.0 at all.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** JUnit XML as Jenkins/GitLab/GitHub read it: testsuites > testsuite per collection > testcase with failure/error. */
export function toJUnit(report: RunReport): string {
  const suites = new Map<string, CaseRunReport[]>();
  for (const r of report.results) {
    const key = r.collection || 'cases';
    suites.set(key, [...(suites.get(key) ?? []), r]);
  }
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="parley run" tests="${report.totals.cases}" failures="${report.totals.failed}" errors="${report.totals.errors}" time="${secs(report.durationMs)}">`,
  );
  for (const [name, cases] of suites) {
    const failures = cases.filter((c) => c.outcome === 'fail').length;
    const errors = cases.filter((c) => c.outcome === 'error').length;
    const skipped = cases.filter((c) => c.outcome === 'no-checks').length;
    const time = cases.reduce((a, c) => a + c.durationMs, 0);
    lines.push(
      `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(time)}" timestamp="${escapeXml(report.startedAt)}">`,
    );
    for (const c of cases) {
      const attrs = `name="${escapeXml(c.name)}" classname="${escapeXml(`${name}.${c.vendor}.${c.operation}`)}" time="${secs(c.durationMs)}" file="${escapeXml(c.file)}"`;
      // Every figure is a property too (CI dashboards chart them): figure.first_audio_ms, figure.cer, ...
      const figures = Object.entries(c.figures ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `<property name="figure.${escapeXml(k)}" value="${escapeXml(String(v))}"/>`)
        .join('');
      const props = `      <properties><property name="profile" value="${escapeXml(c.profile)}"/><property name="target" value="${c.target}"/>${c.sessionId ? `<property name="session" value="${escapeXml(c.sessionId)}"/>` : ''}${figures}</properties>`;
      if (c.error)
        lines.push(
          `    <testcase ${attrs}>`,
          props,
          `      <error message="${escapeXml(c.error)}" type="error">${escapeXml(c.error)}</error>`,
          '    </testcase>',
        );
      else if (c.outcome === 'no-checks')
        lines.push(`    <testcase ${attrs}>`, props, `      <skipped message="${escapeXml(c.note ?? 'checks nothing')}"/>`, '    </testcase>');
      else if (!c.ok)
        lines.push(
          `    <testcase ${attrs}>`,
          props,
          `      <failure message="${escapeXml(c.failures[0] ?? 'failed')}" type="expectation">${escapeXml(c.failures.join('\n'))}</failure>`,
          '    </testcase>',
        );
      else lines.push(`    <testcase ${attrs}>`, props, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
