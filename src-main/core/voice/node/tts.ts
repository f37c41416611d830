/**
 * Text to speech for text inputs ("say this sentence"): espeak-ng speaks the text, Parley turns it into the format
 * of the utterance library (16 kHz mono PCM16 WAV, ends trimmed at 1 % amplitude, peak at −3 dBFS), and keeps it in
 * a cache folder the caller chooses, named by a hash of what determines the sound (text, voice, speed), so a
 * scenario run twice speaks byte-identical audio and espeak-ng runs once per sentence.
 *
 * Voices: English en-us, Chinese cmn-latn-pinyin (espeak-ng's Mandarin; its plain `cmn` voice reads the tone
 * numbers of its pinyin in English), Cantonese yue. espeak-ng must be on PATH (or given as `command`); it is not
 * bundled, and when it is missing the error says how to install it.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav, parseWav } from '../../audio/wav.ts';
import { resampleToMono } from '../../audio/resample.ts';
import { guessLanguage } from '../accuracy.ts';
import { normalisePeak, trimSilence } from '../signal.ts';

export interface TtsOptions {
  /** Folder of the cached WAV files (created when missing). */
  cacheDir: string;
  /** Language of the text (BCP 47); guessed from its script when absent. Picks the voice. */
  language?: string;
  /** An espeak-ng voice name instead of the language's (`espeak-ng --voices` lists them). */
  voice?: string;
  /** Words per minute, 80-450 (default 150 for English, 165 otherwise: the library's speeds). */
  speed?: number;
  /** The espeak-ng program (default "espeak-ng", found on PATH). */
  command?: string;
  /** Longest time espeak-ng may take, ms (default 30000). */
  timeoutMs?: number;
}

export interface SpokenText {
  /** The cached WAV file. */
  file: string;
  voice: string;
  sampleRate: 16000;
  seconds: number;
  /** True when the file was already in the cache. */
  cached: boolean;
}

export type TtsErrorCode = 'TTS_NOT_INSTALLED' | 'TTS_BAD_INPUT' | 'TTS_FAILED';

