import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../../src-main/core/audio/wav.ts';
import { Grants } from '../../../src-main/core/grants.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { checkSpeech, MAX_SPEECH_BYTES, speechStore } from '../../../src-main/core/workflows/input.ts';

const wav = Buffer.from(
  encodeWav(
    new Int16Array(1600).map((_, i) => Math.round(8000 * Math.sin(i / 5))),
    16000,
  ),
);

function setup() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'parley-input-')));
  const dataDir = join(root, 'data');
  const grants = new Grants({ dataDir, resources: { speechWav: [resourcePath('utterances')] } });
  const store = speechStore({ dataDir, access: (p, field) => grants.resolve('speechWav', p, field) });
  return { root, dataDir, grants, store };
}

describe('speech input', () => {
  it('must be a WAV file that parses; the message quotes none of the bytes', () => {
    expect(() => checkSpeech(Buffer.from('sk-live-SECRET-123456789'), 'input.wav')).toThrow(
      'input.wav: not a WAV file (no RIFF/WAVE header); choose a .wav recording',
    );
    const noData = Buffer.from(wav.subarray(0, 36));
    expect(() => checkSpeech(noData, 'input.wav')).toThrow(/input\.wav: WAV: no data chunk/);
    expect(() => checkSpeech(wav, 'input.wav')).not.toThrow();
  });

  it('a WAV the user chose outside the data folder is checked and kept below it (the record can run again)', () => {
    const { root, dataDir, grants, store } = setup();
    const picked = join(root, 'hello.wav');
    writeFileSync(picked, wav);
    expect(() => store.resolve({ wav: picked })).toThrow(/not chosen with "Choose…"/);
    grants.grant('speechWav', picked);
    const { wav: kept } = store.resolve({ wav: picked });
    expect(dirname(dirname(kept!))).toBe(join(dataDir, 'inputs'));
    expect(kept!.endsWith('/hello.wav')).toBe(true);
    expect(readFileSync(kept!)).toEqual(wav);
    // Kept by content: the same file again is the same copy.
    expect(store.resolve({ wav: picked }).wav).toBe(kept);
  });

  it('a chosen file that is not a WAV is refused; a pipe cannot even be chosen', () => {
    const { root, grants, store } = setup();
    const text = join(root, 'notes.wav');
    writeFileSync(text, 'not audio at all');
    grants.grant('speechWav', text);
    expect(() => store.resolve({ wav: text })).toThrow(/input\.wav: not a WAV file/);
    execFileSync('mkfifo', [join(root, 'pipe.wav')]);
    expect(() => grants.grant('speechWav', join(root, 'pipe.wav'))).toThrow(/expected a file/);
  });

  it('shipped samples by name only; bytes from the renderer checked and kept', () => {
    const { dataDir, store } = setup();
    expect(store.resolve({ sample: 'hello-weather-en.wav' }).wav).toBe(resourcePath('utterances', 'hello-weather-en.wav'));
    for (const sample of ['../../etc/passwd.wav', '.hidden.wav', 'x/../y.wav'])
      expect(() => store.resolve({ sample })).toThrow(/input\.sample: expected the file name/);
    const kept = store.resolve({ wavBase64: wav.toString('base64'), wavName: '../../evil name.wav' }).wav!;
    expect(kept.startsWith(join(dataDir, 'inputs'))).toBe(true);
    expect(kept.endsWith('/evil_name.wav')).toBe(true);
    expect(() => store.resolve({ wavBase64: Buffer.from('MZ executable').toString('base64') })).toThrow(/input\.wavBase64: not a WAV file/);
    expect(() => store.bytes(Buffer.alloc(MAX_SPEECH_BYTES + 1), 'x.wav', 'input.wavBase64')).toThrow(/larger than the 32 MB/);
    expect(() => store.resolve({ text: 'hi', sample: 'hello-weather-en.wav' })).toThrow(/exactly one/);
    expect(existsSync(join(dataDir, 'inputs'))).toBe(true);
  });
});
