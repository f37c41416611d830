import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isInside } from '../../core/paths.ts';
import { VENDORS, vendorById } from '../../core/vendors/registry.ts';
import type { VendorId } from '../../core/vendors/types.ts';
import { toJUnit, type CaseOutcome } from '../../core/workflows/report.ts';
import { runFolder } from '../../core/scenarios/runner.ts';
import { runnerScenarioSessions } from '../../core/scenarios/sessions.ts';
import { toHtmlReport, toRunCsv } from '../../core/scenarios/html-report.ts';
import { parseFault, type Fault } from '../../core/sandbox/faults.ts';
import { cliEnvironment, parseTarget, type CliEnvironment, type CliTarget } from '../../core/cli/run.ts';
import { CliUsageError, type CliCommand, type CliIO } from '../../core/cli/command.ts';
import { turnAgents } from '../../core/workflows/turn-agent.ts';
import { conversationOpeners } from '../../core/workflows/voice-turns.ts';
import type { RunRequest, RunResult } from '../../core/workflows/session-runner.ts';
import { HeadlessAgent } from '../agent-browser.ts';

const REPORTS = ['junit', 'json', 'html', 'csv'] as const;

const OUTCOME_LABEL: Record<CaseOutcome, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', 'no-checks': 'NO CHECKS' };

/**
 * A CLI environment whose room voice turns through the turn agent (Tencent, NetEase: cases, compare, scenarios) have
 * a page to run in: the headless turn agent (agent-browser.ts), launched by the first turn that needs it and shared by
 * the rest of the run; a run that needs none starts no browser. A browser that cannot start is that turn's error.
 */
export function cliRoomTurnEnvironment(io: CliIO, opts: { target: CliTarget; outDir?: string; fault?: Fault | null }): CliEnvironment {
  const env = cliEnvironment(io, opts);
  let headless: Promise<HeadlessAgent> | undefined;
  const agents = turnAgents(env.manager);
  agents.launchWith(async () => {
    const agent = await (headless = HeadlessAgent.start(io.env));
    agent.attach(env.manager, env.credentials);
  });
  // A run that will talk to an agent vendor's room has the browser up before its session starts, so the vendor's
  // task does not wait on (or race) a starting browser; a launch that fails is told by the turn itself.
  const run = async (req: RunRequest): Promise<RunResult> => {
    const talks = !!(req.input?.wav || req.input?.text || req.drive);
    const vendor = vendorById(req.vendor);
    const room = vendor.operations.find((o) => o.id === req.operation)?.transport === 'room';
    const turns = vendor.voiceTurns;
    const viaAgent = turns?.via === 'agent' || !!turns?.usesAgent?.(opts.target.target);
    if (talks && room && viaAgent) await agents.ensureListening(vendor.id).catch(() => undefined);
    return env.runner(req);
  };
  return {
    ...env,
    runner: Object.assign(run, { start: env.runner.start }),
    async close() {
      await (await headless?.catch(() => undefined))?.close();
      await env.close();
    },
  };
}

/** The report embeds audio from the run's own session folders only. */
function readInside(outDir: string): (file: string) => Uint8Array | null {
  return (file) => {
    const path = resolve(file);
    if (!isInside(outDir, path)) return null;
    try {
      return readFileSync(path);
    } catch {
      return null;
    }
  };
}

