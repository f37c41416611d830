import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src-main/core/audio/wav.ts';
import { rms } from '../../../src-main/core/audio/pcm.ts';
import { speakText, TtsError, voiceForLanguage } from '../../../src-main/core/voice/node/tts.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';

const root = mkdtempSync(join(tmpdir(), 'parley-tts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshCache = () => join(root, `cache-${++n}`);

describe('text to speech with espeak-ng', () => {
  it('speaks English into a 16 kHz mono WAV in the cache folder, and reuses it the second time', async () => {
    const cacheDir = freshCache();
    const first = await speakText('Tell me a short joke, please.', { cacheDir, language: 'en' });
    expect(first).toMatchObject({ voice: 'en-us', sampleRate: 16000, cached: false });
    expect(first.file.startsWith(cacheDir)).toBe(true);
    const wav = parseWav(readFileSync(first.file));
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
    expect(wav.durationSeconds).toBeCloseTo(first.seconds, 3);
    expect(wav.durationSeconds).toBeGreaterThan(1);
    expect(rms(wav.samples)).toBeGreaterThan(0.02);
    const modified = statSync(first.file).mtimeMs;
    const second = await speakText('Tell me a short joke, please.', { cacheDir, language: 'en' });
    expect(second).toEqual({ ...first, cached: true });
    expect(statSync(first.file).mtimeMs).toBe(modified);
    expect(readdirSync(cacheDir)).toEqual([first.file.slice(cacheDir.length + 1)]);
  });

  it('speaks what the sandbox bot recognises as the library utterance with the same text, voice and speed', async () => {
    const { recogniser } = shippedVoice();
    const spoken = await speakText('Hello, what is the weather like today?', { cacheDir: freshCache(), language: 'en', speed: 150 });
    const wav = parseWav(readFileSync(spoken.file));
    expect(recogniser.recognise({ samples: wav.samples, sampleRate: wav.sampleRate }).utterance?.id).toBe('hello-weather-en');
  });

  it('speaks Chinese with the Mandarin voice, chosen from the language or guessed from the script', async () => {
    const cacheDir = freshCache();
    const explicit = await speakText('谢谢你,再见。', { cacheDir, language: 'zh-CN' });
    const guessed = await speakText('谢谢你,再见。', { cacheDir });
    expect(explicit.voice).toBe('cmn-latn-pinyin');
    expect(guessed).toEqual({ ...explicit, cached: true });
    expect(parseWav(readFileSync(explicit.file)).durationSeconds).toBeGreaterThan(0.8);
  });

  it('gives a different file for another text, voice or speed', async () => {
    const cacheDir = freshCache();
    const files = new Set<string>();
    for (const o of [
      { text: 'One.', speed: 150 },
      { text: 'Two.', speed: 150 },
      { text: 'One.', speed: 200 },
      { text: 'One.', speed: 150, voice: 'en-gb' },
    ])
      files.add((await speakText(o.text, { cacheDir, speed: o.speed, voice: o.voice })).file);
    expect(files.size).toBe(4);
  });

  it('runs espeak-ng once for the same sentence asked twice at the same time', async () => {
    const cacheDir = freshCache();
    const [a, b] = await Promise.all([speakText('At the same time.', { cacheDir }), speakText('At the same time.', { cacheDir })]);
    expect(a).toEqual(b);
    expect(readdirSync(cacheDir)).toHaveLength(1);
  });

  it('makes a damaged cache entry again', async () => {
    const cacheDir = freshCache();
    const first = await speakText('Damaged.', { cacheDir });
    writeFileSync(first.file, 'not a wav');
    const again = await speakText('Damaged.', { cacheDir });
    expect(again.cached).toBe(false);
    expect(parseWav(readFileSync(again.file)).sampleRate).toBe(16000);
  });

  it('takes text that looks like an option as text', async () => {
    const spoken = await speakText('--help -v xx', { cacheDir: freshCache(), language: 'en' });
    expect(spoken.seconds).toBeGreaterThan(0.5);
  });
});

describe('errors', () => {
  const failure = async (promise: Promise<unknown>) => {
    const e = await promise.then(
      () => null,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(TtsError);
    return e as TtsError;
  };

  it('says espeak-ng is missing and how to install it', async () => {
    const e = await failure(speakText('Hello.', { cacheDir: freshCache(), command: join(root, 'no-such-espeak-ng') }));
    expect(e.code).toBe('TTS_NOT_INSTALLED');
    expect(e.message).toMatch(/espeak-ng, which is not installed \(or not on PATH\)/);
    expect(e.message).toMatch(/sudo apt-get install espeak-ng/);
    expect(e.message).toMatch(/brew install espeak-ng/);
  });

  it('passes on espeak-ng’s own message for a voice it does not have', async () => {
    const e = await failure(speakText('Hello.', { cacheDir: freshCache(), voice: 'xx-none' }));
    expect(e.code).toBe('TTS_FAILED');
    expect(e.message).toMatch(/voice xx-none\) failed with exit code 1: .*voice does not exist/);
  });

  it('refuses empty, too long or unspeakable input before running anything', async () => {
    const cacheDir = freshCache();
    expect((await failure(speakText('  ', { cacheDir }))).message).toMatch(/the text is empty/);
    expect((await failure(speakText('a'.repeat(2001), { cacheDir }))).message).toMatch(/2001 characters; at most 2000/);
    expect((await failure(speakText('Hello.', { cacheDir, language: 'fr' }))).message).toMatch(/no built-in voice for language "fr"/);
    expect((await failure(speakText('Hello.', { cacheDir, voice: '-x' }))).message).toMatch(/"-x" is not an espeak-ng voice name/);
    expect((await failure(speakText('Hello.', { cacheDir, speed: 5 }))).message).toMatch(/speed must be .* 80-450, got 5/);
    expect((await failure(speakText('...', { cacheDir, language: 'en' }))).code).toBe('TTS_FAILED');
  });

  it('maps languages to voices', () => {
    expect(['en', 'en-GB', 'zh', 'zh-CN', 'cmn', 'zh-yue', 'yue'].map(voiceForLanguage)).toEqual([
      'en-us',
      'en-us',
      'cmn-latn-pinyin',
      'cmn-latn-pinyin',
      'cmn-latn-pinyin',
      'yue',
      'yue',
    ]);
  });
});
