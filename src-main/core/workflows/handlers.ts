/** The contract handlers of the QA and support workflows, over the core's stores and session engine. */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Handlers } from '../contract.ts';
import type { Grants } from '../grants.ts';
import type { Notices } from '../notices.ts';
import type { ProfileStore } from '../profiles/store.ts';
import type { Profile } from '../profiles/types.ts';
import type { SecretStore } from '../secrets/store.ts';
import { mask } from '../secrets/redact.ts';
import type { SessionManager } from '../session/manager.ts';
import { credentialEnvName, credentialEnvPrefix, vendorById } from '../vendors/registry.ts';
import type { RequestInspection } from '../vendors/types.ts';
import { deleteCase, duplicateCase, listCases, readCase, renameCase, saveCase, type CaseFile } from './case-file.ts';
import {
  ComparisonStore,
  defaultCompareOperation,
  newResult,
  planReference,
  runComparison,
  runsCsv,
  summaryCsv,
  type ComparePlan,
  type CompareResult,
} from './compare.ts';
import { buildBundle, readBundle, rerunRequest, writeBundle } from './bundle.ts';
import type { HistoryIndex } from '../history/client.ts';
import type { HistoryEntry } from '../history/types.ts';
import { readSpeechFile, type SpeechStore } from './input.ts';
import { PinStore } from './pins.ts';
import { SecretScanner, storedSecrets } from './secret-scan.ts';
import type { RunRequest, SessionRunner } from './session-runner.ts';
import { buildSnippets } from './snippets.ts';
import { replayPlan } from './replay.ts';
import { runCaseEntry } from './runner.ts';

export type WorkflowOp =
  | 'cases.list'
  | 'cases.save'
  | 'cases.duplicate'
  | 'cases.rename'
  | 'cases.delete'
  | 'cases.run'
  | 'history.query'
  | 'history.detail'
  | 'history.rerun'
  | 'history.indexStatus'
  | 'compare.start'
  | 'compare.get'
  | 'compare.list'
  | 'compare.csv'
  | 'bundle.export'
  | 'bundle.import'
  | 'bundle.rerun'
  | 'code.snippets'
  | 'pins.get'
  | 'pins.set';

export interface WorkflowDeps {
  dataDir: string;
  profiles: ProfileStore;
  secrets: SecretStore;
  sessions: SessionManager;
  history: HistoryIndex;
  /** The core's session runner (every run below goes through it). */
  runner: SessionRunner;
  app: { name: string; version: string };
  /** The request as inspect() builds it, with the payload's {{secret:NAME}} references left in place. */
  inspect(args: { profileId: string; operation: string; payload: Record<string, unknown> }): Promise<RequestInspection>;
  /** What the renderer may name: below the data folder, or chosen in a dialog. */
  grants: Grants;
  speech: SpeechStore;
  notices: Notices;
}

