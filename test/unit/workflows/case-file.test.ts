import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  caseFileName,
  deleteCase,
  duplicateCase,
  listCases,
  parseCase,
  readCase,
  renameCase,
  resolveCaseInput,
  saveCase,
  serializeCase,
  type CaseFile,
} from '../../../src-main/core/workflows/case-file.ts';
import { SecretScanner } from '../../../src-main/core/workflows/secret-scan.ts';
import { Redactor } from '../../../src-main/core/secrets/redact.ts';

const SECRET = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const scanner = new SecretScanner([{ label: 'profile "Tencent live" · SECRET_ID', value: SECRET }]);
const base: CaseFile = {
  version: 1,
  name: 'Start with default LLM',
  vendor: 'tencent',
  operation: 'StartAIConversation',
  profile: 'Tencent sandbox',
  payload: { SdkAppId: 1400000000, LLMConfig: { APIKey: '{{secret:LLM_API_KEY}}' } },
  input: { wav: '../utterances/hello.wav' },
  expectations: { status: 200, eventKinds: ['http.response'], latencyBudgetsMs: { setup_ms: 2000 } },
};

describe('case files', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'parley-cases-'));

  it('round-trips through a readable, stable JSON file named after the case', () => {
    const d = dir();
    const path = saveCase(d, base, scanner);
    expect(path).toBe(join(d, 'Start-with-default-LLM.parley-case.json'));
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(serializeCase(base));
    expect(text.split('\n')[1]).toBe('  "version": 1,');
    expect(readCase(path)).toEqual(base);
  });

  it('refuses a payload holding a stored secret value and names where it is stored, not the value', () => {
    const d = dir();
    const leaky = { ...base, payload: { ...base.payload, SecretId: SECRET } };
    expect(() => saveCase(d, leaky, scanner)).toThrow(/profile "Tencent live" · SECRET_ID.*\{\{secret:NAME\}\}/);
    try {
      saveCase(d, leaky, scanner);
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
    expect(listCases(d)).toEqual([]);
  });

  it('also refuses values the session redactor knows (JSON-escaped inside a JSON-string field)', () => {
    const r = new Redactor();
    r.add('minted-"token"-1234');
    const s = new SecretScanner([], r);
    expect(() => saveCase(dir(), { ...base, payload: { cfg: JSON.stringify({ t: 'minted-"token"-1234' }) } }, s)).toThrow(/SECRET|secret/);
  });

  it('reports bad case files with the file and the field', () => {
    expect(() => parseCase('{', 'a.parley-case.json')).toThrow(/a\.parley-case\.json: not JSON/);
    expect(() => parseCase('{"sk-live-9999": 1}', 'k.parley-case.json')).toThrow(/^k\.parley-case\.json: not a Parley case file/);
    expect(() => parseCase(JSON.stringify({ ...base, vendor: 'acme' }), 'b.parley-case.json')).toThrow(/b\.parley-case\.json: \/vendor: expected one of/);
    expect(() => parseCase(JSON.stringify({ ...base, expectations: { status: 'ok' } }), 'c')).toThrow(/\/expectations\/status: expected integer/);
    expect(() => parseCase(JSON.stringify({ ...base, input: { wav: 'a.wav', text: 'hi' } }), 'd')).toThrow(/\/input: give either wav or text/);
    expect(() => parseCase(JSON.stringify({ ...base, version: 3 }), 'e')).toThrow(/\/version/);
    // A version 2 file is a scenario: said so, not a schema error.
    expect(() => parseCase(JSON.stringify({ ...base, version: 2 }), 'e')).toThrow(/a scenario \(version 2, several turns\): open it in the Scenarios tab/);
  });

  it('lists folders as collections, keeps unreadable files visible with their error', () => {
    const d = dir();
    saveCase(d, base, scanner);
    saveCase(join(d, 'smoke', 'mindcraft'), { ...base, name: 'text turn', vendor: 'mindcraft', operation: 'chat_bot_v3', input: { text: 'hello' } }, scanner);
    writeFileSync(join(d, 'broken.parley-case.json'), '{"version":1}');
    writeFileSync(join(d, 'notes.json'), '{}');
    const list = listCases(d);
    expect(list.map((e) => [e.collection, e.case?.name ?? 'ERR'])).toEqual([
      ['', 'ERR'],
      ['', 'Start with default LLM'],
      ['smoke/mindcraft', 'text turn'],
    ]);
    expect(list[0]!.error).toMatch(/broken\.parley-case\.json: \/name: required/);
  });

  it('duplicates, renames (file follows the name) and deletes', () => {
    const d = dir();
    const path = saveCase(d, base, scanner);
    const copy = duplicateCase(path, scanner);
    expect(readCase(copy).name).toBe('Start with default LLM copy');
    expect(readCase(duplicateCase(path, scanner)).name).toBe('Start with default LLM copy 2');
    const renamed = renameCase(copy, 'Barge-in case', scanner);
    expect(renamed).toBe(join(d, 'Barge-in-case.parley-case.json'));
    expect(existsSync(copy)).toBe(false);
    expect(readCase(renamed).payload).toEqual(base.payload);
    expect(() => renameCase(renamed, 'Start with default LLM', scanner)).toThrow(/exists/);
    deleteCase(renamed);
    expect(listCases(d)).toHaveLength(2);
    expect(() => deleteCase(join(d, 'x.json'))).toThrow(/not a case file/);
  });

  it('refuses to overwrite silently and rejects names with nothing usable', () => {
    const d = dir();
    saveCase(d, base, scanner);
    expect(() => saveCase(d, base, scanner)).toThrow(/exists/);
    expect(() => saveCase(d, base, scanner, { overwrite: true })).not.toThrow();
    expect(() => caseFileName(' / ')).toThrow(/name/);
    expect(caseFileName('中文 用例')).toBe('中文-用例.parley-case.json');
  });

  it('resolves a relative WAV against the case file folder', () => {
    mkdirSync('/tmp/x', { recursive: true });
    expect(resolveCaseInput(base, '/work/cases/smoke/a.parley-case.json')).toEqual({ wav: '/work/cases/utterances/hello.wav' });
    expect(resolveCaseInput({ ...base, input: { text: 'hi' } }, '/a/b.json')).toEqual({ text: 'hi' });
  });
});

