/**
 * The renderer is untrusted (it also runs closed-source RTC SDKs): whatever it sends through the contract must be
 * refused or answered safely. For every operation with an id, a path or a payload (found by the contract's `x-arg`
 * marks), generated hostile values go through dispatch() against a real core:
 *
 * - ids: traversal, absolute, encoded, control characters, too long -> BAD_ARGUMENTS; valid-looking ids that are
 *   links planted in the data folder -> refused or answered without anything from outside;
 * - paths: outside the data folder and the granted ones (absolute, relative, encoded, through links, devices, a pipe,
 *   a link loop) -> refused with a specific code, or answered when they really are inside;
 * - payloads: deep, huge, BigInt, cyclic, Dates, Maps, NaN, functions -> BAD_ARGUMENTS;
 *
 * and after every call: no file outside the data folder and the granted folder was created, changed or removed, the
 * canary's content is in no result or error, no stored secret is in any result or error in any encoding, and the
 * process is still serving (an uncaught error in background work fails the run).
 */
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, dispatch, OP_NAMES, type OpName } from '../../src-main/core/contract.ts';
import { createCore, type Core } from '../../src-main/core/core.ts';
import type { JsonSchema } from '../../src-main/core/schema.ts';
import { encodeWav } from '../../src-main/core/audio/wav.ts';
import { vendorById } from '../../src-main/core/vendors/registry.ts';
import { MemorySecretStore } from '../unit/app/memory-secrets.ts';
import { queuedDialog } from '../support/queued-dialog.ts';
import { deepNest } from './support/arbitraries.ts';

type Kind = 'id' | 'path' | 'payload';
interface Field {
  kind: Kind;
  /** Where the field is in the arguments; numbers are array indexes. */
  at: (string | number)[];
}

/** Every field the contract marks with x-arg, with its place in the arguments (array items at index 0). */
function markedFields(schema: JsonSchema, at: (string | number)[] = []): Field[] {
  const kind = schema['x-arg'] as Kind | undefined;
  const here: Field[] = kind ? [{ kind, at }] : [];
  const props = Object.entries(schema.properties ?? {}).flatMap(([k, s]) => markedFields(s, [...at, k]));
  const items = schema.items ? markedFields(schema.items, [...at, 0]) : [];
  return [...here, ...props, ...items];
}

const CODES_FOR_REFUSED_PATHS = new Set([
  'BAD_ARGUMENTS',
  'PATH_REFUSED',
  'FILE_REFUSED',
  'NOT_FOUND',
  'CASE_INVALID',
  'BUNDLE_INVALID',
  'SPEECH_INVALID',
  'SECRET_FOUND',
]);
/** What a refusal must never read like: a JavaScript or file-system error leaking through instead of a reason. */
const GENERIC =
  /Maximum call stack|Cannot read propert|is not iterable|serialize a BigInt|is not a function|Converting circular|^E[A-Z]+:|\bE(ISDIR|NOENT|NOTDIR|ACCES)\b|undefined|\[object Object\]|Unexpected token/;