export function createWorkflowHandlers(deps: WorkflowDeps): Pick<Handlers, WorkflowOp> {
  const comparisons = new ComparisonStore(join(deps.dataDir, 'comparisons'), deps.notices, (r) => deps.sessions.redactor.value(r));
  const running = new Map<string, CompareResult>();
  const pins = new PinStore(join(deps.dataDir, 'workflows', 'pins.json'), deps.notices);
  const { grants, speech } = deps;
  const caseFolder = (dir: string) => {
    const real = grants.resolve('caseFolder', dir, 'dir');
    if (!statSync(real, { throwIfNoEntry: false })?.isDirectory())
      throw Object.assign(new Error('dir: expected a folder (choose the case folder with "Choose…")'), { code: 'BAD_ARGUMENTS' });
    return real;
  };
  const caseFile = (path: string) => grants.resolve('caseFile', path, 'path');
  /** A recorded speech input the renderer names again (history, bundles): checked like a new one; null when gone. */
  const recordedSpeech = (path: string): Buffer | null => {
    try {
      return readSpeechFile(grants.resolve('speechWav', path, 'input'), 'input');
    } catch {
      return null;
    }
  };
  const { runner } = deps;

  /** A stored comparison still marked running belongs to a process that is gone. */
  const settled = (r: CompareResult): CompareResult =>
    r.state === 'running' ? { ...r, state: 'failed', error: 'interrupted: the app stopped during this comparison' } : r;

  const scanner = async () => new SecretScanner(await storedSecrets(deps.profiles.list(), deps.secrets, vendorById), deps.sessions.redactor);

  /** Start a run to its end and answer with its session id as soon as it exists; the run goes on (events are pushed). */
  const startRun = (req: RunRequest) =>
    new Promise<{ sessionId: string }>((resolve, reject) => {
      runner({ ...req, ownIds: true, onStarted: (sessionId) => resolve({ sessionId }) }).catch(reject);
    });

  return {
    'cases.list': async ({ dir }) => listCases(caseFolder(dir)),
    'cases.save': async ({ dir, case: c, overwrite, fileName }) => ({
      path: saveCase(grants.resolve('caseFolder', dir, 'dir'), c as CaseFile, await scanner(), { overwrite, fileName }),
    }),
    'cases.duplicate': async ({ path }) => ({ path: duplicateCase(caseFile(path), await scanner()) }),
    'cases.rename': async ({ path, name }) => ({ path: renameCase(caseFile(path), name, await scanner()) }),
    'cases.delete': async ({ path }) => {
      deleteCase(caseFile(path));
      return { ok: true };
    },
    'cases.run': async ({ path: given, profileId, target }) => {
      const path = caseFile(given);
      return runCaseEntry({ path, collection: '', case: readCase(path) }, 1, runner, {
        target: target ?? 'sandbox',
        profile: profileId,
        hasProfile: (name) => !!deps.profiles.find(name),
        // The case's WAV must be one the renderer could name itself: in the case folder, the data folder, or chosen.
        input: (input) => (input.wav ? { wav: speech.file(input.wav, 'input.wav') } : input),
        repeat: 1,
      });
    },

    'history.query': async ({ query }) => {
      if (query?.vendor !== undefined) vendorById(query.vendor); // the contract checks the id's form, the registry its vendor
      return withProfileNames(await deps.history.query(query ?? {}), deps.profiles.list());
    },
    'history.detail': async ({ sessionId }) => {
      const detail = await deps.history.detail(sessionId);
      return { ...detail, entry: withProfileNames([detail.entry], deps.profiles.list())[0]! };
    },
    'history.indexStatus': async () => deps.history.status(),
    'history.rerun': async ({ sessionId, profileId }) => {
      const s = deps.sessions.directory.readSummary(sessionId);
      if (!s) throw Object.assign(new Error(`session ${sessionId} does not exist`), { code: 'NOT_FOUND' });
      const payload = (s.payload as Record<string, unknown>) ?? {};
      const recorded = s.input as { wav?: unknown; text?: unknown } | undefined;
      let input: RunRequest['input'];
      if (typeof recorded?.text === 'string') input = { text: recorded.text };
      else if (typeof recorded?.wav === 'string') {
        if (!recordedSpeech(recorded.wav))
          throw Object.assign(
            new Error(
              `history.rerun: the speech input of ${sessionId} is not available any more (moved, changed, or chosen in an earlier run of Parley); run it from the Compare view with the file chosen again`,
            ),
            { code: 'SPEECH_INVALID' },
          );
        input = { wav: speech.file(recorded.wav, 'input') };
      }
      // No input given to the run (a console session): what its record holds, the speech it uploaded or the text it
      // typed, or a reason why there is nothing to replay.
      const op = vendorById(s.vendor).operations.find((o) => o.id === s.operation);
      const plan = replayPlan(op, input, payload, deps.sessions.events(sessionId, 0, 1_000_000).events, deps.sessions.directory.artifactsDir(sessionId));
      if (!input && plan.input?.wav)
        input = { wav: speech.bytes(readSpeechFile(plan.input.wav, 'the recorded speech'), basename(plan.input.wav), 'the recorded speech') };
      else if (!input) input = plan.input;
      const started = await startRun({
        vendor: s.vendor as never,
        operation: s.operation,
        payload,
        profile: profileId ?? s.profileId ?? undefined,
        input,
        sendAnyway: true,
      });
      return { ...started, ...(plan.note ? { note: plan.note } : {}) };
    },

    'compare.start': async ({ plan }) => {
      const all = deps.profiles.list();
      const reference = planReference(plan);
      const full: ComparePlan = {
        name: plan.name,
        input: speech.resolve(plan.input),
        repeat: plan.repeat,
        mode: plan.mode,
        ...(reference !== undefined ? { reference } : {}),
        entries: plan.entries.map((e) => {
          const profile = all.find((p) => p.id === e.profileId);
          if (!profile) throw new Error(`entries: profile ${e.profileId} does not exist`);
          const vendor = vendorById(profile.vendor);
          const op = e.operation ? vendor.operations.find((o) => o.id === e.operation) : defaultCompareOperation(vendor);
          if (!op) throw new Error(`entries: ${vendor.id} has no operation "${e.operation}"`);
          return {
            vendor: vendor.id,
            profile: profile.id,
            operation: op.id,
            payload: e.payload ?? structuredClone(op.example),
            label: e.label ?? profile.name,
          };
        }),
      };
      const result = newResult(full);
      running.set(result.id, result);
      // Saved after every run, so a comparison cut short by a crash keeps what it measured. Nothing here may throw
      // past the run: an error is the comparison's (failed, with the reason), never the process's.
      void runComparison(full, runner, (r) => void comparisons.save(r), result)
        .catch((err: unknown) => {
          result.state = 'failed';
          result.error = deps.sessions.redactor.text(err instanceof Error ? err.message : String(err));
        })
        .then(() => {
          const unsaved = comparisons.save(result);
          if (unsaved) {
            result.state = 'failed';
            result.error = result.error ? `${result.error}; ${unsaved}` : unsaved;
          } else running.delete(result.id);
        })
        .catch(() => undefined);
      return { id: result.id };
    },
    'compare.get': async ({ id }) => running.get(id) ?? settled(comparisons.get(id)),
    'compare.list': async () => comparisons.list(),
    'compare.csv': async ({ id, kind }) => {
      const r = running.get(id) ?? settled(comparisons.get(id));
      return { csv: kind === 'runs' ? runsCsv(r) : summaryCsv(r), fileName: `${r.name ? r.name.replace(/[^A-Za-z0-9._-]+/g, '-') : r.id}-${kind}.csv` };
    },

    'bundle.export': async ({ sessionIds, path: given, note }) => {
      const path = grants.resolve('bundleWrite', given, 'path');
      const bundle = buildBundle(
        { directory: deps.sessions.directory, profiles: deps.profiles.list(), app: deps.app, readInput: recordedSpeech },
        sessionIds,
        note,
      );
      return { path, bytes: writeBundle(path, bundle, await scanner()) };
    },
    'bundle.import': async ({ path }) => readBundle(grants.resolve('bundleRead', path, 'path')),
    'bundle.rerun': async ({ path, index, profileId }) => {
      const bundle = readBundle(grants.resolve('bundleRead', path, 'path'));
      const req = rerunRequest(bundle, index, { profile: profileId, target: profileId ? undefined : 'sandbox' }, (bytes, name) =>
        speech.bytes(bytes, name, 'the bundled speech input'),
      );
      return startRun({ ...req, sendAnyway: true });
    },

    'code.snippets': async ({ profileId, operation, payload }) => {
      const profile = deps.profiles.get(profileId);
      const vendor = vendorById(profile.vendor);
      const inspection = await deps.inspect({ profileId, operation, payload });
      const resolved = await deps.sessions.credentialsFor(profile, vendor);
      const credentials = vendor.credentials.map((f) => {
        const value = resolved.values.get(f.name);
        return {
          env: credentialEnvName(vendor.id, f.name),
          name: f.name,
          value: f.secret ? value : undefined,
          masked: value && f.secret ? mask(value) : undefined,
        };
      });
      const snippets = buildSnippets(inspection, credentials, credentialEnvPrefix(vendor.id));
      // Last line of defence: the snippets go to the clipboard.
      (await scanner()).assertClean(JSON.stringify(snippets), 'the generated code');
      return snippets;
    },

    'pins.get': async ({ sessionId }) => pins.get(sessionId),
    'pins.set': async ({ sessionId, seqs }) => pins.set(sessionId, seqs),
  };
}

/** Profiles can be renamed: an entry shows its profile's current name, else the name it was recorded with. */
export function withProfileNames(entries: HistoryEntry[], profiles: Profile[]): HistoryEntry[] {
  const names = new Map(profiles.map((p) => [p.id, p.name]));
  return entries.map((e) => ({ ...e, profileName: (e.profileId && names.get(e.profileId)) || e.profileName }));
}
