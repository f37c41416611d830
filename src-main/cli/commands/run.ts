import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCases } from '../../core/workflows/runner.ts';
import { toJUnit, type CaseOutcome } from '../../core/workflows/report.ts';
import { cliEnvironment, parseTarget } from '../../core/cli/run.ts';
import { CliUsageError, type CliCommand } from '../../core/cli/command.ts';

const REPORTS = ['junit', 'json'] as const;

const OUTCOME_LABEL: Record<CaseOutcome, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', 'no-checks': 'NO CHECKS' };

export const runCommand: CliCommand = {
  words: ['run'],
  usage: 'parley run PATH [--target sandbox|live] [--profile NAME] [--repeat N] [--report junit,json] [--out DIR]',
  summary: 'Run a case file or a folder of them, check their expectations, write junit.xml / report.json into --out; exit 1 when any case fails.',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { target: { type: 'string' }, profile: { type: 'string' }, repeat: { type: 'string' }, report: { type: 'string' }, out: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new CliUsageError(`expected one PATH (a .parley-case.json file or a folder), got ${positionals.length}`);
    const target = parseTarget(values.target);
    const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new CliUsageError(`--repeat: expected an integer 1-1000, got "${values.repeat}"`);
    const reports = (values.report ?? 'junit,json').split(',').map((s) => s.trim()).filter(Boolean);
    for (const r of reports) if (!(REPORTS as readonly string[]).includes(r)) throw new CliUsageError(`--report: expected a list of ${REPORTS.join(', ')}, got "${r}"`);
    const outDir = resolve(io.cwd, values.out ?? 'parley-results');
    const sessionsDir = join(outDir, 'sessions');

    // One environment for the whole run: one sandbox (when a case needs it), records in DIR/sessions for the reports.
    const env = cliEnvironment(io, { target: { target, profile: values.profile }, outDir: sessionsDir });
    try {
      const report = await runCases(resolve(io.cwd, positionals[0]!), env.runner, {
        target,
        profile: values.profile,
        // A case names the profile its author used; on a machine (CI) without that profile the run falls back to
        // PARLEY_<VENDOR>_<FIELD> variables (and sandbox demo credentials). --profile is never ignored.
        hasProfile: env.hasProfile,
        repeat,
        sessionFile: (id) => join(sessionsDir, `${id}.ndjson`),
        onResult: (r) => io.stderr(`${OUTCOME_LABEL[r.outcome]}  ${r.collection ? `${r.collection}/` : ''}${r.name}  (${r.durationMs} ms)${r.error ? `\n      ${r.error}` : [...r.failures, ...(r.note ? [r.note] : [])].map((f) => `\n      ${f}`).join('')}\n`),
      });
      if (reports.includes('junit')) writeFileSync(join(outDir, 'junit.xml'), toJUnit(report));
      if (reports.includes('json')) writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      const t = report.totals;
      io.stdout(`${t.passed} passed, ${t.failed} failed, ${t.errors} errors${t.noChecks ? `, ${t.noChecks} checking nothing` : ''} · ${t.cases} runs · reports in ${outDir}\n`);
      return report.ok ? 0 : 1;
    } finally {
      await env.close();
    }
  },
};