export class TtsError extends Error {
  readonly code: TtsErrorCode;
  constructor(code: TtsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const SAMPLE_RATE = 16000;
const MAX_TEXT = 2000;
/** espeak-ng's output for MAX_TEXT characters is far below this; more means something is wrong. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Bumped when the processing after espeak-ng changes, so old cache entries are not reused. */
const FORMAT_VERSION = 1;

const INSTALL_HINT =
  'Text inputs are spoken with espeak-ng, which is not installed (or not on PATH). Install it and restart Parley: ' +
  'Debian/Ubuntu "sudo apt-get install espeak-ng", Fedora "sudo dnf install espeak-ng", macOS "brew install espeak-ng", ' +
  'Windows the espeak-ng installer from github.com/espeak-ng/espeak-ng/releases. Or use a WAV file as the input instead.';

/** The espeak-ng voice for a language: en → en-us, zh/cmn → cmn-latn-pinyin, yue → yue. */
export function voiceForLanguage(language: string): string {
  const primary = language.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'en') return 'en-us';
  if (primary === 'zh' || primary === 'cmn') return language.toLowerCase().includes('yue') ? 'yue' : 'cmn-latn-pinyin';
  if (primary === 'yue') return 'yue';
  throw new TtsError('TTS_BAD_INPUT', `text to speech: no built-in voice for language "${language}" (en, zh, yue); give an espeak-ng voice name instead`);
}

const inFlight = new Map<string, Promise<SpokenText>>();

/** Speak `text` into a cached 16 kHz mono WAV file; the same text, voice and speed give the same file. */
export async function speakText(text: string, options: TtsOptions): Promise<SpokenText> {
  if (typeof text !== 'string' || !text.trim()) throw new TtsError('TTS_BAD_INPUT', 'text to speech: the text is empty; write the sentence to speak');
  if (text.length > MAX_TEXT)
    throw new TtsError('TTS_BAD_INPUT', `text to speech: the text has ${text.length} characters; at most ${MAX_TEXT} are spoken (split it into several turns)`);
  if (text.includes('\0')) throw new TtsError('TTS_BAD_INPUT', 'text to speech: the text contains a NUL character');
  const language = options.language ?? guessLanguage(text);
  const voice = options.voice ?? voiceForLanguage(language);
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(voice))
    throw new TtsError('TTS_BAD_INPUT', `text to speech: "${voice}" is not an espeak-ng voice name (letters, digits, . _ + -)`);
  const speed = options.speed ?? (voice.startsWith('en') ? 150 : 165);
  if (!Number.isInteger(speed) || speed < 80 || speed > 450)
    throw new TtsError('TTS_BAD_INPUT', `text to speech: speed must be a whole number of words per minute, 80-450, got ${speed}`);
  const key = createHash('sha256')
    .update(JSON.stringify({ version: FORMAT_VERSION, text, voice, speed }))
    .digest('hex')
    .slice(0, 32);
  const file = join(options.cacheDir, `tts-${key}.wav`);
  const running = inFlight.get(file);
  if (running) return running;
  const job = (async (): Promise<SpokenText> => {
    const existing = await readFile(file).catch(() => null);
    if (existing) {
      try {
        return { file, voice, sampleRate: SAMPLE_RATE, seconds: parseWav(existing).durationSeconds, cached: true };
      } catch {
        // A damaged cache entry is made again.
      }
    }
    const samples = toLibraryFormat(await runEspeak(text, voice, speed, options), voice);
    await mkdir(options.cacheDir, { recursive: true });
    const partial = `${file}.${randomUUID()}.partial`;
    try {
      await writeFile(partial, encodeWav(samples, SAMPLE_RATE));
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
    }
    return { file, voice, sampleRate: SAMPLE_RATE, seconds: samples.length / SAMPLE_RATE, cached: false };
  })();
  inFlight.set(file, job);
  try {
    return await job;
  } finally {
    inFlight.delete(file);
  }
}

function toLibraryFormat(wavBytes: Uint8Array, voice: string): Int16Array {
  let wav;
  try {
    wav = parseWav(wavBytes);
  } catch (e) {
    throw new TtsError('TTS_FAILED', `text to speech: espeak-ng (voice ${voice}) did not produce a WAV file: ${(e as Error).message}`);
  }
  const speech = trimSilence(resampleToMono(wav.samples, wav.channels, wav.sampleRate, SAMPLE_RATE));
  if (speech.length === 0)
    throw new TtsError('TTS_FAILED', `text to speech: espeak-ng (voice ${voice}) produced no speech for this text; is it in the voice's language?`);
  return normalisePeak(speech, -3);
}

function runEspeak(text: string, voice: string, speed: number, options: TtsOptions): Promise<Uint8Array> {
  const command = options.command ?? 'espeak-ng';
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    // The text goes in on stdin, never as an argument: it cannot be taken for an option, whatever it starts with.
    const child = spawn(command, ['-v', voice, '-s', String(speed), '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const fail = (error: TtsError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new TtsError('TTS_FAILED', `text to speech: espeak-ng took longer than ${timeoutMs} ms and was stopped`)), timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'ENOENT'
          ? new TtsError('TTS_NOT_INSTALLED', `${INSTALL_HINT} (looked for "${command}")`)
          : new TtsError('TTS_FAILED', `text to speech: could not run ${command}: ${e.message}`),
      ),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) fail(new TtsError('TTS_FAILED', `text to speech: espeak-ng wrote more than ${MAX_OUTPUT_BYTES} bytes`));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4000) err += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {
      /* espeak-ng exited early; its exit status says why */
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (code === 0) resolve(new Uint8Array(Buffer.concat(out)));
      else reject(new TtsError('TTS_FAILED', `text to speech: espeak-ng (voice ${voice}) failed with exit code ${code}: ${err.trim() || 'no message'}`));
    });
    child.stdin.end(text, 'utf8');
  });
}
