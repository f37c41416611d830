import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { SCHEMA_VERSION } from '../../../src-main/core/history/index-db.ts';
import { HistoryService, type StaleSession } from '../../../src-main/core/history/service.ts';
import type { HistoryQuery } from '../../../src-main/core/history/types.ts';
import { EventWriter, SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { generateHistory, type GeneratedHistory } from '../../bench/history-data.ts';
import { expectedIds, readRecords, recordsFingerprint, type RecordedSession } from './support.ts';

const COUNT = 160;
const ids = (q: HistoryQuery, s: HistoryService) => s.query({ limit: 1000, ...q }).map((e) => e.id);

function folder(count = COUNT, seed = 42): { dataDir: string; g: GeneratedHistory } {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-history-'));
  return { dataDir, g: generateHistory({ dataDir, count, seed }) };
}

function figureOf(r: RecordedSession, name: string): number | undefined {
  const m = r.events.find((e) => e.kind === 'metric' && (e.data as { name?: string }).name === name);
  return m ? (m.data as { value: number }).value : undefined;
}

describe('history search over a recorded data folder', () => {
  let dataDir: string;
  let g: GeneratedHistory;
  let records: RecordedSession[];
  let service: HistoryService;

  beforeAll(() => {
    ({ dataDir, g } = folder());
    records = readRecords(dataDir);
    service = new HistoryService({ dataDir, markStale: true });
  });
  afterAll(() => service.close());

  it('indexes the existing records on first start, newest first, with progress', () => {
    const before = service.status();
    expect(before).toMatchObject({ state: 'indexing', sessions: 0, pending: COUNT, total: COUNT, rebuilt: 'missing' });
    const progress: number[] = [];
    service.work(1);
    // The newest sessions are searchable first.
    const first = service.recent(1000).map((e) => e.id);
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual(records.slice(0, first.length).map((r) => r.summary.id));
    service.catchUp((done, total) => progress.push(done / total));
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(service.status()).toMatchObject({ state: 'ready', sessions: COUNT, pending: 0 });
    expect(service.status().bytes).toBeGreaterThan(0);
  });

  it('English words and phrases find exactly the sessions holding them, newest first', () => {
    for (const [text, words] of [
      ['twenty degrees', ['twenty', 'degrees']],
      ['"sunny and twenty"', ['sunny and twenty']],
      ['SCARECROW', ['scarecrow']],
      ['Shanghai train', ['shanghai', 'train']],
      ['zebra crossing', ['zebra', 'crossing']],
    ] as const) {
      const expected = expectedIds(records, ...words);
      expect(ids({ text }, service), text).toEqual(expected);
    }
    expect(expectedIds(records, 'twenty', 'degrees').length).toBeGreaterThan(5);
  });

  it('Chinese: words of three characters or more, of two and of one', () => {
    for (const text of ['二十度', '天气', '晴', '机场']) expect(ids({ text }, service), text).toEqual(expectedIds(records, text));
    expect(ids({ text: '订单 发货' }, service)).toEqual(expectedIds(records, '订单', '发货'));
    expect(expectedIds(records, '天气').length).toBeGreaterThan(3);
    // Mixed with a filter and an English word.
    const mixed = ids({ text: '天气 mindcraft', vendor: 'mindcraft' }, service);
    expect(mixed).toEqual(expectedIds(records, '天气').filter((id) => id.includes('-mindcraft-')));
  });

  it('each result lists the events holding the words (every word where one event holds them all)', () => {
    for (const text of ['twenty degrees', '二十度', '天气']) {
      const words = text.split(' ');
      for (const e of service.query({ text })) {
        const r = records.find((x) => x.summary.id === e.id)!;
        const holding = r.events.filter((ev) => words.every((w) => `${ev.kind} ${ev.summary}`.toLowerCase().includes(w)));
        expect(e.matches, `${text} ${e.id}`).toMatchObject({ seqs: holding.map((ev) => ev.seq), total: holding.length });
        // The first one's text, from a little before the word.
        const line = `${holding[0]!.kind} ${holding[0]!.summary}`;
        expect(line).toContain(e.matches!.snippet!.replace(/^…|…$/g, ''));
        expect(e.matches!.snippet!.toLowerCase()).toContain(words[0]);
      }
    }
    // One word held by 126 audio frames per session: all counted, listed as seqs.
    const [pcm] = service.query({ text: 'PCM', limit: 1 });
    expect(pcm!.matches!.total).toBe(126);
    expect(pcm!.matches!.seqs).toHaveLength(126);
  });

  it('request ids, error codes and short words', () => {
    expect(ids({ text: g.uniqueRequestId }, service)).toEqual([g.uniqueRequestSession]);
    expect(ids({ text: g.uniqueRequestId.toUpperCase() }, service)).toEqual([g.uniqueRequestSession]);
    const failedWith = (code: string) => records.filter((r) => (r.summary.error as { code?: string } | undefined)?.code === code).map((r) => r.summary.id);
    expect(failedWith('FailedOperation.TaskExist').length).toBeGreaterThan(0);
    for (const code of ['FailedOperation.TaskExist', 'TaskExist', 'taskexist'])
      expect(ids({ errorCode: code }, service), code).toEqual(failedWith('FailedOperation.TaskExist'));
    expect(ids({ errorCode: '414', vendor: 'netease' }, service)).toEqual(failedWith('414'));
    expect(ids({ errorCode: 'Exist' }, service)).toEqual([]);
    expect(ids({ text: 'TaskExist' }, service)).toEqual(expectedIds(records, 'taskexist'));
    // One and two characters that are not Chinese: a substring test.
    expect(ids({ text: 'px' }, service)).toEqual(expectedIds(records, 'px-4471'));
    expect(expectedIds(records, 'px-4471')).toHaveLength(g.rarePhraseSessions);
    expect(ids({ text: '5 ms' }, service)).toEqual(expectedIds(records, '5', 'ms'));
  });

  it('figure thresholds, time bounds, state, sort and paging', () => {
    const slow = records.filter((r) => (figureOf(r, 'turn_latency_ms') ?? 0) > 1500).map((r) => r.summary.id);
    expect(slow.length).toBeGreaterThan(5);
    expect(ids({ figures: [{ name: 'turn_latency_ms', over: 1500 }] }, service)).toEqual(slow);
    const band = records
      .filter((r) => {
        const v = figureOf(r, 'turn_latency_ms')!;
        return v > 800 && v < 1200;
      })
      .map((r) => r.summary.id);
    expect(ids({ figures: [{ name: 'turn_latency_ms', over: 800, under: 1200 }] }, service)).toEqual(band);
    expect(ids({ state: 'failed' }, service)).toEqual(records.filter((r) => r.summary.state === 'failed').map((r) => r.summary.id));

    const mid = records[Math.floor(COUNT / 2)]!.summary.startedAt;
    expect(ids({ from: mid }, service)).toEqual(records.filter((r) => r.summary.startedAt >= mid).map((r) => r.summary.id));
    expect(ids({ to: mid }, service)).toEqual(records.filter((r) => r.summary.startedAt <= mid).map((r) => r.summary.id));

    const desc = service.query({ sort: { by: 'turn_latency_ms' }, limit: 1000 }).map((e) => e.figures!.turn_latency_ms!);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const asc = service.query({ sort: { by: 'durationMs', dir: 'asc' }, limit: 1000 }).map((e) => e.durationMs!);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(ids({ sort: { by: 'startedAt', dir: 'asc' } }, service)).toEqual(records.map((r) => r.summary.id).reverse());

    const pages = [0, 50, 100, 150].flatMap((offset) => ids({ limit: 50, offset }, service));
    expect(pages).toEqual(records.map((r) => r.summary.id));
    const textPages = [0, 5, 10].flatMap((offset) => ids({ text: 'degrees', limit: 5, offset }, service));
    expect(textPages).toEqual(expectedIds(records, 'degrees').slice(0, 15));
    expect(service.query({})).toHaveLength(Math.min(COUNT, 200));
  });

  it('a bad time bound is refused with the field and the expected form', () => {
    expect(() => service.query({ from: 'last tuesday' })).toThrow(/from: expected an ISO date or date-time/);
  });
});

describe('the index is rebuilt from the records when it cannot be used', () => {
  const queries: HistoryQuery[] = [
    { text: 'twenty degrees' },
    { text: '天气' },
    { errorCode: 'TaskExist' },
    { figures: [{ name: 'turn_latency_ms', over: 1500 }] },
    {},
  ];
  let dataDir: string;
  let expected: unknown[];
  let fingerprint: string;
  const file = () => join(dataDir, 'history.sqlite');
  const answers = (s: HistoryService) => queries.map((q) => s.query({ ...q, limit: 1000 }));

  beforeAll(() => {
    ({ dataDir } = folder(60, 3));
    const s = new HistoryService({ dataDir, markStale: true });
    s.catchUp();
    expected = answers(s);
    s.close();
    fingerprint = recordsFingerprint(dataDir);
  });

  function reopen(): HistoryService {
    const s = new HistoryService({ dataDir, markStale: true });
    s.catchUp();
    expect(answers(s)).toEqual(expected);
    expect(recordsFingerprint(dataDir)).toBe(fingerprint);
    return s;
  }

  it('an intact index is used as it is (nothing to catch up)', () => {
    const s = new HistoryService({ dataDir, markStale: true });
    expect(s.status()).toMatchObject({ state: 'ready', sessions: 60, pending: 0 });
    expect(s.status().rebuilt).toBeUndefined();
    s.close();
  });

  it('missing', () => {
    rmSync(file());
    const s = new HistoryService({ dataDir, markStale: true });
    expect(s.status()).toMatchObject({ state: 'indexing', rebuilt: 'missing', pending: 60 });
    s.close();
    reopen().close();
  });

  it('not a database: set aside as history.sqlite.corrupt, rebuilt', () => {
    writeFileSync(file(), 'this is not an SQLite database '.repeat(200));
    const s = new HistoryService({ dataDir, markStale: true });
    expect(s.status()).toMatchObject({ state: 'indexing', rebuilt: 'corrupt', sessions: 0 });
    expect(readFileSync(`${file()}.corrupt`, 'utf8')).toMatch(/^this is not an SQLite database/);
    s.close();
    reopen().close();
  });

  it('damaged pages inside a valid database file', () => {
    const size = statSync(file()).size;
    const fd = openSync(file(), 'r+');
    // Keep the header page, scramble the rest.
    const garbage = Buffer.alloc(size - 4096, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, 4096);
    closeSync(fd);
    const s = new HistoryService({ dataDir, markStale: true });
    expect(s.status().rebuilt).toBe('corrupt');
    s.close();
    reopen().close();
  });

  it('an older (or unknown) schema version, and a table gone missing', () => {
    let db = new DatabaseSync(file());
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
    db.close();
    let s = new HistoryService({ dataDir, markStale: true });
    expect(s.status().rebuilt).toBe('old-schema');
    expect(existsSync(`${file()}.corrupt`)).toBe(true); // the earlier corrupt copy, not this one
    s.close();
    reopen().close();

    db = new DatabaseSync(file());
    db.exec('DROP TABLE fts_cjk');
    db.close();
    s = new HistoryService({ dataDir, markStale: true });
    expect(s.status().rebuilt).toBe('corrupt');
    s.close();
    reopen().close();
  });

  it('a record deleted from the folder is forgotten; one added is indexed', () => {
    const [victim] = readRecords(dataDir);
    const sessions = join(dataDir, 'sessions');
    const moved = mkdtempSync(join(tmpdir(), 'parley-history-moved-'));
    for (const ext of ['.json', '.ndjson']) {
      copyFileSync(join(sessions, victim!.summary.id + ext), join(moved, victim!.summary.id + ext));
      rmSync(join(sessions, victim!.summary.id + ext));
    }
    let s = new HistoryService({ dataDir, markStale: true });
    s.catchUp();
    expect(s.status().sessions).toBe(59);
    expect(ids({}, s)).not.toContain(victim!.summary.id);
    s.close();
    for (const ext of ['.json', '.ndjson']) copyFileSync(join(moved, victim!.summary.id + ext), join(sessions, victim!.summary.id + ext));
    s = reopen();
    expect(s.status().sessions).toBe(60);
    s.close();
  });
});

describe('running sessions', () => {
  const ev = (seq: number, kind: string, summary: string, data?: unknown): SessionEvent => ({
    seq,
    t: seq * 5,
    at: new Date().toISOString(),
    kind,
    dir: 'in',
    summary,
    ...(data === undefined ? {} : { data }),
  });

  function running(dataDir: string, id: string, startedAt: string) {
    const directory = new SessionDirectory(join(dataDir, 'sessions'));
    const summary = {
      id,
      vendor: 'mindcraft',
      operation: 'chat_bot_v3',
      profileId: 'p1',
      target: 'sandbox' as const,
      startedAt,
      endedAt: null,
      durationMs: null,
      state: 'running' as const,
      outcome: null,
      eventCount: 0,
    };
    directory.writeSummary(summary);
    return { directory, summary, writer: new EventWriter(directory.eventsFile(id)) };
  }

  it('are searched in memory while they run, then indexed from their record when they end', () => {
    const { dataDir } = folder(20, 5);
    const service = new HistoryService({ dataDir, markStale: true });
    service.catchUp();
    const id = '20991231T235959-mindcraft-00c0ffee';
    const { directory, summary, writer } = running(dataDir, id, '2099-12-31T23:59:59.000Z');
    const first = [
      ev(1, 'session.start', 'mindcraft chat_bot_v3 (sandbox)', { profile: 'Live profile' }),
      ev(2, 'mindcraft.asr', 'ASR: 今天天气怎么样'),
      ev(3, 'mindcraft.llm', 'llm #0: the penguin parade starts at dusk'),
    ];
    for (const e of first) writer.append(e);
    writer.flush();
    service.ingest([[id, JSON.stringify(first)]]);

    const [hit] = service.query({ text: 'penguin parade' });
    expect(hit).toMatchObject({ id, state: 'running', eventCount: 3, profileName: 'Live profile', matches: { seqs: [3], total: 1 } });
    expect(service.query({ text: '天气' })[0]).toMatchObject({ id, matches: { seqs: [2], total: 1 } });
    expect(service.query({ text: 'penguin', vendor: 'tencent' })).toEqual([]);
    expect(service.query({ text: 'penguin', state: 'running' }).map((e) => e.id)).toEqual([id]);
    expect(service.query({ state: 'running' }).map((e) => e.id)).toEqual([id]);

    // A batch delivered again (overlap) changes nothing; later ones add to the text.
    const more = [
      ev(3, 'mindcraft.llm', 'llm #0: the penguin parade starts at dusk'),
      ev(4, 'error', 'E-PENGUIN · penguins on strike', { code: 'E-PENGUIN', message: 'penguins on strike', requestId: 'req-77' }),
    ];
    for (const e of more.slice(1)) writer.append(e);
    writer.close();
    service.ingest([[id, JSON.stringify(more)]]);
    expect(service.query({ text: 'penguin' })[0]!.matches).toMatchObject({
      seqs: [3, 4],
      total: 2,
      snippet: 'mindcraft.llm llm #0: the penguin parade starts at dusk',
    });
    expect(service.query({ text: 'req-77' }).map((e) => e.id)).toEqual([id]);

    directory.writeSummary({
      ...summary,
      state: 'failed',
      endedAt: '2100-01-01T00:00:01.000Z',
      durationMs: 20,
      outcome: 'E-PENGUIN: penguins on strike',
      eventCount: 4,
      error: { code: 'E-PENGUIN', message: 'penguins on strike' },
    });
    service.ended(id);
    const after = service.query({ text: 'penguin' });
    expect(after.map((e) => e.id)).toEqual([id]);
    expect(after[0]).toMatchObject({ state: 'failed', eventCount: 4, matches: { seqs: [3, 4], total: 2 } });
    expect(service.query({ errorCode: 'E-PENGUIN' }).map((e) => e.id)).toEqual([id]);
    service.close();
  });

  it('one left running by a process that is gone is shown interrupted, with what its record holds', () => {
    const { dataDir } = folder(5, 6);
    const id = '20200101T000000-mindcraft-0dead000';
    const { writer } = running(dataDir, id, '2020-01-01T00:00:00.000Z');
    for (let s = 1; s <= 7; s++) writer.append(ev(s, 'mindcraft.status', `state ${s} · the last words before the crash`));
    writer.close();

    // The CLI cannot know whether the app runs it: left as recorded.
    const cli = new HistoryService({ dataDir, markStale: false });
    cli.catchUp();
    expect(cli.query({ text: 'before the crash' })[0]).toMatchObject({ id, state: 'running' });
    cli.close();

    const stale: StaleSession[] = [];
    const app = new HistoryService({ dataDir, markStale: true, onStale: (s) => stale.push(s) });
    expect(stale).toEqual([{ id, eventCount: 7, durationMs: 35 }]); // settled before any query is answered
    expect(app.query({ text: 'before the crash' })[0]).toMatchObject({
      id,
      state: 'interrupted',
      eventCount: 7,
      outcome: expect.stringMatching(/^interrupted/),
    });
    expect(app.query({ state: 'running' })).toEqual([]);
    app.close();
  });

  it('a session this process started before its index worker was up is running, not interrupted (a busy machine)', () => {
    const { dataDir } = folder(5, 6);
    const asked = new Date(Date.now() - 2_000).toISOString(); // the app asked for the worker 2 s before it ran
    const id = '20200101T000000-mindcraft-0a11fe00';
    const { writer } = running(dataDir, id, new Date(Date.now() - 1_000).toISOString()); // started in between
    writer.append(ev(1, 'mindcraft.status', 'still talking while the worker starts'));
    writer.close();
    for (const round of [1, 2]) {
      const stale: StaleSession[] = [];
      const app = new HistoryService({ dataDir, markStale: true, startedAt: asked, onStale: (s) => stale.push(s) });
      app.catchUp();
      expect(stale, `round ${round}`).toEqual([]);
      expect(app.query({ text: 'worker starts' })[0]).toMatchObject({ id, state: 'running' });
      app.close();
    }
    // Without the owner's start time the same record looks left over from a gone process.
    const late = new HistoryService({ dataDir, markStale: true });
    late.catchUp();
    expect(late.query({ text: 'worker starts' })[0]).toMatchObject({ id, state: 'interrupted' });
    late.close();
  });
});
