/** The contract handlers of the scenario editor: list, read, save and run scenarios; the utterance library. */
import { basename, dirname, join } from 'node:path';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import type { Handlers } from '../contract.ts';
import { VENDORS, vendorById } from '../vendors/registry.ts';
import type { VendorId } from '../vendors/types.ts';
import { confined, writeFileAtomic } from '../paths.ts';
import { decodeLibraryWav } from '../voice/library.ts';
import { SecretScanner, storedSecrets } from '../workflows/secret-scan.ts';
import { caseFileName, CaseFileError } from '../workflows/case-file.ts';
import { summarize } from '../workflows/report.ts';
import type { WorkflowDeps } from '../workflows/handlers.ts';
import { listScenarioFolder } from './folder.ts';
import { toHtmlReport } from './html-report.ts';
import { conversationOpeners } from '../workflows/voice-turns.ts';
import { runScenario } from './runner.ts';
import { runnerScenarioSessions } from './sessions.ts';
import { migrateCase, parseScenario, readCaseOrScenario, serializeScenario, type Scenario } from './scenario-file.ts';
import { addFolderUtterance, utteranceLibrary } from './utterances.ts';

export type ScenarioOp =
  'scenarios.list' | 'scenarios.read' | 'scenarios.save' | 'scenarios.utterances' | 'scenarios.utteranceAudio' | 'scenarios.addUtterance' | 'scenarios.run';

/** One entry of a case folder as the scenario editor lists it. */
export interface ScenarioListEntry {
  path: string;
  collection: string;
  version?: 1 | 2;
  name?: string;
  vendors?: string[];
  turns?: number;
  error?: string;
}

export interface LibraryItem {
  id: string;
  language: string;
  text: string;
  tags: string[];
  origin: 'folder' | 'shipped';
}

const badArgs = (message: string) => Object.assign(new Error(message), { code: 'BAD_ARGUMENTS' });

export function createScenarioHandlers(deps: WorkflowDeps): Pick<Handlers, ScenarioOp> {
  const { grants } = deps;
  const folder = (dir: string) => {
    const real = grants.resolve('caseFolder', dir, 'dir');
    if (!statSync(real, { throwIfNoEntry: false })?.isDirectory()) throw badArgs('dir: expected a folder (choose the case folder with "Choose…")');
    return real;
  };
  const file = (path: string) => grants.resolve('caseFile', path, 'path');
  const scanner = async () => new SecretScanner(await storedSecrets(deps.profiles.list(), deps.secrets, vendorById), deps.sessions.redactor);
  const items = (dir?: string): LibraryItem[] =>
    utteranceLibrary(dir ? folder(dir) : undefined).map(({ id, language, text, tags, origin }) => ({ id, language, text, tags, origin }));

  return {
    'scenarios.list': async ({ dir }) =>
      listScenarioFolder(folder(dir)).map((e): ScenarioListEntry => {
        const c = e.case;
        if (!c) return { path: e.path, collection: e.collection, error: e.error };
        if (c.version === 1)
          return { path: e.path, collection: e.collection, version: 1, name: c.case.name, vendors: [c.case.vendor], turns: c.case.input ? 1 : 0 };
        return {
          path: e.path,
          collection: e.collection,
          version: 2,
          name: c.scenario.name,
          vendors: Object.keys(c.scenario.vendors),
          turns: c.scenario.steps.filter((s) => 'say' in s).length,
        };
      }),
    'scenarios.read': async ({ path }) => {
      const c = readCaseOrScenario(file(path));
      if (c.version === 2) return { scenario: c.scenario, migrated: false };
      const { legacyChecks, migratedFrom: _m, ...scenario } = migrateCase(c.case);
      return { scenario, migrated: true, legacyChecks };
    },
    'scenarios.save': async ({ dir, scenario, overwrite, fileName }) => {
      const target = folder(dir);
      const text = serializeScenario(parseScenario(JSON.stringify(scenario), (scenario as Scenario).name || 'scenario'));
      (await scanner()).assertClean(text, `scenario "${(scenario as Scenario).name}"`);
      const path = confined(target, fileName ?? caseFileName((scenario as Scenario).name));
      // A migrated version 1 file is replaced only when the user says so: saving never overwrites silently.
      if (!overwrite && existsSync(path)) throw new CaseFileError(`${path}: a case file with this name exists (choose another name or overwrite)`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, text);
      return { path };
    },
    'scenarios.utterances': async ({ dir }) => items(dir),
    'scenarios.utteranceAudio': async ({ dir, id }) => {
      const u = utteranceLibrary(dir ? folder(dir) : undefined).find((x) => x.id === id);
      if (!u) throw badArgs(`id: no utterance "${id}" in the library`);
      const bytes = readFileSync(u.path);
      return { base64: bytes.toString('base64'), mime: 'audio/wav', bytes: bytes.length };
    },
    'scenarios.addUtterance': async ({ dir, id, language, text, base64, overwrite }) => {
      const wav = Buffer.from(base64, 'base64');
      decodeLibraryWav(wav, `${id}.wav`);
      const { path: _p, ...entry } = addFolderUtterance(folder(dir), { id, language, text }, wav, { overwrite });
      return { id: entry.id, language: entry.language, text: entry.text, tags: entry.tags, origin: entry.origin };
    },
    'scenarios.run': async ({ path, vendors, profiles, target, lang }) => {
      const real = file(path);
      const c = readCaseOrScenario(real);
      const scenario = c.version === 2 ? c.scenario : migrateCase(c.case);
      const startedAt = new Date().toISOString();
      const t0 = performance.now();
      const rows = await runScenario(
        real,
        '',
        scenario,
        { sessions: runnerScenarioSessions(deps.runner), openers: conversationOpeners(VENDORS), ttsCacheDir: join(deps.dataDir, 'tts') },
        {
          target: target ?? 'sandbox',
          ...(vendors ? { vendors: vendors as VendorId[] } : {}),
          ...(profiles ? { profiles: profiles as Partial<Record<VendorId, string>> } : {}),
        },
      );
      const report = summarize(rows, target ?? 'sandbox', startedAt, Math.round(performance.now() - t0));
      const html = toHtmlReport(report, {
        lang: lang ?? 'en',
        // Only the bot audio of this run's own sessions goes into the report.
        readAudio: (audio) => {
          const row = rows.find((r) => r.botAudioFile === audio);
          if (!row?.sessionId) return null;
          try {
            return readFileSync(deps.sessions.directory.artifactFile(row.sessionId, basename(audio)));
          } catch {
            return null;
          }
        },
      });
      return { report, html };
    },
  };
}
