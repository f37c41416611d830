/**
 * The utterance library (resources/utterances/utterances.json) and the sandbox bot's replies
 * (resources/bot/replies.json): parsed and checked from plain data, and their WAV files decoded from bytes, so the
 * same code serves Node (fs) and the renderer (fetch). Node's loader of the shipped files is node/shipped.ts.
 */
import { parseWav } from '../audio/wav.ts';
import { toMono } from '../audio/pcm.ts';

export interface LibraryUtterance {
  id: string;
  /** A WAV file name in the library folder (no path). */
  file: string;
  /** BCP 47 language of the speech ("en", "zh"). */
  language: string;
  /** Reference transcript: what is said. */
  text: string;
  /** Free-form labels: short, long, interrupt (long enough to interrupt), noise, pause, scenario-zh, … */
  tags: string[];
}

export interface BotReply {
  id: string;
  file: string;
  language: string;
  /** The library utterance this answers; null for the generic answer to speech the bot did not recognise. */
  replyTo: string | null;
  text: string;
}

/** Mono PCM16 audio. */
export interface VoiceAudio {
  samples: Int16Array;
  sampleRate: number;
}

export type WithAudio<T> = T & { audio: VoiceAudio };

export class LibraryError extends Error {
  readonly code = 'VOICE_LIBRARY';
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const WAV_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.wav$/i;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const MAX_TEXT = 2000;

function entries(json: unknown, source: string): Record<string, unknown>[] {
  if (!Array.isArray(json)) throw new LibraryError(`${source}: expected a JSON array of entries, got ${json === null ? 'null' : typeof json}`);
  return json.map((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new LibraryError(`${source} entry ${i + 1}: expected an object`);
    return entry as Record<string, unknown>;
  });
}

function field(entry: Record<string, unknown>, name: string, pattern: RegExp | null, where: string, expected: string): string {
  const value = entry[name];
  if (typeof value !== 'string' || (pattern && !pattern.test(value)) || value.length > MAX_TEXT || (!pattern && !value.trim()))
    throw new LibraryError(`${where}: "${name}" must be ${expected}, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

function unique<T extends { id: string; file: string }>(list: T[], source: string): T[] {
  const ids = new Set<string>();
  const files = new Set<string>();
  for (const item of list) {
    if (ids.has(item.id)) throw new LibraryError(`${source}: the id "${item.id}" is used twice`);
    if (files.has(item.file.toLowerCase())) throw new LibraryError(`${source}: the file "${item.file}" is listed twice`);
    ids.add(item.id);
    files.add(item.file.toLowerCase());
  }
  return list;
}

const FILE_RULE = 'a WAV file name without a folder (letters, digits, . _ -, ending in .wav)';
const ID_RULE = 'letters, digits, . _ - (at most 100)';
const LANGUAGE_RULE = 'a language code such as "en" or "zh"';

/** utterances.json: every entry with id, file, language, text and optional tags; other fields are ignored. */
export function parseUtteranceLibrary(json: unknown, source = 'utterances.json'): LibraryUtterance[] {
  return unique(
    entries(json, source).map((entry, i) => {
      const where = `${source} entry ${i + 1}`;
      const tags = entry.tags ?? [];
      if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
        throw new LibraryError(`${where}: "tags" must be a list of words, got ${JSON.stringify(tags)}`);
      return {
        id: field(entry, 'id', ID, where, ID_RULE),
        file: field(entry, 'file', WAV_FILE, where, FILE_RULE),
        language: field(entry, 'language', LANGUAGE, where, LANGUAGE_RULE),
        text: field(entry, 'text', null, where, `the reference transcript (1-${MAX_TEXT} characters)`),
        tags: [...tags] as string[],
      };
    }),
    source,
  );
}

/** replies.json: every entry with id, file, language, text and replyTo (an utterance id, or null for the generic answer). */
export function parseReplyTable(json: unknown, source = 'replies.json'): BotReply[] {
  const replies = unique(
    entries(json, source).map((entry, i) => {
      const where = `${source} entry ${i + 1}`;
      if (entry.replyTo !== null && (typeof entry.replyTo !== 'string' || !ID.test(entry.replyTo)))
        throw new LibraryError(
          `${where}: "replyTo" must be the id of a library utterance, or null for the answer to unrecognised speech, got ${JSON.stringify(entry.replyTo) ?? 'nothing'}`,
        );
      return {
        id: field(entry, 'id', ID, where, ID_RULE),
        file: field(entry, 'file', WAV_FILE, where, FILE_RULE),
        language: field(entry, 'language', LANGUAGE, where, LANGUAGE_RULE),
        replyTo: entry.replyTo as string | null,
        text: field(entry, 'text', null, where, `the reply's text (1-${MAX_TEXT} characters)`),
      };
    }),
    source,
  );
  const seen = new Set<string>();
  for (const r of replies) {
    const key = r.replyTo ?? `generic answer in ${primaryLanguage(r.language)}`;
    if (seen.has(key)) throw new LibraryError(`${source}: two replies for ${r.replyTo ? `"${r.replyTo}"` : key}`);
    seen.add(key);
  }
  if (!replies.some((r) => r.replyTo === null)) throw new LibraryError(`${source}: no generic reply (replyTo null) for speech the bot does not recognise`);
  return replies;
}

/** A library WAV as mono PCM16 at its own rate; the error names the file. */
export function decodeLibraryWav(bytes: Uint8Array, file: string): VoiceAudio {
  try {
    const wav = parseWav(bytes);
    return { samples: toMono(wav.samples, wav.channels), sampleRate: wav.sampleRate };
  } catch (e) {
    throw new LibraryError(`${file}: ${(e as Error).message}`);
  }
}

/** Each entry with its decoded audio; `read` returns a file's bytes (fs in Node, fetch in the renderer). */
export async function withAudio<T extends { file: string }>(
  list: readonly T[],
  read: (file: string) => Uint8Array | Promise<Uint8Array>,
): Promise<WithAudio<T>[]> {
  return Promise.all(list.map(async (entry) => ({ ...entry, audio: decodeLibraryWav(await read(entry.file), entry.file) })));
}

export function primaryLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0]!;
}

/** The bot's replies by the utterance they answer, plus the generic answers by language. */
export class ReplyTable {
  private readonly byUtterance = new Map<string, WithAudio<BotReply>>();
  private readonly generic = new Map<string, WithAudio<BotReply>>();
  private readonly fallback: WithAudio<BotReply>;

  /** `utteranceIds`, when given, must contain every `replyTo`: a reply to nothing is a typo in replies.json. */
  constructor(replies: readonly WithAudio<BotReply>[], utteranceIds?: Iterable<string>) {
    const known = utteranceIds ? new Set(utteranceIds) : null;
    for (const r of replies) {
      if (r.replyTo === null) this.generic.set(primaryLanguage(r.language), r);
      else if (known && !known.has(r.replyTo)) throw new LibraryError(`replies.json: "${r.id}" answers "${r.replyTo}", which is not in the utterance library`);
      else this.byUtterance.set(r.replyTo, r);
    }
    const fallback = this.generic.get('en') ?? this.generic.values().next().value;
    if (!fallback) throw new LibraryError('replies.json: no generic reply (replyTo null) for speech the bot does not recognise');
    this.fallback = fallback;
  }

  /** The answer to a recognised utterance, or the generic answer in `language` (English when there is none in it). */
  replyTo(utteranceId: string | null, language: string): WithAudio<BotReply> {
    return (utteranceId !== null ? this.byUtterance.get(utteranceId) : undefined) ?? this.generic.get(primaryLanguage(language)) ?? this.fallback;
  }
}
