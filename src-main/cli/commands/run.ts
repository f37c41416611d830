import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SandboxHost } from '../../core/sandbox/host.ts';
import { VENDORS, vendorById } from '../../core/vendors/registry.ts';
import { runCases } from '../../core/workflows/runner.ts';
import { toJUnit, type CaseOutcome } from '../../core/workflows/report.ts';
import { recordInput } from '../../core/workflows/history.ts';
import { settleSession } from '../../core/workflows/turn.ts';
import { TURN_TIMEOUT_MS, perRunPayload, recordRunIds, type SessionRunner } from '../../core/workflows/session-runner.ts';
import { cliCredentials, parseTarget, runOperation } from '../runner.ts';
import { HeadlessAgent } from '../agent-browser.ts';
import { CONVERSATION_OPENERS } from '../../core/workflows/turn.ts';
import { ProfileStore } from '../../core/profiles/store.ts';
import { defaultDataDir } from '../../core/data-dir.ts';
import { CliUsageError, type CliCommand, type CliIO } from '../types.ts';

const REPORTS = ['junit', 'json'] as const;

/**
 * Each case runs through runOperation (the app's session engine). One sandbox host serves the whole run;
 * session records go to DIR/sessions so the reports can point at them.
 */
const OUTCOME_LABEL: Record<CaseOutcome, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', 'no-checks': 'NO CHECKS' };

/**
 * `agent`: the headless turn agent (agent-browser.ts), started on the first Tencent or NetEase voice turn and shared by
 * the rest of the run; those turns need it, every other run goes without a browser.
 */
export function cliSessionRunner(io: CliIO, target: 'sandbox' | 'live', sessionsDir: string, sandboxBase: () => Promise<string>, explicitProfile: string | undefined, agent: () => Promise<HeadlessAgent>): SessionRunner {
  const store = new ProfileStore(join(defaultDataDir(io.env), 'profiles.json'));
  return async (req) => {
    const vendor = vendorById(req.vendor);
    // A case names the profile its author used; on a machine (CI) without that profile the run falls back to
    // PARLEY_<VENDOR>_<FIELD> variables (and sandbox demo credentials). --profile is never ignored.
    const profile = explicitProfile ?? (req.profile && store.find(req.profile) ? req.profile : undefined);
    const op = vendor.operations.find((o) => o.id === req.operation);
    const started = performance.now();
    let driveError: string | undefined;
    const ids = op ? perRunPayload(op, req.payload) : { payload: req.payload, changed: [] };
    const run = await runOperation({
      vendorId: vendor.id,
      operationId: req.operation,
      payload: ids.payload,
      io,
      outDir: sessionsDir,
      sendAnyway: req.sendAnyway,
      target: { target, profile, ...(target === 'sandbox' ? { baseUrl: `${await sandboxBase()}/${vendor.id}` } : {}) },
      drive: async (manager, sessionId) => {
        if (!op) return;
        recordRunIds(manager, sessionId, ids.changed);
        recordInput(manager.directory, sessionId, req.input);
        let detach: (() => void) | undefined;
        if (op.transport === 'room' && CONVERSATION_OPENERS[vendor.id] && req.input?.wav) {
          try {
            const cliTarget = { target, profile };
            detach = (await agent()).attach(manager, (p, name) => cliCredentials(vendor, io, cliTarget, profile ? p : undefined)(p, name));
          } catch (err) {
            driveError = (err as Error).message;
            return;
          }
        }
        await settleSession(manager, sessionId, vendor.id, op, req.input, { timeoutMs: TURN_TIMEOUT_MS }).catch((err: Error) => {
          driveError = err.message;
        });
        detach?.();
      },
    });
    return {
      sessionId: run.sessionId,
      profileName: profile ?? `cli ${vendor.id}`,
      target,
      // The reports (junit.xml, report.json) are files: redacted like the record.
      outcome: run.manager.redactor.value(run.outcome),
      driveError: driveError && run.manager.redactor.text(driveError),
      events: run.manager.events(run.sessionId, 0, 1_000_000).events,
      durationMs: Math.round(performance.now() - started),
    };
  };
}

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
    mkdirSync(sessionsDir, { recursive: true });

    const { sandboxBase, agent, close } = runResources(io);
    try {
      const report = await runCases(resolve(io.cwd, positionals[0]!), cliSessionRunner(io, target, sessionsDir, sandboxBase, values.profile, agent), {
        target,
        profile: values.profile,
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
      await close();
    }
  },
};

/** What a run of many sessions shares, started when first needed: one sandbox host, one headless turn agent. */
export function runResources(io: CliIO): { sandboxBase: () => Promise<string>; agent: () => Promise<HeadlessAgent>; close(): Promise<void> } {
  let headless: Promise<HeadlessAgent> | undefined;
  let host: Promise<SandboxHost> | undefined;
  return {
    agent: () => (headless ??= HeadlessAgent.start(io.env)),
    // One start, however many runs ask for it at once (a parallel comparison).
    sandboxBase: async () =>
      (
        await (host ??= (async () => {
          const h = new SandboxHost();
          for (const v of VENDORS) v.mountSandbox(h);
          await h.start();
          return h;
        })())
      ).baseUrl,
    async close() {
      await (await headless?.catch(() => undefined))?.close();
      await (await host?.catch(() => undefined))?.close();
    },
  };
}
