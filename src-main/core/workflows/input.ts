/**
 * The speech input of a run: a WAV file the user chose, a shipped sample, WAV bytes or text. Speech is read only from
 * regular files of at most MAX_SPEECH_BYTES that parse as WAV; what the user picked outside the data folder is kept
 * under `<data>/inputs/` (by content), so the session record can be run again and exported after a restart.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isWav, parseWav, WavError } from '../audio/wav.ts';
import { confined, isInside, MiB, readRegularFile } from '../paths.ts';
import { resourcePath } from '../resources.ts';
import type { TurnInput } from './turn.ts';

/** About 17 minutes of 16 kHz mono PCM16, or 3 minutes of 48 kHz stereo: more than any one utterance needs. */
export const MAX_SPEECH_BYTES = 32 * MiB;

export interface InputSpec {
  text?: string;
  /** A WAV file path chosen with dialog.open (speechWav), or below the data folder. */
  wav?: string;
  /** A sample utterance shipped in resources/utterances. */
  sample?: string;
  /** WAV bytes picked in the renderer. */
  wavBase64?: string;
  wavName?: string;
}

export class SpeechInputError extends Error {
  readonly code = 'SPEECH_INVALID';
}

/** Throws a SpeechInputError naming `field` unless `bytes` are a WAV file with audio Parley can decode. */
export function checkSpeech(bytes: Uint8Array, field: string): void {
  // The header check comes first and its message quotes nothing: the bytes may be any file's.
  if (!isWav(bytes)) throw new SpeechInputError(`${field}: not a WAV file (no RIFF/WAVE header); choose a .wav recording`);
  try {
    const wav = parseWav(bytes);
    if (wav.samples.length === 0) throw new SpeechInputError(`${field}: the WAV file holds no audio samples`);
  } catch (err) {
    if (err instanceof WavError) throw new SpeechInputError(`${field}: ${err.message}`);
    throw err;
  }
}

/** The bytes of a speech file: regular, within the size limit, parsing as WAV. */
export function readSpeechFile(path: string, field: string): Buffer {
  const bytes = readRegularFile(path, MAX_SPEECH_BYTES, field);
  checkSpeech(bytes, field);
  return bytes;
}

export interface SpeechStoreOptions {
  dataDir: string;
  /** The real path the renderer may read for speech (the grants); throws when it may not. */
  access(path: string, field: string): string;
}

export interface SpeechStore {
  /** Speech from the renderer's InputSpec, checked and ready for a turn. */
  resolve(spec: InputSpec): TurnInput;
  /** A WAV path the renderer (or a record it chose) names: allowed, checked; kept in the data folder when outside it. */
  file(path: string, field: string): string;
  /** WAV bytes, checked and kept in the data folder. */
  bytes(bytes: Uint8Array, name: string, field: string): string;
}

export function speechStore(options: SpeechStoreOptions): SpeechStore {
  const inputsDir = () => {
    const d = confined(options.dataDir, 'inputs');
    mkdirSync(d, { recursive: true });
    return d;
  };
  const keep = (bytes: Uint8Array, name: string): string => {
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const safe = basename(name)
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^\.+/, '')
      .replace(/(\.wav)?$/i, '.wav');
    const dir = confined(inputsDir(), hash);
    mkdirSync(dir, { recursive: true });
    const file = confined(dir, safe);
    if (!existsSync(file)) {
      writeFileSync(file + '.tmp', bytes);
      renameSync(file + '.tmp', file);
    }
    return file;
  };
  const store: SpeechStore = {
    bytes(bytes, name, field) {
      if (bytes.length > MAX_SPEECH_BYTES) throw new SpeechInputError(`${field}: larger than the ${MAX_SPEECH_BYTES / MiB} MB Parley reads`);
      checkSpeech(bytes, field);
      return keep(bytes, name);
    },
    file(path, field) {
      const real = options.access(path, field);
      const bytes = readSpeechFile(real, field);
      const shipped = isInside(resourcePath('utterances'), real);
      return shipped || isInside(inputsDir(), real) ? real : keep(bytes, basename(real));
    },
    resolve(spec) {
      const given = [spec.text, spec.wav, spec.sample, spec.wavBase64].filter((v) => v !== undefined && v !== '').length;
      if (given !== 1)
        throw new SpeechInputError('input: give exactly one of text, wav (a file chosen with "Choose…"), sample (a shipped utterance) or wavBase64');
      if (spec.text) return { text: spec.text };
      if (spec.sample) {
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.wav$/.test(spec.sample)) throw new SpeechInputError(`input.sample: expected the file name of a shipped utterance`);
        const file = resourcePath('utterances', spec.sample);
        if (!existsSync(file)) throw new SpeechInputError(`input.sample: no sample utterance named "${spec.sample}"`);
        readSpeechFile(file, 'input.sample');
        return { wav: file };
      }
      if (spec.wav) return { wav: store.file(spec.wav, 'input.wav') };
      return { wav: store.bytes(Buffer.from(spec.wavBase64!, 'base64'), spec.wavName ?? 'input.wav', 'input.wavBase64') };
    },
  };
  return store;
}