describe('listing a case folder the renderer chose', () => {
  const dir = () => realpathSync(mkdtempSync(join(tmpdir(), 'parley-cases-')));
  const valid = serializeCase(base);

  it('follows links to files inside the folder only; a link out, a broken link or a pipe is listed with its error, never read', () => {
    const root = dir();
    const cases = join(root, 'cases');
    const outside = join(root, 'outside');
    mkdirSync(cases);
    mkdirSync(outside);
    writeFileSync(join(cases, 'a.parley-case.json'), valid);
    writeFileSync(join(outside, 'private.parley-case.json'), 'sk-live-SECRET-4242 is the key');
    symlinkSync(join(cases, 'a.parley-case.json'), join(cases, 'alias.parley-case.json'));
    symlinkSync(join(outside, 'private.parley-case.json'), join(cases, 'leak.parley-case.json'));
    symlinkSync(join(outside, 'gone'), join(cases, 'dangling.parley-case.json'));
    symlinkSync(outside, join(cases, 'out'));
    symlinkSync(cases, join(cases, 'loop'));
    symlinkSync('.', join(cases, 'self'));
    execFileSync('mkfifo', [join(cases, 'pipe.parley-case.json')]);
    const list = listCases(cases);
    expect(list.map((e) => [basename(e.path), e.case ? 'ok' : e.error])).toEqual([
      ['a.parley-case.json', 'ok'],
      ['alias.parley-case.json', 'ok'],
      ['dangling.parley-case.json', 'dangling.parley-case.json: a broken link'],
      ['leak.parley-case.json', 'leak.parley-case.json: a link out of the case folder, not read'],
      ['pipe.parley-case.json', 'pipe.parley-case.json: not a regular file'],
    ]);
    expect(JSON.stringify(list)).not.toContain('SECRET');
  });

  it('stops at a bounded number of entries with a clear error instead of walking a disk', () => {
    const root = dir();
    for (let i = 0; i < 30; i++) mkdirSync(join(root, `d${i}`, 'x'), { recursive: true });
    expect(() => listCases(root, { maxDepth: 8, maxEntries: 40 })).toThrow(/more than 40 files and folders; choose the folder that holds your case files/);
    expect(listCases(root, { maxDepth: 8, maxEntries: 100 })).toEqual([]);
  });

  it('a file that is not a case never has its content or key names quoted', () => {
    const root = dir();
    writeFileSync(join(root, 'notes.parley-case.json'), 'sk-live-SECRET-4242');
    writeFileSync(join(root, 'keys.parley-case.json'), JSON.stringify({ apiKeySecretName: 'x', other: 1 }));
    writeFileSync(join(root, 'big.parley-case.json'), 'x'.repeat(5 * 1024 * 1024));
    const errors = listCases(root).map((e) => e.error);
    expect(errors).toEqual([
      'big.parley-case.json: 5 MB is larger than the 4 MB Parley reads',
      'keys.parley-case.json: not a Parley case file (expected an object with version, name, vendor, operation, payload)',
      'notes.parley-case.json: not JSON, so not a Parley case file (is it damaged?)',
    ]);
  });

  it('delete refuses what is not a regular case file', () => {
    const root = dir();
    execFileSync('mkfifo', [join(root, 'p.parley-case.json')]);
    expect(() => deleteCase(join(root, 'p.parley-case.json'))).toThrow(/not a regular file, not deleted/);
  });
});
