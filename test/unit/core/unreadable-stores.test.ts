import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Notices } from '../../../src-main/core/notices.ts';
import { ProfileStore } from '../../../src-main/core/profiles/store.ts';
import { PinStore } from '../../../src-main/core/workflows/pins.ts';
import { SessionDirectory, readEvents } from '../../../src-main/core/session/event-store.ts';
import { ComparisonStore } from '../../../src-main/core/workflows/compare.ts';
import { Grants } from '../../../src-main/core/grants.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'parley-stores-'));
const setAside = (d: string, name: string) => readdirSync(d).filter((f) => f.startsWith(`${name}.unreadable-`));
const good = { id: 'p-good', name: 'Tencent live', vendor: 'tencent', target: 'live', settings: { region: 'ap-guangzhou' }, createdAt: 'x', updatedAt: 'x' };

describe('an unreadable profiles.json is set aside, never replaced', () => {
  const variants: Record<string, string | Buffer> = {
    truncated: '{"version":1,"profiles":[{"id":"p1","name":"A"',
    'trailing comma': '{"version":1,"profiles":[],}',
    empty: '',
    binary: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x80]),
    'an array': '[]',
    'profiles not a list': '{"version":1,"profiles":{"p1":{}}}',
    null: 'null',
  };
  it.each(Object.entries(variants))('%s: kept byte for byte under a new name, the user told, the app goes on', (_name, content) => {
    const d = dir();
    writeFileSync(join(d, 'profiles.json'), content);
    const notices = new Notices();
    const store = new ProfileStore(join(d, 'profiles.json'), notices);
    expect(store.list()).toEqual([]);
    const [aside] = setAside(d, 'profiles.json');
    expect(aside).toBeDefined();
    expect(readFileSync(join(d, aside!))).toEqual(Buffer.from(content));
    expect(notices.list()).toEqual([
      expect.objectContaining({ kind: 'set-aside', file: 'profiles.json', movedTo: aside, reason: expect.stringMatching(/not-json|wrong-shape/) }),
    ]);
    // Saving a new profile writes a fresh file; the set-aside one is untouched.
    store.upsert({ name: 'New', vendor: 'mindcraft', target: 'sandbox', settings: {} });
    expect(readFileSync(join(d, aside!))).toEqual(Buffer.from(content));
    expect(JSON.parse(readFileSync(join(d, 'profiles.json'), 'utf8')).profiles).toHaveLength(1);
  });

  it('one malformed profile is set aside alone; the others load and the list answers', () => {
    const d = dir();
    const broken = [
      { id: '../x', name: 'bad id', vendor: 'tencent', target: 'live', settings: {} },
      { id: 'p2', name: 'no vendor', target: 'live', settings: {} },
      null,
      'text',
      { id: 'p3', name: 'settings text', vendor: 'convai', target: 'sandbox', settings: 'x' },
    ];
    writeFileSync(join(d, 'profiles.json'), JSON.stringify({ version: 1, profiles: [good, ...broken] }));
    const notices = new Notices();
    const store = new ProfileStore(join(d, 'profiles.json'), notices);
    expect(store.list()).toEqual([good]);
    const [aside] = setAside(d, 'profiles.json');
    expect(JSON.parse(readFileSync(join(d, aside!), 'utf8')).entries).toEqual(broken);
    expect(notices.list()).toEqual([expect.objectContaining({ reason: 'bad-entries', count: 5 })]);
  });

  it('a readable file gives no notice', () => {
    const d = dir();
    writeFileSync(join(d, 'profiles.json'), JSON.stringify({ version: 1, profiles: [good] }));
    const notices = new Notices();
    expect(new ProfileStore(join(d, 'profiles.json'), notices).list()).toEqual([good]);
    expect(notices.list()).toEqual([]);
  });
});