describe('the whole contract against hostile arguments', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-hostile-'));
  const dataDir = join(root, 'data');
  const outside = join(root, 'outside');
  const cases = join(root, 'cases');
  const CANARY = `CANARY-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const secrets = new MemorySecretStore();
  const dialog = queuedDialog();
  let core: Core;
  let before: Map<string, string>;
  const ids = { profile: '', session: '20260101T000000-mindcraft-0000aaaa', comparison: 'cmp-20260101T000000-aaaaaa' };
  const paths = { caseFile: '', bundle: '', bundleSave: '' };
  /** Every secret value stored, with characters that need encoding (space, !, ', +, /, ", unicode). */
  const storedValues: string[] = [];

  /** Names, kinds, sizes, modification times and contents of everything under `dir`, links not followed. */
  function snapshot(dir: string, out = new Map<string, string>()): Map<string, string> {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const s = lstatSync(p);
      const content = s.isFile() ? readFileSync(p).toString('base64') : s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : 'special';
      out.set(p, `${s.mode}:${s.size}:${s.mtimeMs}:${content}`);
      if (s.isDirectory()) snapshot(p, out);
    }
    return out;
  }

  const caseText = (name: string) =>
    JSON.stringify({ version: 1, name, vendor: 'mindcraft', operation: 'chat_bot_v3', payload: { not_a_field: CANARY.length } });
  const wav = Buffer.from(encodeWav(new Int16Array(1600), 16000));
  function ensureBaseFiles(): void {
    if (!existsSync(paths.caseFile)) writeFileSync(paths.caseFile, caseText('base'));
  }

  beforeAll(async () => {
    mkdirSync(outside, { recursive: true });
    mkdirSync(cases, { recursive: true });
    // The canary: files outside everything the renderer may reach, of every kind a handler reads.
    writeFileSync(join(outside, 'canary.txt'), CANARY);
    writeFileSync(join(outside, 'canary.parley-case.json'), caseText(CANARY));
    writeFileSync(
      join(outside, 'canary.parley-bundle.json'),
      JSON.stringify({
        format: 'parley-bundle',
        version: 1,
        createdAt: CANARY,
        app: { name: CANARY, version: '1' },
        os: { platform: 'x' },
        note: CANARY,
        sessions: [],
      }),
    );
    writeFileSync(
      join(outside, 'canary.json'),
      JSON.stringify({ id: 'link-json', vendor: 'mindcraft', operation: 'chat_bot_v3', startedAt: CANARY, state: 'ended', target: 'sandbox' }),
    );
    writeFileSync(join(outside, 'canary.ndjson'), JSON.stringify({ seq: 1, t: 0, at: CANARY, kind: 'x', dir: 'in', summary: CANARY }) + '\n');
    writeFileSync(join(outside, 'canary.wav'), Buffer.concat([wav, Buffer.from(CANARY)]));
    writeFileSync(join(outside, 'private.key'), CANARY);

    secrets.values.clear();
    core = createCore({ dataDir, secrets, seedSandboxProfiles: true, dialog });
    const profiles = await dispatch(core.handlers, 'profiles.list', {});
    const tencent = (profiles as { id: string; vendor: string }[]).find((p) => p.vendor === 'tencent')!;
    ids.profile = tencent.id;
    for (const [name, value] of [
      ['SECRET_KEY', `sk live!'(x)*~ +/=?&"é-${CANARY.slice(-6)}`],
      ['LLM_API_KEY', "llm-key-with spaces and !quotes'"],
    ]) {
      await dispatch(core.handlers, 'secrets.set', { profileId: tencent.id, name, value });
    }
    for (const p of profiles as { id: string; vendor: string }[])
      for (const field of vendorById(p.vendor).credentials) {
        const v = field.secret ? await secrets.get(p.id, field.name) : null;
        if (v && v.length >= 4) storedValues.push(v);
      }

    // A recorded session and a comparison below the data folder, and links planted where ids resolve.
    const sessions = join(dataDir, 'sessions');
    writeFileSync(
      join(sessions, `${ids.session}.json`),
      JSON.stringify({
        id: ids.session,
        vendor: 'mindcraft',
        operation: 'no_such_operation',
        profileId: null,
        target: 'sandbox',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:00:01.000Z',
        durationMs: 1000,
        state: 'ended',
        outcome: 'ok',
        eventCount: 1,
        payload: {},
      }),
    );
    writeFileSync(
      join(sessions, `${ids.session}.ndjson`),
      JSON.stringify({ seq: 1, t: 0, at: '2026-01-01T00:00:00.000Z', kind: 'session.start', dir: 'local', summary: 'start' }) + '\n',
    );
    mkdirSync(join(sessions, ids.session));
    writeFileSync(join(sessions, ids.session, 'turn-1-user.wav'), wav);
    symlinkSync(join(outside, 'private.key'), join(sessions, ids.session, 'private.key'));
    symlinkSync(outside, join(sessions, 'link-out'));
    symlinkSync(join(outside, 'canary.json'), join(sessions, 'link-json.json'));
    symlinkSync(join(outside, 'canary.ndjson'), join(sessions, 'link-json.ndjson'));
    mkdirSync(join(dataDir, 'comparisons'), { recursive: true });
    symlinkSync(join(outside, 'canary.json'), join(dataDir, 'comparisons', 'link-json.json'));

    // The granted case folder, with links out of it, a link loop and a pipe named like a case.
    dialog.answer(cases);
    expect((await dispatch(core.handlers, 'dialog.open', { purpose: 'caseFolder' })) as { path: string }).toEqual({ path: cases });
    paths.caseFile = join(cases, 'base.parley-case.json');
    ensureBaseFiles();
    symlinkSync(outside, join(cases, 'out'));
    symlinkSync(join(outside, 'canary.parley-case.json'), join(cases, 'leak.parley-case.json'));
    symlinkSync(join(outside, 'missing'), join(cases, 'dangling.parley-case.json'));
    symlinkSync(cases, join(cases, 'loop'));
    execFileSync('mkfifo', [join(cases, 'fifo.parley-case.json')]);
    execFileSync('mkfifo', [join(cases, 'fifo.wav')]);
    // A bundle the user opened and one they chose to save.
    paths.bundle = join(cases, 'base.parley-bundle.json');
    writeFileSync(
      paths.bundle,
      JSON.stringify({
        format: 'parley-bundle',
        version: 1,
        createdAt: '2026-01-01T00:00:00Z',
        app: { name: 'Parley', version: '1' },
        os: { platform: 'linux' },
        sessions: [
          {
            summary: { id: 'x', startedAt: '2026-01-01T00:00:00Z', state: 'ended', target: 'sandbox' },
            vendor: 'mindcraft',
            operation: 'no_such_operation',
            payload: {},
            events: '',
            files: [],
          },
        ],
      }),
    );
    dialog.answer(paths.bundle);
    await dispatch(core.handlers, 'dialog.open', { purpose: 'bundleOpen' });
    dialog.answer(join(cases, 'export'));
    paths.bundleSave = ((await dispatch(core.handlers, 'dialog.save', { purpose: 'bundleSave' })) as { path: string }).path;
    before = snapshot(outside);
  });
  afterAll(async () => {
    await core?.close();
  });

  /** Valid arguments for an operation; the property replaces one marked field with a hostile value. */
  function baseArgs(name: OpName): Record<string, unknown> {
    const caseFile = { version: 1, name: 'saved', vendor: 'mindcraft', operation: 'chat_bot_v3', payload: {} };
    const table: Partial<Record<OpName, Record<string, unknown>>> = {
      'app.dismissNotice': { id: 'no-such-notice' },
      'profiles.save': { profile: { id: ids.profile, name: 'Tencent sandbox', vendor: 'tencent', target: 'sandbox', settings: {} } },
      'profiles.delete': { id: 'no-such-profile' },
      'secrets.status': { profileId: ids.profile },
      'secrets.set': { profileId: ids.profile, name: 'NO_SUCH_CREDENTIAL', value: 'x' },
      'secrets.delete': { profileId: ids.profile, name: 'NO_SUCH_CREDENTIAL' },
      'payload.validate': { vendor: 'tencent', operation: 'StartAIConversation', payload: {} },
      'payload.inspect': { profileId: ids.profile, operation: 'StartAIConversation', payload: {} },
      'session.start': { profileId: ids.profile, operation: 'StartAIConversation', payload: {} },
      'session.send': { sessionId: ids.session, action: 'send_wav', data: {} },
      'session.stop': { sessionId: ids.session },
      'session.events': { sessionId: ids.session },
      'session.record': { sessionId: ids.session, events: [{ kind: 'room.x', dir: 'in', summary: 's', data: {} }] },
      'session.readFile': { sessionId: ids.session, name: 'turn-1-user.wav' },
      'room.join': { sessionId: ids.session },
      'room.credential': { profileId: ids.profile, userId: 'bot_1' },
      'sandbox.fault': { vendor: 'convai', fault: null },
      'cases.list': { dir: cases },
      'cases.save': { dir: cases, case: caseFile, overwrite: true },
      'cases.duplicate': { path: paths.caseFile },
      'cases.rename': { path: paths.caseFile, name: 'base' },
      'cases.delete': { path: join(cases, 'no-such.parley-case.json') },
      'cases.run': { path: paths.caseFile, profileId: ids.profile },
      'history.query': { query: { profileId: ids.profile } },
      'history.detail': { sessionId: ids.session },
      'history.rerun': { sessionId: ids.session, profileId: ids.profile },
      'compare.start': {
        plan: { input: { text: 'hello' }, entries: [{ profileId: ids.profile, operation: 'no_such_operation', payload: {} }], repeat: 1, mode: 'sequential' },
      },
      'compare.get': { id: ids.comparison },
      'compare.csv': { id: ids.comparison, kind: 'summary' },
      'bundle.export': { sessionIds: [ids.session], path: paths.bundleSave },
      'bundle.import': { path: paths.bundle },
      'bundle.rerun': { path: paths.bundle, index: 0, profileId: ids.profile },
      'code.snippets': { profileId: ids.profile, operation: 'StartAIConversation', payload: {} },
      'pins.get': { sessionId: ids.session },
      'pins.set': { sessionId: ids.session, seqs: [1] },
    };
    return structuredClone(table[name] ?? {});
  }

  /** The marked fields of each operation, plus the one path hidden in action data (Mindcraft send_wav). */
  const targets = OP_NAMES.flatMap((name) => {
    const fields = markedFields(contract[name].args);
    if (name === 'session.send') fields.push({ kind: 'path', at: ['data', 'path'] });
    return fields.map((f) => ({ name, ...f }));
  });

  function withValue(args: Record<string, unknown>, at: (string | number)[], value: unknown): Record<string, unknown> {
    let cur: Record<string | number, unknown> = args;
    for (const key of at.slice(0, -1)) {
      if (!cur[key] || typeof cur[key] !== 'object') cur[key] = typeof at[at.indexOf(key) + 1] === 'number' ? [] : {};
      cur = cur[key] as Record<string | number, unknown>;
    }
    cur[at[at.length - 1]!] = value;
    return args;
  }

  const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
  const badIds = fc
    .oneof(
      fc.constantFrom(
        '..',
        '.',
        '../../..',
        '../../../../etc/passwd',
        '/etc/passwd',
        '..\\..\\windows\\win.ini',
        'C:\\Windows',
        '%2e%2e%2f%2e%2e',
        '..%2F..',
        '....//....//',
        'a/../../b',
        'a\u0000b',
        '\u0000',
        '',
        ' ',
        '-x',
        '_x',
        'a b',
        '~',
        '$HOME',
        '`id`',
        '\u202e',
        'ｘ',
        '..%c0%af',
        'x'.repeat(129),
        'file:///etc/passwd',
        '\\\\server\\share',
      ),
      fc.array(fc.constantFrom('..', '.', 'etc', 'passwd', '%2e', '%2f', '\\', 'x'), { minLength: 1, maxLength: 8 }).map((p) => p.join('/')),
      fc.string({ minLength: 1, maxLength: 40 }),
    )
    .filter((s) => !ID.test(s));
  const hostilePaths = (): fc.Arbitrary<string> => {
    const suffixes = ['', '.parley-case.json', '.parley-bundle.json', '.wav', '/canary.parley-case.json', '/x.parley-bundle.json'];
    const named = [
      join(outside, 'canary.txt'),
      join(outside, 'canary.parley-case.json'),
      join(outside, 'canary.parley-bundle.json'),
      join(outside, 'canary.wav'),
      join(outside, 'private.key'),
      outside,
      join(outside, 'nope'),
      '/etc/passwd',
      '/etc/passwd.parley-bundle.json',
      '/dev/zero',
      '/dev/zero.wav',
      '/proc/self/environ',
      '/',
      '/usr',
      `${cases}/../outside/canary.parley-case.json`,
      `${cases}/out/canary.parley-case.json`,
      `${cases}/out`,
      `${cases}/leak.parley-case.json`,
      `${cases}/dangling.parley-case.json`,
      `${cases}/fifo.parley-case.json`,
      `${cases}/fifo.wav`,
      `${cases}/loop/loop/loop`,
      `${dataDir}/sessions/link-out/canary.wav`,
      `${dataDir}/sessions/link-out`,
      `${dataDir}/../outside/canary.parley-bundle.json`,
      '../outside/canary.txt',
      'canary.parley-case.json',
      '%2Fetc%2Fpasswd',
      `file://${outside}/canary.wav`,
      `${outside}\u0000.wav`,
      `${outside}/canary.txt/../canary.wav`,
    ];
    return fc.oneof(
      fc.constantFrom(...named),
      fc.tuple(fc.constantFrom(...named), fc.constantFrom(...suffixes)).map(([p, s]) => p + s),
      fc
        .tuple(
          fc.constantFrom(cases, dataDir, outside, '/'),
          fc.array(fc.constantFrom('..', '.', 'out', 'loop', 'outside', 'sessions', 'link-out', '%2e%2e', 'canary.wav'), { minLength: 1, maxLength: 6 }),
          fc.constantFrom(...suffixes),
        )
        .map(([base, segs, s]) => [base, ...segs].join('/') + s),
    );
  };

  function cyclic(): unknown {
    const a: Record<string, unknown> = { b: { c: [1] } };
    (a.b as Record<string, unknown>).self = a;
    return a;
  }
  class Custom {
    x = 1;
  }
  const hostilePayload = (maxBytes: number): fc.Arbitrary<unknown> =>
    fc.oneof(
      fc.integer({ min: 49, max: 10_000 }).map((d) => deepNest(d)),
      fc.constant(null).map(() => ({ big: 'x'.repeat(maxBytes + 1024) })),
      fc.integer({ min: 1, max: 200 }).map((n) => ({ list: Array.from({ length: n }, () => 1), at: { deep: { value: 10n ** BigInt(n) } } })),
      fc.constant(null).map(cyclic),
      fc.constantFrom<unknown>(
        { when: new Date() },
        { map: new Map([[1, 2]]) },
        { set: new Set([1]) },
        { n: NaN },
        { n: Infinity },
        { f: () => 1 },
        { s: Symbol('x') },
        { bytes: new Uint8Array(4) },
        { c: new Custom() },
        [1n],
        new Date(),
        10n,
      ),
    );

  /**
   * Everything a reader could decode from a text: itself, its URL and form decoding, every base64/base64url run at
   * every alignment and every hex run. An oracle of its own (it decodes; the redactor encodes), so a form the
   * redactor forgets is still found here.
   */
  function decodings(text: string): string[] {
    const out = [text];
    const percent = (t: string) => t.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8'));
    out.push(percent(text), percent(text.replace(/\+/g, ' ')));
    for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
      const std = run.replace(/-/g, '+').replace(/_/g, '/');
      for (let k = 0; k < 4; k++) out.push(Buffer.from(std.slice(k), 'base64').toString('latin1'), Buffer.from(std.slice(k), 'base64').toString('utf8'));
    }
    for (const run of text.match(/[0-9A-Fa-f]{8,}/g) ?? []) for (let k = 0; k < 2; k++) out.push(Buffer.from(run.slice(k), 'hex').toString('utf8'));
    return out;
  }
  const strings = (v: unknown, out: string[] = []): string[] => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        strings(x, out);
      }
    return out;
  };
  /** No stored secret (in any encoding) and no canary in anything the call answered. */
  function expectClean(answer: unknown, where: string): void {
    for (const text of strings(answer)) {
      expect(text.includes(CANARY), `${where}: holds the canary from outside the data folder`).toBe(false);
      for (const decoded of decodings(text))
        for (const v of storedValues)
          expect(
            decoded.includes(v) || decoded.includes(JSON.stringify(v).slice(1, -1)),
            `${where}: holds a stored secret (in ${JSON.stringify(text.slice(0, 200))})`,
          ).toBe(false);
    }
  }

  async function call(name: OpName, args: unknown): Promise<{ ok: true; result: unknown } | { ok: false; code: string; message: string }> {
    try {
      return { ok: true, result: await dispatch(core.handlers, name, args) };
    } catch (err) {
      const e = err as Error & { code?: string };
      return { ok: false, code: e.code ?? 'ERROR', message: e.message };
    }
  }

  function check(name: OpName, kind: Kind | 'link', outcome: Awaited<ReturnType<typeof call>>, value: unknown): void {
    const where = `${name} with ${kind} ${typeof value === 'string' ? JSON.stringify(value).slice(0, 120) : kind}`;
    expectClean(outcome.ok ? outcome.result : outcome.message, where);
    if (!outcome.ok) expect(outcome.message, `${where}: unclear error`).not.toMatch(GENERIC);
    if (kind === 'id' || kind === 'payload')
      expect(outcome.ok ? 'accepted' : outcome.code, `${where}: ${outcome.ok ? '' : outcome.message}`).toBe('BAD_ARGUMENTS');
    else if (!outcome.ok) expect(CODES_FOR_REFUSED_PATHS.has(outcome.code), `${where}: refused with ${outcome.code} (${outcome.message})`).toBe(true);
    expect(snapshot(outside), `${where}: changed something outside the data folder`).toEqual(before);
    // What was written where the user allowed it (a bundle, a case) holds nothing from outside either.
    for (const n of readdirSync(cases))
      if (lstatSync(join(cases, n)).isFile())
        expect(readFileSync(join(cases, n), 'latin1').includes(CANARY), `${where}: wrote the canary into ${n}`).toBe(false);
  }

  const byKind = (kind: Kind) => targets.filter((t) => t.kind === kind);

  it('finds ids, paths and payloads in the contract (the test covers what the contract marks)', () => {
    expect(byKind('id').length).toBeGreaterThanOrEqual(20);
    expect(byKind('path').map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'cases.list',
        'cases.save',
        'cases.delete',
        'cases.run',
        'bundle.export',
        'bundle.import',
        'bundle.rerun',
        'compare.start',
        'session.send',
      ]),
    );
    expect(byKind('payload').map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'payload.inspect',
        'session.start',
        'session.send',
        'session.record',
        'compare.start',
        'cases.save',
        'code.snippets',
        'profiles.save',
      ]),
    );
  });

  it('refuses every hostile id with BAD_ARGUMENTS', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...byKind('id')), badIds, async (t, value) => {
        const args = withValue(baseArgs(t.name), t.at, value);
        check(t.name, 'id', await call(t.name, args), value);
      }),
      { numRuns: 400 },
    );
  });

  it('never follows an id that is a planted link out of the data folder', async () => {
    for (const t of byKind('id')) {
      for (const value of ['link-out', 'link-json']) {
        const outcome = await call(t.name, withValue(baseArgs(t.name), t.at, value));
        expectClean(outcome.ok ? outcome.result : outcome.message, `${t.name} ${value}`);
        if (!outcome.ok) expect(outcome.message, `${t.name} ${value}`).not.toMatch(GENERIC);
        expect(snapshot(outside)).toEqual(before);
      }
    }
    // A session's files: the name is a plain file name, never a link (a planted private.key) or a way up.
    for (const sessionId of [ids.session, 'link-out']) {
      for (const name of ['private.key', 'canary.txt', 'canary.wav', '..', '.', '...', 'turn-1-user.wav/..']) {
        const outcome = await call('session.readFile', { sessionId, name });
        expectClean(outcome.ok ? outcome.result : outcome.message, `session.readFile ${sessionId}/${name}`);
        expect(outcome.ok, `session.readFile ${sessionId}/${name}`).toBe(false);
        if (!outcome.ok) expect(CODES_FOR_REFUSED_PATHS.has(outcome.code), `${name}: ${outcome.code} ${outcome.message}`).toBe(true);
      }
    }
    const detail = (await call('history.detail', { sessionId: ids.session })) as { ok: true; result: { files: { name: string }[] } };
    expect(detail.result.files.map((f) => f.name)).toEqual(['turn-1-user.wav']);
  });

  it('refuses every path outside the data folder and the granted ones, reads no device or pipe, follows no link out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...byKind('path')), hostilePaths(), async (t, value) => {
        ensureBaseFiles();
        const args = withValue(baseArgs(t.name), t.at, value);
        check(t.name, 'path', await call(t.name, args), value);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('refuses every deep, huge, BigInt, cyclic or non-JSON payload with BAD_ARGUMENTS', async () => {
    for (const t of byKind('payload')) {
      const limit = (contract[t.name] as { maxBytes?: number }).maxBytes ?? 1024 * 1024;
      await fc.assert(
        fc.asyncProperty(hostilePayload(limit), async (value) => {
          const args = withValue(baseArgs(t.name), t.at, value);
          check(t.name, 'payload', await call(t.name, args), value);
        }),
        { numRuns: limit > 8 * 1024 * 1024 ? 8 : 25 },
      );
    }
  }, 120_000);

  describe('secrets', () => {
    const refs = ['{{secret:SECRET_KEY}}', '{{secret:LLM_API_KEY}}', '{{secret:SECRET_ID}}'];
    // Encoded as a client, a proxy or a token would carry it (written here, not taken from the redactor).
    const encodings = (v: string) => [
      v,
      encodeURIComponent(v),
      new URLSearchParams({ a: v }).toString().slice(2),
      Buffer.from(v).toString('hex'),
      Buffer.from(v).toString('base64'),
      Buffer.from(v).toString('base64url'),
      Buffer.from(`x${v}`).toString('base64'),
      `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'user', end_user_id: v, exp: 1 })).toString('base64url')}.c2ln`,
    ];
    const ops: OpName[] = ['payload.inspect', 'payload.validate', 'code.snippets', 'cases.save'];
    const argsFor = (name: OpName, payload: Record<string, unknown>) =>
      name === 'cases.save'
        ? { dir: cases, case: { version: 1, name: 'leak', vendor: 'tencent', operation: 'StartAIConversation', payload }, overwrite: true }
        : withValue(baseArgs(name), ['payload'], payload);

    it('answers no stored secret a payload holds, in any encoding; a case file holding one is refused', async () => {
      // Every encoding of the secrets whose characters need encoding (space, !, ', +, /, ", é), in an ordinary field.
      const special = storedValues.filter((v) => /[^A-Za-z0-9]/.test(v));
      expect(special.length).toBeGreaterThanOrEqual(2);
      for (const name of ops)
        for (const v of special)
          for (const literal of encodings(v)) {
            const outcome = await call(name, argsFor(name, { SessionId: literal, RoomId: '7001' }));
            expectClean(outcome.ok ? outcome.result : outcome.message, `${name} ${literal}`);
            if (name === 'cases.save') expect(outcome.ok ? 'saved' : outcome.code, `cases.save ${literal}`).toBe('SECRET_FOUND');
          }
    }, 60_000);

    it('answers no stored secret a payload references, wherever the reference is', async () => {
      const leaf = fc.oneof(
        fc.constantFrom(...refs),
        fc.tuple(fc.constantFrom(...refs), fc.string({ maxLength: 8 })).map(([r, x]) => `${x}${r}${x}`),
        fc.string({ maxLength: 8 }),
      );
      const payload = fc.dictionary(fc.constantFrom('SessionId', 'RoomId', 'note', 'UserId', 'Welcome', 'x'), leaf, { minKeys: 1, maxKeys: 4 });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ops), payload, async (name, p) => {
          const outcome = await call(name, argsFor(name, p));
          expectClean(outcome.ok ? outcome.result : outcome.message, `${name} ${JSON.stringify(p)}`);
        }),
        { numRuns: 150 },
      );
      const saved = readdirSync(cases)
        .filter((n) => n.startsWith('leak') && lstatSync(join(cases, n)).isFile())
        .map((n) => readFileSync(join(cases, n), 'utf8'));
      for (const text of saved) expectClean(text, 'a saved case file');
    }, 60_000);
  });

  it('is still serving, and every list still answers', async () => {
    for (const name of ['app.info', 'profiles.list', 'session.list', 'history.query', 'compare.list', 'app.notices', 'vendors.list'] as const) {
      const outcome = await call(name, {});
      expect(outcome.ok, `${name}: ${outcome.ok ? '' : outcome.message}`).toBe(true);
      expectClean(outcome.ok && outcome.result, name);
    }
    expect(snapshot(outside)).toEqual(before);
  });
});
