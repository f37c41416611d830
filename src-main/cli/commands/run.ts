import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isInside } from '../../core/paths.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SandboxHost } from '../../core/sandbox/host.ts';
import { VENDORS, vendorById } from '../../core/vendors/registry.ts';
import type { VendorId } from '../../core/vendors/types.ts';
import { toJUnit, type CaseOutcome } from '../../core/workflows/report.ts';
import { runFolder, type ScenarioSessions } from '../../core/scenarios/runner.ts';
import { toHtmlReport, toRunCsv } from '../../core/scenarios/html-report.ts';
import { CONVERSATION_OPENERS } from '../../core/scenarios/openers.ts';
import { parseFault, type Fault } from '../../core/sandbox/faults.ts';
import { recordInput } from '../../core/workflows/history.ts';
import { settleSession } from '../../core/workflows/turn.ts';
import { TURN_TIMEOUT_MS, perRunPayload, recordRunIds, type SessionRunner } from '../../core/workflows/session-runner.ts';
import { cliCredentials, parseTarget, runOperation } from '../runner.ts';
import { HeadlessAgent } from '../agent-browser.ts';
import { CONVERSATION_OPENERS as ROOM_TURN_OPENERS } from '../../core/workflows/turn.ts';
import { ProfileStore } from '../../core/profiles/store.ts';
import { defaultDataDir } from '../../core/data-dir.ts';
import { CliUsageError, type CliCommand, type CliIO } from '../types.ts';

const REPORTS = ['junit', 'json', 'html', 'csv'] as const;

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
        if (op.transport === 'room' && ROOM_TURN_OPENERS[vendor.id] && req.input?.wav) {
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

/** Scenario sessions: each vendor's session through runOperation, held open while its conversation runs. */
function cliScenarioSessions(io: CliIO, target: 'sandbox' | 'live', sessionsDir: string, sandboxBase: () => Promise<string>, explicitProfile: string | undefined): ScenarioSessions {
  const store = new ProfileStore(join(defaultDataDir(io.env), 'profiles.json'));
  return async (req, use) => {
    const vendor = vendorById(req.vendor);
    const profile = explicitProfile ?? (req.profile && store.find(req.profile) ? req.profile : undefined);
    const op = vendor.operations.find((o) => o.id === req.operation);
    if (!op) throw new Error(`operation: ${vendor.id} has no operation "${req.operation}" (expected one of ${vendor.operations.map((o) => o.id).join(', ')})`);
    const ids = perRunPayload(op, req.payload);
    const run = await runOperation({
      vendorId: vendor.id,
      operationId: req.operation,
      payload: ids.payload,
      io,
      outDir: sessionsDir,
      target: { target, profile, ...(target === 'sandbox' ? { baseUrl: `${await sandboxBase()}/${vendor.id}` } : {}) },
      drive: async (manager, sessionId) => {
        recordRunIds(manager, sessionId, ids.changed);
        try {
          await use(manager, sessionId, op);
        } finally {
          if (manager.isLive(sessionId)) await manager.stop(sessionId);
        }
      },
    });
    return { sessionId: run.sessionId, profileName: profile ?? `cli ${vendor.id}`, outcome: run.manager.redactor.value(run.outcome), sessionFile: run.sessionFile };
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
  usage: 'parley run PATH [--target sandbox|live] [--profile NAME] [--repeat N] [--report junit,json,html,csv] [--report-lang en|zh] [--out DIR] [--vendors convai,mindcraft,...] [--sandbox-fault JSON]',
  summary:
    'Run a case file or a folder of them (single-turn cases and multi-turn scenarios), check their expectations, write junit.xml / report.json / report.html / report.csv into --out; exit 1 when any case or turn fails. --sandbox-fault sets a fault on every vendor of the run\'s own sandbox (e.g. \'{"kind":"mishear"}\').',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { target: { type: 'string' }, profile: { type: 'string' }, repeat: { type: 'string' }, report: { type: 'string' }, out: { type: 'string' }, 'sandbox-fault': { type: 'string' }, vendors: { type: 'string' }, 'report-lang': { type: 'string' } },
    });
    if (positionals.length !== 1) throw new CliUsageError(`expected one PATH (a .parley-case.json file or a folder), got ${positionals.length}`);
    const target = parseTarget(values.target);
    const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new CliUsageError(`--repeat: expected an integer 1-1000, got "${values.repeat}"`);
    const reports = (values.report ?? 'junit,json').split(',').map((s) => s.trim()).filter(Boolean);
    for (const r of reports) if (!(REPORTS as readonly string[]).includes(r)) throw new CliUsageError(`--report: expected a list of ${REPORTS.join(', ')}, got "${r}"`);
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
    const vendors = values.vendors?.split(',').map((v) => v.trim()).filter(Boolean);
    for (const v of vendors ?? []) if (!VENDORS.some((x) => x.id === v)) throw new CliUsageError(`--vendors: expected a list of ${VENDORS.map((x) => x.id).join(', ')}, got "${v}"`);
    const outDir = resolve(io.cwd, values.out ?? 'parley-results');
    const sessionsDir = join(outDir, 'sessions');
    mkdirSync(sessionsDir, { recursive: true });

    const { sandboxBase, agent, close } = runResources(io, fault);
    try {
      const report = await runFolder(resolve(io.cwd, positionals[0]!), { sessions: cliScenarioSessions(io, target, sessionsDir, sandboxBase, values.profile), openers: CONVERSATION_OPENERS, ttsCacheDir: join(outDir, 'tts') }, {
        target,
        repeat,
        ...(vendors ? { vendors: vendors as VendorId[] } : {}),
        caseRunner: cliSessionRunner(io, target, sessionsDir, sandboxBase, values.profile, agent),
        caseOptions: { profile: values.profile, sessionFile: (id) => join(sessionsDir, `${id}.ndjson`) },
        onAny: (r) => io.stderr(`${OUTCOME_LABEL[r.outcome]}  ${r.collection ? `${r.collection}/` : ''}${r.name}  (${r.durationMs} ms)${r.error ? `\n      ${r.error}` : [...r.failures, ...(r.note ? [r.note] : [])].map((f) => `\n      ${f}`).join('')}\n`),
      });
      if (reports.includes('junit')) writeFileSync(join(outDir, 'junit.xml'), toJUnit(report));
      if (reports.includes('json')) writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      if (reports.includes('csv')) writeFileSync(join(outDir, 'report.csv'), toRunCsv(report));
      if (reports.includes('html')) writeFileSync(join(outDir, 'report.html'), toHtmlReport(report, { lang: lang ?? 'en', readAudio: readInside(outDir) }));
      const t = report.totals;
      io.stdout(`${t.passed} passed, ${t.failed} failed, ${t.errors} errors${t.noChecks ? `, ${t.noChecks} checking nothing` : ''} · ${t.cases} runs · reports in ${outDir}\n`);
      return report.ok ? 0 : 1;
    } finally {
      await close();
    }
  },
};

/** What a run of many sessions shares, started when first needed: one sandbox host, one headless turn agent. */
export function runResources(io: CliIO, fault: Fault | null = null): { sandboxBase: () => Promise<string>; agent: () => Promise<HeadlessAgent>; close(): Promise<void> } {
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
          if (fault) for (const v of VENDORS) h.setFault(v.id, fault);
          return h;
        })())
      ).baseUrl,
    async close() {
      await (await headless?.catch(() => undefined))?.close();
      await (await host?.catch(() => undefined))?.close();
    },
  };
}