describe('pins.json', () => {
  it('corrupt: set aside at start, so the next pin does not overwrite it', () => {
    const d = dir();
    writeFileSync(join(d, 'pins.json'), '{"version":1,"pins":{"s1":[1,2]');
    const notices = new Notices();
    const pins = new PinStore(join(d, 'pins.json'), notices);
    pins.set('s2', [3]);
    const [aside] = setAside(d, 'pins.json');
    expect(readFileSync(join(d, aside!), 'utf8')).toBe('{"version":1,"pins":{"s1":[1,2]');
    expect(notices.list()).toHaveLength(1);
    expect(pins.get('s2')).toEqual([3]);
  });

  it('a bad entry is set aside, the rest kept', () => {
    const d = dir();
    writeFileSync(join(d, 'pins.json'), JSON.stringify({ version: 1, pins: { s1: [1, 2], '../x': [1], s3: 'no', s4: [0.5] } }));
    const pins = new PinStore(join(d, 'pins.json'), new Notices());
    expect(pins.get('s1')).toEqual([1, 2]);
    expect(pins.get('s3')).toEqual([]);
    expect(pins.get('__proto__')).toEqual([]);
  });
});

describe('session records', () => {
  const summary = (id: string) => ({
    id,
    vendor: 'mindcraft',
    operation: 'chat_bot_v3',
    profileId: null,
    target: 'sandbox',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    durationMs: null,
    state: 'ended',
    outcome: 'ok',
    eventCount: 0,
  });

  it('a stray or damaged .json does not break the list: it is set aside and reported, the rest listed', () => {
    const d = dir();
    const notices = new Notices();
    const sessions = new SessionDirectory(d, notices);
    sessions.writeSummary(summary('s-ok') as never);
    writeFileSync(join(d, 'notes.parley-case.json'), JSON.stringify({ version: 1, name: 'a case saved here' }));
    writeFileSync(join(d, 's-array.json'), '[1,2]');
    writeFileSync(join(d, 's-torn.json'), '{"id":"s-torn"');
    writeFileSync(join(d, 's-mismatch.json'), JSON.stringify(summary('someone-else')));
    writeFileSync(join(d, 's-types.json'), JSON.stringify({ ...summary('s-types'), startedAt: 5, outcome: { x: 1 } }));
    expect(sessions.list(new Set()).map((s) => s.id)).toEqual(['s-ok']);
    expect(
      notices
        .list()
        .map((n) => n.file)
        .sort(),
    ).toEqual(['notes.parley-case.json', 's-array.json', 's-mismatch.json', 's-torn.json', 's-types.json']);
    // Listed again: nothing left to set aside, nothing lost.
    expect(sessions.list(new Set()).map((s) => s.id)).toEqual(['s-ok']);
    expect(readdirSync(d).filter((f) => f.includes('.unreadable-'))).toHaveLength(5);
  });

  it('a null line, a number or an object without a kind counts as a bad line, not an event', () => {
    const d = dir();
    const file = join(d, 's.ndjson');
    writeFileSync(
      file,
      ['null', '5', '"text"', '{"seq":1}', JSON.stringify({ seq: 2, t: 1, at: 'x', kind: 'ws.open', dir: 'in', summary: 'open' }), '[]'].join('\n') + '\n',
    );
    const { events, badLines } = readEvents(file);
    expect(events.map((e) => e.kind)).toEqual(['ws.open']);
    expect(badLines).toBe(5);
  });
});

describe('saved comparisons', () => {
  it('a damaged file is set aside; the list shows the others; an unsavable result is reported, not thrown', () => {
    const d = dir();
    mkdirSync(d, { recursive: true });
    const notices = new Notices();
    const store = new ComparisonStore(d, notices);
    writeFileSync(join(d, 'cmp-bad.json'), '{"id":"cmp-bad","runs":');
    writeFileSync(join(d, 'cmp-shape.json'), JSON.stringify({ id: 'cmp-shape', columns: 'x' }));
    expect(store.list()).toEqual([]);
    expect(notices.list()).toHaveLength(2);
    expect(() => store.get('cmp-bad')).toThrow(/does not exist/);
    const unsavable = { id: 'cmp-x', name: '', createdAt: 'x', state: 'running', plan: { entries: [], repeat: 1, payload: 1n }, runs: [], columns: [] };
    expect(store.save(unsavable as never)).toMatch(/could not be saved: .*BigInt/);
  });
});

describe('grants.json', () => {
  it('unreadable: set aside, no folder granted, the user told', () => {
    const d = dir();
    writeFileSync(join(d, 'grants.json'), 'not json');
    const notices = new Notices();
    const grants = new Grants({ dataDir: d, notices });
    expect(() => grants.resolve('caseFolder', '/etc', 'dir')).toThrow(/not chosen/);
    expect(setAside(d, 'grants.json')).toHaveLength(1);
    expect(notices.list()).toHaveLength(1);
  });
});
