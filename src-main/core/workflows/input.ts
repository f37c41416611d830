/** The speech input of a run as the renderer gives it, turned into a file path or text for the turn driver. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { resourcePath } from '../resources.ts';
import type { TurnInput } from './turn.ts';

export interface InputSpec {
  text?: string;
  /** A WAV file path on this machine. */
  wav?: string;
  /** A sample utterance shipped in resources/utterances. */
  sample?: string;
  /** WAV bytes picked in the renderer (a file input gives no path in a sandboxed renderer). */
  wavBase64?: string;
  wavName?: string;
}

export function resolveInput(spec: InputSpec): TurnInput {
  const given = [spec.text, spec.wav, spec.sample, spec.wavBase64].filter((v) => v !== undefined && v !== '').length;
  if (given !== 1) throw new Error('input: give exactly one of text, wav (a path), sample (a shipped utterance) or wavBase64');
  if (spec.text) return { text: spec.text };
  if (spec.sample) {
    const file = resourcePath('utterances', basename(spec.sample));
    if (!existsSync(file)) throw new Error(`input.sample: no sample utterance named "${spec.sample}"`);
    return { wav: file };
  }
  if (spec.wav) {
    if (!existsSync(spec.wav)) throw new Error(`input.wav: ${spec.wav} does not exist`);
    return { wav: spec.wav };
  }
  const bytes = Buffer.from(spec.wavBase64!, 'base64');
  if (bytes.length < 44 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') throw new Error('input.wavBase64: expected the bytes of a WAV file (RIFF/WAVE header)');
  // Kept under the temp folder for the runs of this comparison; the bundle copies it in when exported.
  const file = join(mkdtempSync(join(tmpdir(), 'parley-input-')), (spec.wavName ?? 'input.wav').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/(\.wav)?$/i, '.wav'));
  writeFileSync(file, bytes);
  return { wav: file };
}