export const runCommand: CliCommand = {
  words: ['run'],
  usage:
    'parley run PATH [--target sandbox|live] [--profile NAME] [--repeat N] [--report junit,json,html,csv] [--report-lang en|zh] [--out DIR] [--vendors convai,mindcraft,...] [--sandbox-fault JSON]',
  summary:
    'Run a case file or a folder of them (single-turn cases and multi-turn scenarios), check their expectations, write junit.xml / report.json / report.html / report.csv into --out; exit 1 when any case or turn fails. --sandbox-fault sets a fault on every vendor of the run\'s own sandbox (e.g. \'{"kind":"mishear"}\').',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        profile: { type: 'string' },
        repeat: { type: 'string' },
        report: { type: 'string' },
        out: { type: 'string' },
        'sandbox-fault': { type: 'string' },
        vendors: { type: 'string' },
        'report-lang': { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new CliUsageError(`expected one PATH (a .parley-case.json file or a folder), got ${positionals.length}`);
    const target = parseTarget(values.target);
    const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new CliUsageError(`--repeat: expected an integer 1-1000, got "${values.repeat}"`);
    const reports = (values.report ?? 'junit,json')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const r of reports)
      if (!(REPORTS as readonly string[]).includes(r)) throw new CliUsageError(`--report: expected a list of ${REPORTS.join(', ')}, got "${r}"`);
    let fault: Fault | null = null;
    if (values['sandbox-fault'] !== undefined) {
      if (target !== 'sandbox') throw new CliUsageError('--sandbox-fault: only with --target sandbox');
      try {
        fault = parseFault(JSON.parse(values['sandbox-fault']));
      } catch (err) {
        throw new CliUsageError(`--sandbox-fault: ${(err as Error).message} (e.g. '{"kind":"mishear"}')`);
      }
    }
    const lang = values['report-lang'];
    if (lang !== undefined && lang !== 'en' && lang !== 'zh') throw new CliUsageError(`--report-lang: expected en or zh, got "${lang}"`);
    const vendors = values.vendors
      ?.split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    for (const v of vendors ?? [])
      if (!VENDORS.some((x) => x.id === v)) throw new CliUsageError(`--vendors: expected a list of ${VENDORS.map((x) => x.id).join(', ')}, got "${v}"`);
    const outDir = resolve(io.cwd, values.out ?? 'parley-results');
    const sessionsDir = join(outDir, 'sessions');

    // One environment for the whole run: one sandbox (when a case needs it, with --sandbox-fault set on it), one
    // headless turn agent (when a room voice turn needs it), records in DIR/sessions for the reports; cases and
    // scenarios both run through its session runner.
    const env = cliRoomTurnEnvironment(io, { target: { target, profile: values.profile }, outDir: sessionsDir, fault });
    try {
      const report = await runFolder(
        resolve(io.cwd, positionals[0]!),
        { sessions: runnerScenarioSessions(env.runner), openers: conversationOpeners(VENDORS), ttsCacheDir: join(outDir, 'tts') },
        {
          target,
          repeat,
          ...(vendors ? { vendors: vendors as VendorId[] } : {}),
          caseRunner: env.runner,
          // A case names the profile its author used; on a machine (CI) without that profile the run falls back to
          // PARLEY_<VENDOR>_<NAME> variables (and sandbox demo credentials). --profile is never ignored.
          caseOptions: { profile: values.profile, hasProfile: env.hasProfile, sessionFile: (id) => join(sessionsDir, `${id}.ndjson`) },
          onAny: (r) =>
            io.stderr(
              `${OUTCOME_LABEL[r.outcome]}  ${r.collection ? `${r.collection}/` : ''}${r.name}  (${r.durationMs} ms)${r.error ? `\n      ${r.error}` : [...r.failures, ...(r.note ? [r.note] : [])].map((f) => `\n      ${f}`).join('')}\n`,
            ),
        },
      );
      if (reports.includes('junit')) writeFileSync(join(outDir, 'junit.xml'), toJUnit(report));
      if (reports.includes('json')) writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      if (reports.includes('csv')) writeFileSync(join(outDir, 'report.csv'), toRunCsv(report));
      if (reports.includes('html')) writeFileSync(join(outDir, 'report.html'), toHtmlReport(report, { lang: lang ?? 'en', readAudio: readInside(outDir) }));
      const t = report.totals;
      io.stdout(
        `${t.passed} passed, ${t.failed} failed, ${t.errors} errors${t.noChecks ? `, ${t.noChecks} checking nothing` : ''} · ${t.cases} runs · reports in ${outDir}\n`,
      );
      return report.ok ? 0 : 1;
    } finally {
      await env.close();
    }
  },
};
