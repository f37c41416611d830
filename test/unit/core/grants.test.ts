import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Grants } from '../../../src-main/core/grants.ts';

function setup() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'parley-grants-')));
  const dataDir = join(root, 'data');
  const cases = join(root, 'repo', 'cases');
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(cases, { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'hello.wav'), 'RIFF');
  writeFileSync(join(elsewhere, 'other.wav'), 'RIFF');
  writeFileSync(join(elsewhere, 'repro.parley-bundle.json'), '{}');
  return { root, dataDir, cases, elsewhere };
}

describe('grants: the renderer may name only what the user chose, or what is below the data folder', () => {
  it('refuses everything outside before the dialog, without saying whether it exists', () => {
    const { dataDir, elsewhere } = setup();
    const g = new Grants({ dataDir });
    for (const p of [join(elsewhere, 'hello.wav'), join(elsewhere, 'missing.wav'), '/etc/passwd'])
      expect(() => g.resolve('speechWav', p, 'input.wav')).toThrow(/input\.wav: .* was not chosen with "Choose…" and is not in Parley's data folder/);
    expect(() => g.resolve('speechWav', 'relative.wav', 'input.wav')).toThrow(/expected an absolute path/);
    expect(g.resolve('bundleWrite', join(dataDir, 'exports', 'a.parley-bundle.json'), 'path')).toBe(join(dataDir, 'exports', 'a.parley-bundle.json'));
  });

  it('a chosen file is granted for its purpose only, a chosen folder for everything below it', () => {
    const { dataDir, cases, elsewhere } = setup();
    const g = new Grants({ dataDir });
    expect(g.grant('speechWav', join(elsewhere, 'hello.wav'))).toBe(join(elsewhere, 'hello.wav'));
    expect(g.resolve('speechWav', join(elsewhere, 'hello.wav'), 'input.wav')).toBe(join(elsewhere, 'hello.wav'));
    expect(() => g.resolve('speechWav', join(elsewhere, 'other.wav'), 'input.wav')).toThrow(/not chosen/);
    expect(() => g.resolve('bundleRead', join(elsewhere, 'hello.wav'), 'path')).toThrow(/not chosen/);

    g.grant('caseFolder', cases);
    expect(g.resolve('caseFile', join(cases, 'smoke', 'a.parley-case.json'), 'path')).toBe(join(cases, 'smoke', 'a.parley-case.json'));
    expect(g.resolve('speechWav', join(cases, 'audio', 'q.wav'), 'input.wav')).toBe(join(cases, 'audio', 'q.wav'));
    expect(() => g.resolve('caseFile', `${cases}/../../elsewhere/x.parley-case.json`, 'path')).toThrow(/not chosen/);
    expect(() => g.resolve('bundleWrite', join(cases, 'x.parley-bundle.json'), 'path')).toThrow(/not chosen/);
  });

  it('follows no link out of a granted folder', () => {
    const { dataDir, cases, elsewhere } = setup();
    const g = new Grants({ dataDir });
    g.grant('caseFolder', cases);
    symlinkSync(elsewhere, join(cases, 'out'));
    symlinkSync(join(elsewhere, 'hello.wav'), join(cases, 'hello.wav'));
    expect(() => g.resolve('caseFolder', join(cases, 'out'), 'dir')).toThrow(/points out of the folder/);
    expect(() => g.resolve('speechWav', join(cases, 'hello.wav'), 'input.wav')).toThrow(/points out of the folder/);
  });

  it('a bundle to save gets the bundle suffix; bundles the user saved may be opened again', () => {
    const { dataDir, elsewhere } = setup();
    const g = new Grants({ dataDir });
    const saved = g.grant('bundleSave', join(elsewhere, 'ticket-42'));
    expect(saved).toBe(join(elsewhere, 'ticket-42.parley-bundle.json'));
    expect(g.resolve('bundleWrite', saved, 'path')).toBe(saved);
    expect(() => g.grant('bundleSave', join(elsewhere, 'no-such-folder', 'x.parley-bundle.json'))).toThrow(/no such folder/);
  });

  it('remembers case folders across starts, files only for this run', () => {
    const { dataDir, cases, elsewhere } = setup();
    const first = new Grants({ dataDir });
    first.grant('caseFolder', cases);
    first.grant('speechWav', join(elsewhere, 'hello.wav'));
    const second = new Grants({ dataDir });
    expect(second.resolve('caseFolder', cases, 'dir')).toBe(cases);
    expect(() => second.resolve('speechWav', join(elsewhere, 'hello.wav'), 'input.wav')).toThrow(/not chosen/);
  });

  it('a dialog answer must be what the purpose needs', () => {
    const { dataDir, cases, elsewhere } = setup();
    const g = new Grants({ dataDir });
    expect(() => g.grant('caseFolder', join(elsewhere, 'hello.wav'))).toThrow(/expected a folder/);
    expect(() => g.grant('speechWav', cases)).toThrow(/expected a file/);
    expect(() => g.grant('speechWav', join(elsewhere, 'missing.wav'))).toThrow(/no such file/);
    expect(() => g.grant('bundleOpen', 'relative.json')).toThrow(/relative path/);
  });
});
