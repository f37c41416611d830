/**
 * Where a turn's speech comes from. A scenario folder may carry its own utterances (`utterances/utterances.json`
 * plus WAV files, the shipped library's format), so the library travels with the folder in git and in bundles;
 * an id is looked up there first, then in the shipped library (resources/utterances/).
 */
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { resourcePath } from '../resources.ts';
import { confined, isInside, MiB, writeFileAtomic } from '../paths.ts';
import { decodeLibraryWav, parseUtteranceLibrary, type LibraryUtterance } from '../voice/library.ts';
import { guessLanguage } from '../voice/accuracy.ts';
import { speakText } from '../voice/node/tts.ts';
import { resolveScenarioPath, ScenarioFileError, type ScenarioSay } from './scenario-file.ts';

export const FOLDER_LIBRARY = 'utterances';
/** The largest WAV an utterance may be (added in the app or carried in a bundle): about 4 minutes of 16 kHz mono speech. */
export const MAX_UTTERANCE_WAV_BYTES = 8 * MiB;
const LIBRARY_FILE = 'utterances.json';

export interface LibraryEntry extends LibraryUtterance {
  /** Absolute path of its WAV. */
  path: string;
  origin: 'folder' | 'shipped';
}

function readLibrary(dir: string, origin: LibraryEntry['origin']): LibraryEntry[] {
  const file = join(dir, LIBRARY_FILE);
  if (!existsSync(file)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScenarioFileError(`${file}: not JSON (${(err as Error).message})`);
  }
  return parseUtteranceLibrary(json, file).map((u) => ({ ...u, path: confined(dir, u.file), origin }));
}

/** The utterances a scenario in `folder` can say: the folder's own first (they shadow shipped ids), then the shipped ones. */
export function utteranceLibrary(folder: string | undefined): LibraryEntry[] {
  const own = folder ? readLibrary(join(folder, FOLDER_LIBRARY), 'folder') : [];
  const ids = new Set(own.map((u) => u.id));
  return [...own, ...readLibrary(resourcePath('utterances'), 'shipped').filter((u) => !ids.has(u.id))];
}

/** A say step as the turn needs it: an absolute WAV path (or a text), its reference text and language. */
export interface ResolvedSay {
  wav?: string;
  text?: string;
  speak?: boolean;
  reference: string;
  language: string;
  /** For reports: the utterance id, the WAV's name or "text". */
  label: string;
}

export interface ResolveOptions {
  /** The scenario file (relative WAV paths are relative to its folder). */
  scenarioFile?: string;
  library: LibraryEntry[];
  /** Where spoken text turns' WAVs are cached. */
  ttsCacheDir: string;
}

export async function resolveSay(say: ScenarioSay, where: string, o: ResolveOptions): Promise<ResolvedSay> {
  if (say.utterance !== undefined) {
    const u = o.library.find((x) => x.id === say.utterance);
    if (!u)
      throw new ScenarioFileError(
        `${where}/utterance: no utterance "${say.utterance}" in the folder's ${FOLDER_LIBRARY}/${LIBRARY_FILE} or the shipped library (e.g. ${o.library
          .slice(0, 3)
          .map((x) => x.id)
          .join(', ')})`,
      );
    if (!existsSync(u.path)) throw new ScenarioFileError(`${where}/utterance: "${u.id}" lists ${u.file}, which does not exist`);
    return { wav: u.path, reference: u.text, language: say.language ?? u.language, label: u.id };
  }
  if (say.wav !== undefined) {
    const path = resolveScenarioPath(o.scenarioFile, say.wav);
    if (!existsSync(path)) throw new ScenarioFileError(`${where}/wav: ${path} does not exist`);
    const reference = say.reference ?? '';
    return { wav: path, reference, language: say.language ?? guessLanguage(reference), label: say.wav };
  }
  const text = say.text ?? '';
  const language = say.language ?? guessLanguage(text);
  if (say.speak) {
    const spoken = await speakText(text, { cacheDir: o.ttsCacheDir, language });
    return { wav: spoken.file, reference: text, language, label: `tts: ${text.slice(0, 40)}` };
  }
  return { text, reference: text, language, label: `text: ${text.slice(0, 40)}` };
}

/**
 * Add a user's utterance (WAV bytes plus its reference text) to a scenario folder's library, as `<id>.wav` unless
 * `file` names it (a bundled one keeps its name). The WAV is checked by decoding it; an id that exists is refused
 * unless `overwrite`, a file name another utterance uses always.
 */
export function addFolderUtterance(
  folder: string,
  u: { id: string; language: string; text: string; tags?: string[] },
  wav: Uint8Array,
  opts: { overwrite?: boolean; file?: string } = {},
): LibraryEntry {
  const dir = join(folder, FOLDER_LIBRARY);
  const file = opts.file ?? `${u.id}.wav`;
  const entry = parseUtteranceLibrary([{ id: u.id, file, language: u.language, text: u.text, tags: u.tags ?? [] }], 'utterance')[0]!;
  if (wav.length > MAX_UTTERANCE_WAV_BYTES)
    throw new ScenarioFileError(`${file}: ${(wav.length / MiB).toFixed(1)} MB, more than the ${MAX_UTTERANCE_WAV_BYTES / MiB} MB an utterance may be`);
  decodeLibraryWav(wav, file);
  mkdirSync(dir, { recursive: true });
  if (!isInside(realpathSync(folder), realpathSync(dir))) throw new ScenarioFileError(`${dir}: the utterances folder leads out of the scenario folder`);
  const existing = readLibrary(dir, 'folder');
  const clash = existing.find((x) => x.id === entry.id);
  if (clash && !opts.overwrite) throw new ScenarioFileError(`id: the folder already has an utterance "${entry.id}" (choose another id or overwrite it)`);
  const sharer = existing.find((x) => x.id !== entry.id && x.file.toLowerCase() === file.toLowerCase());
  if (sharer) throw new ScenarioFileError(`${file}: the folder's utterance "${sharer.id}" already uses this file name`);
  const path = confined(dir, file);
  writeFileAtomic(path, wav);
  const list = [...existing.filter((x) => x.id !== entry.id), { ...entry, path, origin: 'folder' as const }];
  writeFileAtomic(
    join(dir, LIBRARY_FILE),
    JSON.stringify(
      list.map(({ id, file: f, language, text, tags }) => ({ id, file: f, language, text, tags })),
      null,
      2,
    ) + '\n',
  );
  return { ...entry, path, origin: 'folder' };
}
