/**
 * Scenarios in reproduction bundles: a case file's text as saved, plus the utterances of its folder's own library
 * (`utterances/`: WAV plus reference text, the user's own ones included) that it says, so the scenario runs where
 * the bundle is opened. Shipped utterances are not bundled (every Parley has them).
 *
 * Restoring is checked in full before anything is written: the file name is a plain case file name, the text
 * parses as a case or scenario, every utterance entry passes the library's rules (its WAV name has no folder),
 * every WAV is under the size limit and decodes as WAV. An utterance or case file already in the folder is kept
 * when it is the same, and refused when it differs (unless overwriting), so a second import changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { confined, MiB, readRegularFile, writeFileAtomic } from '../paths.ts';
import { decodeLibraryWav, parseUtteranceLibrary } from '../voice/library.ts';
import type { BundleScenario } from '../workflows/bundle.ts';
import { CASE_SUFFIX, MAX_SCENARIO_BYTES, parseCaseOrScenario, readCaseOrScenario, ScenarioFileError, type Scenario } from './scenario-file.ts';
import { addFolderUtterance, FOLDER_LIBRARY, MAX_UTTERANCE_WAV_BYTES, utteranceLibrary } from './utterances.ts';

/** The utterance ids a scenario says (turns and barge-ins), in order, once each. */
export function utteranceIds(s: Scenario): string[] {
  const ids: string[] = [];
  for (const step of s.steps) {
    if (!('say' in step)) continue;
    for (const id of [step.say.utterance, step.interrupt?.utterance]) if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** A case file and the folder utterances it says, as a bundle part. */
export function bundleScenario(file: string): BundleScenario {
  const text = readRegularFile(file, MAX_SCENARIO_BYTES, basename(file)).toString('utf8');
  const c = readCaseOrScenario(file);
  const part: BundleScenario = { file: basename(file), text, utterances: [] };
  if (c.version !== 2) return part;
  const library = utteranceLibrary(dirname(file));
  for (const id of utteranceIds(c.scenario)) {
    const u = library.find((x) => x.id === id);
    if (!u)
      throw new ScenarioFileError(`${basename(file)}: says the utterance "${id}", which is in neither the folder's ${FOLDER_LIBRARY}/ nor the shipped library`);
    if (u.origin !== 'folder') continue;
    const bytes = readRegularFile(u.path, MAX_UTTERANCE_WAV_BYTES, u.file);
    part.utterances.push({ id: u.id, file: u.file, language: u.language, text: u.text, tags: u.tags, base64: bytes.toString('base64') });
  }
  return part;
}

const CASE_NAME = /^[^/\\\u0000-\u001f.][^/\\\u0000-\u001f]{0,190}$/;

/** Everything of a bundled scenario checked, nothing written: its case file name, text and decoded utterances. */
function checkPart(part: BundleScenario, where: string) {
  if (typeof part.file !== 'string' || !CASE_NAME.test(part.file) || !part.file.endsWith(CASE_SUFFIX))
    throw new ScenarioFileError(
      `${where}: the file name ${JSON.stringify(part.file)} is not a case file name (a name without a folder, ending in ${CASE_SUFFIX})`,
    );
  if (Buffer.byteLength(part.text) > MAX_SCENARIO_BYTES) throw new ScenarioFileError(`${where}: ${part.file} is larger than ${MAX_SCENARIO_BYTES / MiB} MB`);
  parseCaseOrScenario(part.text, `${where} (${part.file})`);
  const entries = parseUtteranceLibrary(
    part.utterances.map(({ base64: _b, ...entry }) => entry),
    `${where} utterances`,
  );
  const wavs = part.utterances.map((u, i) => {
    const what = `${where} utterance "${entries[i]!.id}" (${entries[i]!.file})`;
    // Base64 is 4 characters per 3 bytes: the size is known before decoding.
    if (typeof u.base64 !== 'string' || Math.floor((u.base64.length * 3) / 4) > MAX_UTTERANCE_WAV_BYTES + 2)
      throw new ScenarioFileError(`${what}: larger than ${MAX_UTTERANCE_WAV_BYTES / MiB} MB, the most an utterance may be`);
    const bytes = Buffer.from(u.base64, 'base64');
    if (bytes.length > MAX_UTTERANCE_WAV_BYTES)
      throw new ScenarioFileError(`${what}: larger than ${MAX_UTTERANCE_WAV_BYTES / MiB} MB, the most an utterance may be`);
    try {
      decodeLibraryWav(bytes, entries[i]!.file);
    } catch (err) {
      throw new ScenarioFileError(`${what}: not a WAV file Parley can play (${(err as Error).message})`);
    }
    return bytes;
  });
  return { entries, wavs };
}

export interface RestoredScenario {
  path: string;
  /** Utterance ids written to the folder's library, and those it already had unchanged. */
  added: string[];
  unchanged: string[];
}

/** Write a bundled scenario and its utterances into the case folder `dir` (see the rules at the top of this file). */
export function restoreScenario(part: BundleScenario, dir: string, where: string, opts: { overwrite?: boolean } = {}): RestoredScenario {
  const { entries, wavs } = checkPart(part, where);
  const path = confined(dir, part.file);
  const own = utteranceLibrary(dir).filter((u) => u.origin === 'folder');
  const unchanged: string[] = [];
  entries.forEach((e, i) => {
    const have = own.find((u) => u.id === e.id);
    if (!have) return;
    const same = have.text === e.text && have.language === e.language && existsSync(have.path) && readFileSync(have.path).equals(wavs[i]!);
    if (same) unchanged.push(e.id);
    else if (!opts.overwrite)
      throw new ScenarioFileError(
        `${where}: the case folder already has a different utterance "${e.id}" (${join(FOLDER_LIBRARY, have.file)}); import into another folder or overwrite`,
      );
  });
  if (existsSync(path) && readFileSync(path, 'utf8') !== part.text && !opts.overwrite)
    throw new ScenarioFileError(`${where}: ${part.file} exists in the case folder with other content; import into another folder or overwrite`);
  const added: string[] = [];
  entries.forEach((e, i) => {
    if (unchanged.includes(e.id)) return;
    addFolderUtterance(dir, e, wavs[i]!, { overwrite: true, file: e.file });
    added.push(e.id);
  });
  writeFileAtomic(path, part.text);
  return { path, added, unchanged };
}
