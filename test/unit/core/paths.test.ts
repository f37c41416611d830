import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confined, FileRefusedError, insideAny, isId, PathRefusedError, readRegularFile, writeFileAtomic } from '../../../src-main/core/paths.ts';

function tree() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'parley-paths-')));
  const inside = join(root, 'data');
  const outside = join(root, 'outside');
  mkdirSync(join(inside, 'sessions'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside');
  writeFileSync(join(inside, 'sessions', 'a.json'), '{}');
  return { root, inside, outside };
}

describe('ids', () => {
  it('are letters, digits, _ and - after a letter or digit, at most 128 characters', () => {
    for (const ok of [
      '20261201T101010-mindcraft-1a2b3c4d',
      'cmp-20261201T101010-abc123',
      '0b6f4c1e-2d3a-4f5b-9c8d-7e6f5a4b3c2d',
      'cli-tencent',
      'a',
      'x'.repeat(128),
    ])
      expect(isId(ok), ok).toBe(true);
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', '/etc', '-x', '_x', 'a b', 'a\u0000', 'ｘ', 'x'.repeat(129), '%2e%2e', 'C:x'])
      expect(isId(bad), bad).toBe(false);
  });
});

describe('confined()', () => {
  it('resolves names inside the folder, existing or not yet', () => {
    const { inside } = tree();
    expect(confined(inside, 'sessions', 'a.json')).toBe(join(inside, 'sessions', 'a.json'));
    expect(confined(inside, 'sessions', 'new', 'deeper', 'b.json')).toBe(join(inside, 'sessions', 'new', 'deeper', 'b.json'));
    expect(confined(inside, 'sessions/../sessions/a.json')).toBe(join(inside, 'sessions', 'a.json'));
  });

  it('refuses traversal and absolute parts without touching what is outside', () => {
    const { inside, outside } = tree();
    expect(() => confined(inside, '..', 'outside', 'secret.txt')).toThrow(PathRefusedError);
    expect(() => confined(inside, 'sessions/../../outside')).toThrow(/leaves the folder/);
    expect(() => confined(inside, join(outside, 'secret.txt'))).toThrow(/not an absolute path/);
  });

  it('refuses a link anywhere on the way out of the folder, a dangling one included', () => {
    const { inside, outside } = tree();
    symlinkSync(outside, join(inside, 'sessions', 'out'));
    symlinkSync(join(outside, 'secret.txt'), join(inside, 'sessions', 'leak.json'));
    symlinkSync(join(outside, 'missing'), join(inside, 'sessions', 'dangling.json'));
    symlinkSync(join(inside, 'sessions', 'a.json'), join(inside, 'sessions', 'alias.json'));
    expect(() => confined(inside, 'sessions', 'out', 'secret.txt')).toThrow(/points out of the folder/);
    expect(() => confined(inside, 'sessions', 'out', 'not-yet.json')).toThrow(/points out of the folder/);
    expect(() => confined(inside, 'sessions', 'leak.json')).toThrow(/points out of the folder/);
    expect(() => confined(inside, 'sessions', 'dangling.json')).toThrow(/broken link/);
    // A link that stays inside is followed.
    expect(confined(inside, 'sessions', 'alias.json')).toBe(join(inside, 'sessions', 'a.json'));
  });

  it('insideAny() answers only for paths below one of the roots', () => {
    const { inside, outside } = tree();
    expect(insideAny([inside], join(inside, 'sessions', 'a.json'))).toBe(join(inside, 'sessions', 'a.json'));
    expect(insideAny([inside], join(outside, 'secret.txt'))).toBeNull();
    expect(insideAny([inside], `${inside}/../outside/secret.txt`)).toBeNull();
    expect(insideAny([inside], 'sessions/a.json')).toBeNull();
  });
});

describe('readRegularFile()', () => {
  it('reads a regular file within the limit', () => {
    const { outside } = tree();
    expect(readRegularFile(join(outside, 'secret.txt'), 100, 'x').toString()).toBe('outside');
  });

  it('refuses devices, pipes and folders before reading a byte (no hang, no memory blow-up)', () => {
    const { root } = tree();
    const fifo = join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRegularFile('/dev/zero', 1024, 'input')).toThrow(/input: is not a regular file/);
    expect(() => readRegularFile(fifo, 1024, 'input')).toThrow(FileRefusedError);
    expect(() => readRegularFile(root, 1024, 'input')).toThrow(/is a folder/);
    expect(() => readRegularFile(join(root, 'missing'), 1024, 'input')).toThrow(/input: no such file/);
  });

  it('refuses a file larger than the limit without reading it (a 400 MB sparse file)', () => {
    const { root } = tree();
    const big = join(root, 'big.parley-bundle.json');
    writeFileSync(big, '');
    truncateSync(big, 400 * 1024 * 1024);
    expect(() => readRegularFile(big, 128 * 1024 * 1024, 'big.parley-bundle.json')).toThrow(
      'big.parley-bundle.json: 400 MB is larger than the 128 MB Parley reads',
    );
  });
});

describe('writeFileAtomic()', () => {
  it('never writes through a link planted under the temporary name', () => {
    const { inside, outside } = tree();
    const target = join(inside, 'case.parley-case.json');
    writeFileAtomic(target, 'one');
    writeFileAtomic(target, 'two');
    expect(readRegularFile(target, 100, 'x').toString()).toBe('two');
    // The old fixed name (<file>.tmp) as a link out: not used, so the outside file is untouched.
    symlinkSync(join(outside, 'secret.txt'), `${target}.tmp`);
    writeFileAtomic(target, 'three');
    expect(readRegularFile(join(outside, 'secret.txt'), 100, 'x').toString()).toBe('outside');
  });
});
