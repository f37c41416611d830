import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import type { Bundle } from '../../../src-main/core/workflows/bundle.ts';
import type { HistoryEntry } from '../../../src-main/core/history/types.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { queuedDialog } from '../../support/queued-dialog.ts';

// Recognition accuracy in the session record and the history, and scenarios with their folder utterances in bundles,
// through createCore against the Mindcraft sandbox (a real socket, the sandbox bot recognising real speech).
const MINDCRAFT = JSON.parse(readFileSync(join(__dirname, '../../../examples/scenarios/conversation-en.parley-case.json'), 'utf8')).vendors.mindcraft;

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A case folder with one scenario: a folder utterance (the user's own WAV plus text) and a shipped one. */
function caseFolder(root: string): string {
  const dir = join(root, 'cases');
  mkdirSync(join(dir, 'utterances'), { recursive: true });
  copyFileSync(resourcePath('utterances', 'hello-weather-en.wav'), join(dir, 'utterances', 'my-hello.wav'));
  writeFileSync(
    join(dir, 'utterances', 'utterances.json'),
    JSON.stringify([{ id: 'my-hello', file: 'my-hello.wav', language: 'en', text: 'Hello, what is the weather like today?', tags: ['mine'] }]),
  );
  writeFileSync(
    join(dir, 'Weather.parley-case.json'),
    JSON.stringify(
      {
        version: 2,
        name: 'Weather',
        vendors: { mindcraft: MINDCRAFT },
        steps: [
          { say: { utterance: 'my-hello' }, expect: { maxWer: 0.1 } },
          { say: { utterance: 'tell-joke-en' }, expect: { maxWer: 0.1 } },
        ],
      },
      null,
      2,
    ) + '\n',
  );
  return dir;
}

/** A Mindcraft session as Parley recorded it before turns were scored: no recognition.score events. */
const OLD_ID = '20251101T090000-mindcraft-0a1b2c3d';
function writeOldSession(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const at = '2025-11-01T09:00:00.000Z';
  const events = [
    { seq: 1, t: 0, at, kind: 'session.start', dir: 'local', summary: 'chat_bot_v3 · sandbox', data: { profile: 'Mindcraft sandbox' } },
    { seq: 2, t: 40, at, kind: 'ws.open', dir: 'local', summary: 'socket open' },
    { seq: 3, t: 900, at, kind: 'mindcraft.asr', dir: 'in', summary: 'asr', data: { text: 'Hello, what is the weather like today?' } },
    { seq: 4, t: 2000, at, kind: 'session.end', dir: 'local', summary: 'ended' },
  ];
  writeFileSync(join(dir, `${OLD_ID}.ndjson`), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const summary = {
    id: OLD_ID,
    vendor: 'mindcraft',
    operation: 'chat_bot_v3',
    profileId: null,
    target: 'sandbox',
    startedAt: at,
    endedAt: at,
    durationMs: 2000,
    state: 'ended',
    outcome: 'ended',
    eventCount: 4,
  };
  writeFileSync(join(dir, `${OLD_ID}.json`), JSON.stringify(summary));
}

describe('recognition accuracy in sessions and history; scenarios and their utterances in bundles', () => {
  let core: Core;
  const root = mkdtempSync(join(tmpdir(), 'parley-recog-'));
  const dialog = queuedDialog();
  let cases: string;
  async function choose(purpose: 'caseFolder' | 'bundleOpen', path: string): Promise<string> {
    dialog.answer(path);
    return (await core.handlers['dialog.open']({ purpose })).path!;
  }
  async function chooseSave(path: string): Promise<string> {
    dialog.answer(path);
    return (await core.handlers['dialog.save']({ purpose: 'bundleSave' })).path!;
  }
  const sessionsOf = (report: { results: { sessionId?: string }[] }) => [...new Set(report.results.map((r) => r.sessionId!))];
  const indexed = (id: string) =>
    until(
      () => core.handlers['history.query']({ query: { limit: 1000 } }),
      (rows) => rows.some((r) => r.id === id && r.state !== 'running' && r.figures?.wer !== undefined),
    ).then((rows) => rows.find((r) => r.id === id)!);

  beforeAll(async () => {
    writeOldSession(join(root, 'data', 'sessions'));
    core = createCore({ dataDir: join(root, 'data'), secrets: new MemorySecretStore(), seedSandboxProfiles: true, dialog });
    cases = await choose('caseFolder', caseFolder(root));
  });
  afterAll(() => core.close());

  it('each spoken turn of a scenario run is scored in its session record, shown by history.detail and filterable and sortable in the history', async () => {
    const file = join(cases, 'Weather.parley-case.json');
    const good = await core.handlers['scenarios.run']({ path: file, vendors: ['mindcraft'] });
    expect(good.report.results.map((r) => r.outcome)).toEqual(['pass', 'pass']);
    const [goodId] = sessionsOf(good.report);
    // A second run with the bot mishearing: the same turns, scored badly.
    await core.handlers['sandbox.fault']({ vendor: 'mindcraft', fault: { kind: 'mishear' } });
    const bad = await core.handlers['scenarios.run']({ path: file, vendors: ['mindcraft'] });
    await core.handlers['sandbox.fault']({ vendor: 'mindcraft', fault: null });
    expect(bad.report.results.map((r) => r.outcome)).toEqual(['fail', 'fail']);
    const [badId] = sessionsOf(bad.report);

    const detail = await core.handlers['history.detail']({ sessionId: goodId! });
    expect(detail.figures.recognition).toEqual([
      expect.objectContaining({
        turn: 1,
        source: 'my-hello',
        metric: 'wer',
        rate: 0,
        reference: 'Hello, what is the weather like today?',
        recognised: expect.stringMatching(/weather/i),
      }),
      expect.objectContaining({ turn: 2, source: 'tell-joke-en', metric: 'wer', rate: 0 }),
    ]);
    const misheard = await core.handlers['history.detail']({ sessionId: badId! });
    const rows = bad.report.results as unknown as { recognition: { rate: number; recognised: string } }[];
    // The record holds the very score the run's report shows (one scorer), reference and recognised side by side.
    expect(misheard.figures.recognition!.map((r) => [r.rate, r.recognised])).toEqual(rows.map((r) => [r.recognition.rate, r.recognition.recognised]));
    expect(misheard.figures.recognition!.every((r) => r.rate! > 0.1 && r.alignment!.some((s) => s.op !== 'match'))).toBe(true);

    const goodRow: HistoryEntry = await indexed(goodId!);
    const badRow: HistoryEntry = await indexed(badId!);
    expect(goodRow.figures!.wer).toBe(0);
    expect(badRow.figures!.wer).toBeGreaterThan(0.1);
    expect(goodRow.figures!.cer).toBeUndefined();
    for (let pass = 0; pass < 2; pass++) {
      const over = await core.handlers['history.query']({ query: { figures: [{ name: 'wer', over: 0.1 }] } });
      expect(over.map((r) => r.id)).toEqual([badId]);
      const worst = await core.handlers['history.query']({ query: { sort: { by: 'wer', dir: 'desc' }, limit: 1000 } });
      expect(worst.slice(0, 2).map((r) => r.id)).toEqual([badId, goodId]);
      // Sessions without a score (here: none of this folder's) come after the scored ones, in either order.
      const best = await core.handlers['history.query']({ query: { sort: { by: 'wer', dir: 'asc' }, limit: 1000 } });
      expect(best.slice(0, 2).map((r) => r.id)).toEqual([goodId, badId]);
    }
  }, 120_000);

  it('a session recorded before scoring existed still opens, not scored, and sorts after the scored ones', async () => {
    const detail = await core.handlers['history.detail']({ sessionId: OLD_ID });
    expect(detail.figures.recognition).toEqual([]);
    expect(detail.figures.transcript).toBe('Hello, what is the weather like today?');
    for (const dir of ['asc', 'desc'] as const) {
      const rows = await core.handlers['history.query']({ query: { sort: { by: 'wer', dir }, limit: 1000 } });
      expect(rows.at(-1)!.id).toBe(OLD_ID);
      expect(rows.at(-1)!.figures?.wer).toBeUndefined();
    }
  });

  it('a scenario and its folder utterances travel in a bundle and run where it is imported, twice, with identical parts', async () => {
    const exportFrom = async (folder: string, name: string) => {
      const path = await chooseSave(join(root, `${name}.parley-bundle.json`));
      await core.handlers['bundle.export']({ sessionIds: [], path, scenarios: [join(folder, 'Weather.parley-case.json')] });
      return path;
    };
    const first = await exportFrom(cases, 'first');
    const b1: Bundle = await core.handlers['bundle.import']({ path: await choose('bundleOpen', first) });
    expect(b1.sessions).toEqual([]);
    expect(b1.scenarios!.map((s) => [s.file, s.utterances.map((u) => [u.id, u.file, u.tags])])).toEqual([
      ['Weather.parley-case.json', [['my-hello', 'my-hello.wav', ['mine']]]],
    ]);
    expect(Buffer.from(b1.scenarios![0]!.utterances[0]!.base64, 'base64').equals(readFileSync(join(cases, 'utterances', 'my-hello.wav')))).toBe(true);

    const elsewhere = join(root, 'imported');
    mkdirSync(elsewhere);
    await choose('caseFolder', elsewhere);
    const restored = await core.handlers['bundle.restoreScenario']({ path: first, index: 0, dir: elsewhere });
    expect(restored).toEqual({ path: join(elsewhere, 'Weather.parley-case.json'), added: ['my-hello'], unchanged: [] });
    // Importing the same bundle again changes nothing.
    expect(await core.handlers['bundle.restoreScenario']({ path: first, index: 0, dir: elsewhere })).toMatchObject({ added: [], unchanged: ['my-hello'] });
    const run = await core.handlers['scenarios.run']({ path: restored.path, vendors: ['mindcraft'] });
    expect(run.report.results.map((r) => [r.outcome, (r as { say?: string }).say])).toEqual([
      ['pass', 'my-hello'],
      ['pass', 'tell-joke-en'],
    ]);

    const second = await exportFrom(elsewhere, 'second');
    const b2: Bundle = await core.handlers['bundle.import']({ path: await choose('bundleOpen', second) });
    expect(b2.scenarios).toEqual(b1.scenarios);
    const library = (folder: string) => JSON.parse(readFileSync(join(folder, 'utterances', 'utterances.json'), 'utf8'));
    expect(library(elsewhere)).toEqual(library(cases));
  }, 120_000);

  it('hostile bundles are refused with a clear error and nothing is written', async () => {
    const good: Bundle = await core.handlers['bundle.import']({ path: await choose('bundleOpen', join(root, 'first.parley-bundle.json')) });
    const part = good.scenarios![0]!;
    const utterance = part.utterances[0]!;
    const hostile: [string, Bundle['scenarios'], RegExp][] = [
      ['traversal-file', [{ ...part, file: '../escaped.parley-case.json' }], /not a case file name/],
      ['traversal-wav', [{ ...part, utterances: [{ ...utterance, file: '../../escaped.wav' }] }], /"file" must be a WAV file name without a folder/],
      ['absolute-wav', [{ ...part, utterances: [{ ...utterance, file: '/tmp/escaped.wav' }] }], /"file" must be a WAV file name without a folder/],
      ['not-wav', [{ ...part, utterances: [{ ...utterance, base64: Buffer.from('#!/bin/sh\necho hi\n'.repeat(20)).toString('base64') }] }], /not a WAV file/],
      ['oversized', [{ ...part, utterances: [{ ...utterance, base64: 'UklG'.repeat(3 * 1024 * 1024) }] }], /larger than 8 MB/],
      ['bad-scenario', [{ ...part, text: '{"version": 2, "name": 5}' }], /scenario 1 of the bundle/],
    ];
    for (const [name, scenarios, error] of hostile) {
      const path = join(root, `${name}.parley-bundle.json`);
      writeFileSync(path, JSON.stringify({ ...good, scenarios }));
      const target = join(root, `target-${name}`);
      mkdirSync(target);
      await choose('caseFolder', target);
      await choose('bundleOpen', path);
      await expect(core.handlers['bundle.restoreScenario']({ path, index: 0, dir: target }), name).rejects.toThrow(error);
      expect(readdirSync(target), name).toEqual([]);
    }
    expect(existsSync(join(root, 'escaped.parley-case.json'))).toBe(false);
    expect(existsSync(join(root, 'escaped.wav'))).toBe(false);
    expect(existsSync('/tmp/escaped.wav')).toBe(false);

    // A folder that already has a different utterance of the same id keeps it.
    const clash = join(root, 'clash');
    mkdirSync(join(clash, 'utterances'), { recursive: true });
    copyFileSync(resourcePath('utterances', 'thanks-bye-zh.wav'), join(clash, 'utterances', 'my-hello.wav'));
    const lib = JSON.stringify([{ id: 'my-hello', file: 'my-hello.wav', language: 'zh', text: '谢谢,再见', tags: [] }]);
    writeFileSync(join(clash, 'utterances', 'utterances.json'), lib);
    await choose('caseFolder', clash);
    await expect(core.handlers['bundle.restoreScenario']({ path: join(root, 'first.parley-bundle.json'), index: 0, dir: clash })).rejects.toThrow(
      /already has a different utterance "my-hello"/,
    );
    expect(readFileSync(join(clash, 'utterances', 'utterances.json'), 'utf8')).toBe(lib);
    expect(existsSync(join(clash, 'Weather.parley-case.json'))).toBe(false);
  }, 60_000);
});
