/**
 * `parley compare`: the same utterance to several vendors, N times each, through the same runs as `parley run`
 * (Tencent and NetEase voice turns in the headless turn agent), written as DIR/compare.json for scripts and CI:
 * per vendor, per run, the client-side figures under stable names, `null` with a `why` when one is missing, the
 * vendor-reported figures apart under `vendor`. Exit 1 when a run fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VENDORS, vendorById } from '../../core/vendors/registry.ts';
import type { VendorId } from '../../core/vendors/types.ts';
import { defaultCompareOperation, runComparison, transportOf, type CompareEntry, type CompareRun } from '../../core/workflows/compare.ts';
import type { TurnMeasurement } from '../../core/workflows/conversation.ts';
import { scoreRecognition } from '../../core/voice/accuracy.ts';
import { cliRoomTurnEnvironment } from './run.ts';
import { parseTarget } from '../../core/cli/run.ts';
import { ProfileStore } from '../../core/profiles/store.ts';
import { defaultDataDir } from '../../core/data-dir.ts';
import { CliUsageError, type CliCommand } from '../../core/cli/command.ts';

const FIGURES = ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'responseLatencyMs', 'botAudioS', 'interruptionRecoveryMs'] as const;

function readEvents(file: string): Record<string, unknown>[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

function runJson(run: CompareRun, vendor: VendorId, target: 'sandbox' | 'live', sessionsDir: string, reference: string | undefined) {
  const events = run.sessionId ? readEvents(join(sessionsDir, `${run.sessionId}.ndjson`)) : [];
  const measured = events.find((e) => e.kind === 'agent.measured')?.data as TurnMeasurement | undefined;
  const why: Record<string, string> = { ...(measured?.why ?? {}) };
  const value = (name: (typeof FIGURES)[number]): number | null => {
    const fromRun = name === 'responseLatencyMs' ? run.figures.turnLatencyMs : name === 'interruptionRecoveryMs' ? undefined : run.figures[name];
    const v = fromRun?.value ?? (measured ? measured[name] : null) ?? null;
    if (v === null)
      why[name] ??=
        name === 'interruptionRecoveryMs'
          ? 'the run was not interrupted'
          : run.ok
            ? 'not measured in this run'
            : `the run failed: ${run.error ?? 'no reason given'}`;
    else delete why[name];
    return v;
  };
  const vendorFigures: Record<string, number> = { ...(measured?.vendorFigures ?? {}) };
  for (const e of events) {
    const d = e.data as { name?: unknown; value?: unknown; source?: unknown } | undefined;
    if (e.kind === 'metric' && d?.source === 'reported' && typeof d.name === 'string' && typeof d.value === 'number') vendorFigures[d.name] ??= d.value;
  }
  const recognisedText = run.transcript || null;
  if (!recognisedText) why.recognisedText ??= 'no transcript of the speech came from the vendor';
  if (!run.botText) why.botText ??= 'no text of the answer came from the vendor';
  return {
    repetition: run.repetition,
    ok: run.ok,
    error: run.error ?? null,
    sessionId: run.sessionId ?? null,
    transport: run.transport ?? transportOf(vendor, target, events),
    ...Object.fromEntries(FIGURES.map((f) => [f, value(f)])),
    recognisedText,
    botText: run.botText || null,
    ...(reference !== undefined ? { recognition: recognisedText ? scoreRecognition(reference, recognisedText) : null } : {}),
    vendor: vendorFigures,
    why,
  };
}

export const compareCommand: CliCommand = {
  words: ['compare'],
  usage:
    'parley compare (--vendors convai,netease,mindcraft,tencent | --profiles NAME,...) --wav FILE [--text TEXT] [--reference TEXT] [--repeat N] [--parallel] [--target sandbox|live] [--out DIR]',
  summary: 'Send the same utterance to several vendors N times each and write DIR/compare.json (figures per vendor and run); exit 1 when a run fails.',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        vendors: { type: 'string' },
        profiles: { type: 'string' },
        wav: { type: 'string' },
        text: { type: 'string' },
        reference: { type: 'string' },
        repeat: { type: 'string' },
        parallel: { type: 'boolean' },
        target: { type: 'string' },
        out: { type: 'string' },
      },
    });
    const target = parseTarget(values.target);
    if (!values.wav && !values.text) throw new CliUsageError('give the utterance: --wav FILE (speech) or --text TEXT');
    if (!!values.vendors === !!values.profiles)
      throw new CliUsageError('choose the vendors: --vendors convai,netease,mindcraft,tencent or --profiles NAME,... (one of the two)');
    const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new CliUsageError(`--repeat: expected an integer 1-100, got "${values.repeat}"`);
    const names = (values.vendors ?? values.profiles)!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const known = VENDORS.map((v) => v.id as string);
    if (values.vendors)
      for (const n of names) if (!known.includes(n)) throw new CliUsageError(`--vendors: "${n}" is not a vendor (expected ${known.join(', ')})`);
    // --profiles NAME needs the profile's vendor: the profile store knows it (the run resolves the profile by name).
    const store = new ProfileStore(join(defaultDataDir(io.env), 'profiles.json'));
    const entries: CompareEntry[] = names.map((n) => {
      const vendorId = values.vendors ? n : store.find(n)?.vendor;
      if (!vendorId) throw new CliUsageError(`--profiles: no profile named "${n}" (parley history or the app lists them)`);
      const vendor = vendorById(vendorId);
      const op = defaultCompareOperation(vendor);
      return { vendor: vendor.id, profile: values.profiles ? n : '', operation: op.id, payload: structuredClone(op.example), label: n };
    });
    const wav = values.wav ? resolve(io.cwd, values.wav) : undefined;
    const outDir = resolve(io.cwd, values.out ?? 'parley-compare');
    const sessionsDir = join(outDir, 'sessions');
    mkdirSync(sessionsDir, { recursive: true });
    const env = cliRoomTurnEnvironment(io, { target: { target }, outDir: sessionsDir });
    try {
      const runner = env.runner;
      const plan = {
        input: { ...(wav ? { wav } : {}), ...(values.text ? { text: values.text } : {}) },
        entries,
        repeat,
        mode: values.parallel ? ('parallel' as const) : ('sequential' as const),
        ...(values.reference !== undefined ? { reference: values.reference } : {}),
      };
      const result = await runComparison(plan, async (req) => runner({ ...req, profile: req.profile || undefined }));
      const vendors: Record<string, unknown> = {};
      for (const [i, e] of entries.entries())
        vendors[e.label!] = {
          vendor: e.vendor,
          operation: e.operation,
          // CER (Chinese) or WER over the successful runs: median and p90 of the per-run rates below.
          ...(result.columns[i]?.recognition ? { recognition: result.columns[i]!.recognition } : {}),
          runs: result.runs
            .filter((r) => r.entry === i)
            .sort((a, b) => a.repetition - b.repetition)
            .map((r) => runJson(r, e.vendor, target, sessionsDir, values.reference)),
        };
      const json = {
        target,
        input: { wav: wav ?? null, text: values.text ?? null, reference: values.reference ?? null },
        repeat,
        mode: plan.mode,
        createdAt: result.createdAt,
        vendors,
      };
      writeFileSync(join(outDir, 'compare.json'), JSON.stringify(json, null, 2) + '\n');
      const failed = result.runs.filter((r) => !r.ok);
      for (const r of failed) io.stderr(`FAIL  ${entries[r.entry]!.label} #${r.repetition}: ${r.error ?? 'failed'}\n`);
      io.stdout(`${result.runs.length - failed.length} of ${result.runs.length} runs ok · ${join(outDir, 'compare.json')}\n`);
      return failed.length ? 1 : 0;
    } finally {
      await env.close();
    }
  },
};
