import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../../src-main/core/audio/wav.ts';
import {
  decodeLibraryWav,
  LibraryError,
  parseReplyTable,
  parseUtteranceLibrary,
  ReplyTable,
  withAudio,
  type BotReply,
  type WithAudio,
} from '../../../src-main/core/voice/library.ts';
import { BOT_DIR, UTTERANCES_DIR } from './fixtures.ts';

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
const utterance = { id: 'a', file: 'a.wav', language: 'en', text: 'Hello.' };
const reply = (over: Partial<BotReply>): BotReply => ({ id: 'r', file: 'r.wav', language: 'en', replyTo: null, text: 'Sorry?', ...over });
const audio = { samples: new Int16Array(160), sampleRate: 16000 };
const withSound = (r: BotReply): WithAudio<BotReply> => ({ ...r, audio });

describe('the shipped library', () => {
  const library = parseUtteranceLibrary(json(UTTERANCES_DIR, 'utterances.json'));
  const replies = parseReplyTable(json(BOT_DIR, 'replies.json'));

  it('has English and Chinese utterances, long ones to interrupt, one with noise and one with a pause', () => {
    const tagged = (tag: string) => library.filter((u) => u.tags.includes(tag)).map((u) => u.id);
    expect(new Set(library.map((u) => u.language))).toEqual(new Set(['en', 'zh']));
    expect(tagged('scenario-zh')).toHaveLength(4);
    expect(
      library
        .filter((u) => u.tags.includes('long'))
        .map((u) => u.language)
        .sort(),
    ).toEqual(['en', 'zh']);
    expect(tagged('noise')).toEqual(['kitchen-lights-noisy-en']);
    expect(tagged('pause')).toEqual(['table-pause-en']);
  });

  it('reads every file as 16 kHz mono; the long ones last 6-8 s', async () => {
    const loaded = await withAudio(library, (file) => readFileSync(join(UTTERANCES_DIR, file)));
    for (const u of loaded) {
      expect(u.audio.sampleRate, u.id).toBe(16000);
      if (u.tags.includes('long')) {
        expect(u.audio.samples.length / 16000, u.id).toBeGreaterThanOrEqual(6);
        expect(u.audio.samples.length / 16000, u.id).toBeLessThanOrEqual(8);
      }
    }
  });

  it('has a reply to every utterance and a generic one per language, each with audio', () => {
    const table = new ReplyTable(
      replies.map((r) => ({ ...r, audio: decodeLibraryWav(readFileSync(join(BOT_DIR, r.file)), r.file) })),
      library.map((u) => u.id),
    );
    for (const u of library) {
      const r = table.replyTo(u.id, u.language);
      expect(r.replyTo, u.id).toBe(u.id);
      expect(r.language).toBe(u.language);
      expect(r.audio.sampleRate).toBe(16000);
    }
    expect(table.replyTo(null, 'zh').id).toBe('unknown-zh');
    expect(table.replyTo(null, 'zh-CN').id).toBe('unknown-zh');
    expect(table.replyTo(null, 'en').id).toBe('unknown-en');
    expect(table.replyTo(null, 'fr').id).toBe('unknown-en');
    expect(table.replyTo('not-in-the-library', 'zh').id).toBe('unknown-zh');
  });
});

describe('utterances.json checks', () => {
  const bad = (entry: unknown) => () => parseUtteranceLibrary([entry]);

  it('accepts the documented fields, ignores others, defaults tags', () => {
    expect(parseUtteranceLibrary([{ ...utterance, make: { voice: 'en-us' } }])).toEqual([{ ...utterance, tags: [] }]);
  });

  it('says which entry and field is wrong and what was expected', () => {
    expect(() => parseUtteranceLibrary({})).toThrow(/utterances.json: expected a JSON array of entries, got object/);
    expect(bad('x')).toThrow(/entry 1: expected an object/);
    expect(bad({ ...utterance, file: '../secret.wav' })).toThrow(/entry 1: "file" must be a WAV file name without a folder .*got "\.\.\/secret\.wav"/);
    expect(bad({ ...utterance, file: 'a.mp3' })).toThrow(/"file" must be a WAV file name/);
    expect(bad({ ...utterance, language: 'english!' })).toThrow(/"language" must be a language code such as "en" or "zh"/);
    expect(bad({ ...utterance, text: '  ' })).toThrow(/"text" must be the reference transcript/);
    expect(bad({ ...utterance, text: undefined })).toThrow(/"text" must be the reference transcript .*got nothing/);
    expect(bad({ ...utterance, id: '' })).toThrow(/"id" must be letters, digits/);
    expect(bad({ ...utterance, tags: 'long' })).toThrow(/"tags" must be a list of words/);
    expect(() => parseUtteranceLibrary([utterance, { ...utterance, file: 'b.wav' }])).toThrow(/the id "a" is used twice/);
    expect(() => parseUtteranceLibrary([utterance, { ...utterance, id: 'b', file: 'A.WAV' }])).toThrow(/the file "A.WAV" is listed twice/);
    expect(bad({ ...utterance, file: '' })).toThrow(LibraryError);
  });
});

describe('replies.json checks', () => {
  it('needs a generic reply and at most one reply per utterance and per generic language', () => {
    expect(() => parseReplyTable([reply({ replyTo: 'a' })])).toThrow(/no generic reply \(replyTo null\)/);
    expect(() => parseReplyTable([reply({}), reply({ id: 's', file: 's.wav', language: 'en-GB' })])).toThrow(/two replies for generic answer in en/);
    expect(() => parseReplyTable([reply({}), reply({ id: 'x', file: 'x.wav', replyTo: 'a' }), reply({ id: 'y', file: 'y.wav', replyTo: 'a' })])).toThrow(
      /two replies for "a"/,
    );
    expect(() => parseReplyTable([reply({ replyTo: 5 as unknown as string })])).toThrow(/"replyTo" must be the id of a library utterance, or null/);
  });

  it('a reply to an utterance the library does not have is refused', () => {
    expect(() => new ReplyTable([withSound(reply({})), withSound(reply({ id: 'x', replyTo: 'typo' }))], ['a'])).toThrow(
      /"x" answers "typo", which is not in the utterance library/,
    );
  });

  it('falls back to English, then to any generic reply', () => {
    const zhOnly = new ReplyTable([withSound(reply({ id: 'zh', language: 'zh' }))]);
    expect(zhOnly.replyTo(null, 'en').id).toBe('zh');
  });
});

describe('audio', () => {
  it('decodes a stereo WAV to mono and names the file in errors', () => {
    const stereo = encodeWav(Int16Array.from([100, 300, -100, -300]), 8000, 2);
    expect(decodeLibraryWav(stereo, 'x.wav')).toEqual({ samples: Int16Array.from([200, -200]), sampleRate: 8000 });
    expect(() => decodeLibraryWav(new Uint8Array([1, 2, 3]), 'broken.wav')).toThrow(/broken.wav: WAV: expected at least 12 bytes/);
  });

  it('reads through any function returning bytes (fetch in the renderer)', async () => {
    const wav = encodeWav(new Int16Array(16), 16000);
    const loaded = await withAudio([{ ...utterance, tags: [] }], async (file) => (file === 'a.wav' ? wav : new Uint8Array()));
    expect(loaded[0]!.audio.samples).toHaveLength(16);
  });
});
