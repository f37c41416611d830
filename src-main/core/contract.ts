/**
 * The one table of operations the renderer may call. The Electron IPC router and the E2E WebSocket bridge
 * both serve exactly this table; arguments are validated here at run time before any handler runs.
 */
import type { JsonSchema, Localized } from './schema.ts';
import type { SessionEvent, SessionSummary, NewEvent } from './events.ts';
import type { Profile } from './profiles/types.ts';
import { VENDOR_ID_PATTERN, type CredentialField, type PayloadError, type RequestInspection, type RoomCredential, type VendorId } from './vendors/types.ts';
import type { BuiltInRoomJoinInfo } from './vendors/registry.ts';
import type { Fault } from './sandbox/faults.ts';
import { validateSchema } from './payload.ts';
// Node compiles the contract's argument schemas (the build generates validators for vendor schemas only).
import './validation/node-compiler.ts';
import { ID_PATTERN } from './paths.ts';
import { DEFAULT_JSON_LIMITS, jsonProblem, type JsonLimits } from './json-limits.ts';
import { OPEN_PURPOSES, SAVE_PURPOSES, type OpenPurpose, type SavePurpose } from './grants.ts';
import type { Notice } from './notices.ts';
import type { CaseEntry, CaseFile } from './workflows/case-file.ts';
import type { HistoryEntry, HistoryQuery, SessionDetail } from './workflows/history.ts';
import { FIGURE_NAMES, SORT_KEYS, type IndexStatus } from './history/types.ts';
import type { ComparePlanInput, CompareResult, CompareSummary } from './workflows/compare.ts';
import type { Bundle } from './workflows/bundle.ts';
import type { AgentTurnInput, AgentTurnResult } from './workflows/turn-agent.ts';
import type { Snippets } from './workflows/snippets.ts';
import type { CaseRunReport, RunReport } from './workflows/report.ts';
import type { Scenario } from './scenarios/scenario-file.ts';
import type { LibraryItem, ScenarioListEntry } from './scenarios/handlers.ts';

export interface OperationSpec<A, R> {
  args: JsonSchema;
  doc: string;
  /**
   * Runtime check of what main sends back, where it matters most: the shapes that must never carry a secret
   * (credential status: flag and last four characters only) and the ones the renderer relies on.
   */
  result?: JsonSchema;
  /** Larger than DEFAULT_JSON_LIMITS.maxBytes: the operations that carry audio or many events. */
  maxBytes?: number;
  /** Phantom field carrying the TypeScript types. */
  readonly _types?: { args: A; result: R };
}

function op<A, R>(args: JsonSchema, doc: string, result?: JsonSchema, maxBytes?: number): OperationSpec<A, R> {
  return { args, doc, ...(result ? { result } : {}), ...(maxBytes ? { maxBytes } : {}) };
}

const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const str: JsonSchema = { type: 'string', minLength: 1, maxLength: 512 };
/** A vendor's id; the handlers refuse one that is not registered (vendors/registry.ts), naming the registered ones. */
const vendorId: JsonSchema = { type: 'string', pattern: VENDOR_ID_PATTERN };
// `x-arg` says what an argument is (ajv ignores x- keywords): an id, a path the user chose, or payload data. Reviewers
// read it, and the contract-wide hostile-input test (test/fuzz/contract-hostile.test.ts) finds every such field by it.
/** Session, comparison and profile ids: one pattern, so an id is never a path. */
const id: JsonSchema = { type: 'string', pattern: ID_PATTERN, 'x-arg': 'id' };
/** Vendor payloads, settings, action data: any JSON object, within the contract's depth and size limits. */
const anyObject: JsonSchema = { type: 'object', 'x-arg': 'payload' };
const anyData: JsonSchema = { 'x-arg': 'payload' };
const none = obj({});
const localized: JsonSchema = obj({ en: { type: 'string' }, zh: { type: 'string' } }, ['en', 'zh']);
/**
 * A credential as the renderer may see it: a secret one as set / not set and at most its last four characters; a
 * non-secret one (an app id) with its `publicValue`. `demo`: it still holds the sandbox's public demo value.
 */
const secretStatus: JsonSchema = obj(
  {
    name: str,
    label: localized,
    set: { type: 'boolean' },
    last4: { type: 'string', maxLength: 4 },
    publicValue: { type: 'string', maxLength: 512 },
    demo: { type: 'boolean' },
  },
  ['name', 'label', 'set', 'last4', 'demo'],
);
const profileShape: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'vendor', 'target', 'settings'],
  properties: { id: str, name: { type: 'string' }, vendor: vendorId, target: { type: 'string', enum: ['sandbox', 'live'] }, settings: anyObject },
};
/** An absolute file or folder path the user chose in dialog.open / dialog.save, or one below the data folder. */
const path: JsonSchema = { type: 'string', minLength: 1, maxLength: 4096, 'x-arg': 'path' };
const caseFile: JsonSchema = { ...path, pattern: '\\.parley-case\\.json$' };
/** Only bundle files are read or written through bundle.*: an error never quotes another file's content. */
const bundleFile: JsonSchema = { ...path, pattern: '\\.parley-bundle\\.json$' };
/** A session id as the session engine makes it (start time, vendor, random part), stricter than `id`: never a path. */
const historySessionId: JsonSchema = { type: 'string', pattern: '^[0-9]{8}T[0-9]{6}-[a-z]+-[0-9a-f]{8}$', maxLength: 64, 'x-arg': 'id' };
/** An ISO 8601 date or date-time (startedAt bounds). */
const isoTime: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$',
  maxLength: 40,
};
/** Base64 of the largest speech file Parley reads (MAX_SPEECH_BYTES, 32 MiB). */
const WAV_BASE64_MAX = Math.ceil((32 * 1024 * 1024) / 3) * 4;
const inputSpec: JsonSchema = obj({
  text: { type: 'string', minLength: 1, maxLength: 10000 },
  wav: path,
  sample: { type: 'string', pattern: '^[A-Za-z0-9._-]+\\.wav$', maxLength: 200 },
  wavBase64: { type: 'string', maxLength: WAV_BASE64_MAX },
  wavName: { type: 'string', maxLength: 200 },
});
const MiB = 1024 * 1024;
/** A figure the client measured, or null when it could not be. */
const measured: JsonSchema = { type: ['number', 'null'], minimum: 0, maximum: 3_600_000 };

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  dataDir: string;
  locale: string;
}

export interface VendorView {
  id: VendorId;
  title: Localized;
  /** #rrggbb: the vendor's mark in the sidebar and the panel, its family chip in the log. */
  color: string;
  credentials: CredentialField[];
  settingsSchema: JsonSchema;
  /** Settings a new profile starts with, per target (shown in the profile dialog). */
  defaultSettings?: Record<'sandbox' | 'live', Record<string, unknown>>;
  operations: {
    id: string;
    title: Localized;
    description?: Localized;
    transport: 'http' | 'socket' | 'room';
    schema: JsonSchema;
    example: Record<string, unknown>;
    actions?: { id: string; title: Localized; schema?: JsonSchema }[];
    inspectable: boolean;
    /** Stopping its session ends the vendor task it started (unless the stop says otherwise). */
    closesTask?: boolean;
  }[];
  hasRoom: boolean;
}

export interface SecretStatus {
  name: string;
  label: Localized;
  set: boolean;
  /** Last four characters, only when set and longer than four. */
  last4: string;
  /** The value of a non-secret credential (an app id, an AppKey); never present for a secret one. */
  publicValue?: string;
  /** It holds the sandbox's public demo value (worth a warning on a live profile). */
  demo: boolean;
}

export interface StartResult {
  sessionId?: string;
  /** Present instead of a session when the payload fails validation and sendAnyway is false. */
  errors?: PayloadError[];
}

export const contract = {
  'app.info': op<Record<string, never>, AppInfo>(
    none,
    'Version, platform and data folder.',
    obj({ name: str, version: str, platform: str, dataDir: { type: 'string' }, locale: { type: 'string' } }, [
      'name',
      'version',
      'platform',
      'dataDir',
      'locale',
    ]),
  ),
  'app.notices': op<Record<string, never>, Notice[]>(
    none,
    'What the user must be told that no call reported: a file that could not be read and was set aside under a new name.',
  ),
  'app.dismissNotice': op<{ id: string }, { ok: true }>(obj({ id }, ['id']), 'Dismiss a notice.'),
  'dialog.open': op<{ purpose: OpenPurpose }, { path: string | null }>(
    obj({ purpose: { type: 'string', enum: [...OPEN_PURPOSES] } }, ['purpose']),
    'Ask the user for a case folder, a bundle to open or a speech WAV in the native dialog. The answer (null when cancelled) is granted: the renderer may use that path from then on.',
    obj({ path: { type: ['string', 'null'] } }, ['path']),
  ),
  'dialog.save': op<{ purpose: SavePurpose; defaultName?: string }, { path: string | null }>(
    obj({ purpose: { type: 'string', enum: [...SAVE_PURPOSES] }, defaultName: { type: 'string', maxLength: 200, pattern: '^[^/\\\\]*$' } }, ['purpose']),
    'Ask the user where to save a bundle in the native dialog. The answer (null when cancelled) is granted for writing.',
    obj({ path: { type: ['string', 'null'] } }, ['path']),
  ),
  'vendors.list': op<Record<string, never>, VendorView[]>(none, 'Vendor descriptors: credentials, settings schema, operations with payload schemas.'),

  'profiles.list': op<Record<string, never>, Profile[]>(none, 'All profiles (no secrets in them).', { type: 'array', items: profileShape }),
  'profiles.save': op<{ profile: Partial<Profile> & Pick<Profile, 'name' | 'vendor' | 'target'> }, Profile>(
    obj(
      {
        profile: {
          type: 'object',
          required: ['name', 'vendor', 'target'],
          properties: {
            id,
            name: { type: 'string', minLength: 1, maxLength: 120 },
            vendor: vendorId,
            target: { type: 'string', enum: ['sandbox', 'live'] },
            settings: anyObject,
            timeouts: obj({
              connectMs: { type: 'integer', minimum: 100, maximum: 600000 },
              responseMs: { type: 'integer', minimum: 100, maximum: 600000 },
              idleMs: { type: 'integer', minimum: 100, maximum: 3600000 },
            }),
          },
        },
      },
      ['profile'],
    ),
    'Create or update a profile; settings are validated against the vendor settings schema.',
  ),
  'profiles.delete': op<{ id: string }, { ok: true }>(obj({ id }, ['id']), 'Delete a profile and its keychain secrets.'),

  'secrets.status': op<{ profileId: string }, SecretStatus[]>(
    obj({ profileId: id }, ['profileId']),
    'Set / not set and last four characters of each credential.',
    { type: 'array', items: secretStatus },
  ),
  'secrets.set': op<{ profileId: string; name: string; value: string }, SecretStatus>(
    obj({ profileId: id, name: str, value: { type: 'string', minLength: 1, maxLength: 16384 } }, ['profileId', 'name', 'value']),
    'Store a credential in the OS keychain. The value never comes back.',
    secretStatus,
  ),
  'secrets.delete': op<{ profileId: string; name: string }, SecretStatus>(
    obj({ profileId: id, name: str }, ['profileId', 'name']),
    'Remove a credential from the keychain.',
    secretStatus,
  ),

  'payload.validate': op<{ vendor: VendorId; operation: string; payload: Record<string, unknown> }, PayloadError[]>(
    obj({ vendor: vendorId, operation: str, payload: anyObject }, ['vendor', 'operation', 'payload']),
    'Field-level errors of a payload against the operation schema.',
  ),
  'payload.inspect': op<{ profileId: string; operation: string; payload: Record<string, unknown> }, RequestInspection>(
    obj({ profileId: id, operation: str, payload: anyObject }, ['profileId', 'operation', 'payload']),
    'Build and sign a request without sending it; secrets masked.',
  ),

  'session.start': op<{ profileId: string; operation: string; payload: Record<string, unknown>; sendAnyway?: boolean }, StartResult>(
    obj({ profileId: id, operation: str, payload: anyObject, sendAnyway: { type: 'boolean' } }, ['profileId', 'operation', 'payload']),
    'Validate and run an operation; events follow on the session.events channel.',
  ),
  'session.send': op<{ sessionId: string; action: string; data?: unknown }, unknown>(
    obj({ sessionId: id, action: str, data: anyData }, ['sessionId', 'action']),
    'An action on a running socket session (audio frame, stop upload, stop output ...). A `path` in data is a speech WAV (dialog.open speechWav).',
    undefined,
    4 * MiB,
  ),
  'session.stop': op<{ sessionId: string; closeTask?: boolean }, { ok: boolean; summary: string } | null>(
    obj({ sessionId: id, closeTask: { type: 'boolean' } }, ['sessionId']),
    'Stop a running session; by default this also ends the vendor task it started (closeTask: false leaves it running).',
  ),
  'session.list': op<Record<string, never>, SessionSummary[]>(none, 'The newest 1,000 recorded sessions, newest first (history.query searches all of them).'),
  'session.events': op<{ sessionId: string; from?: number; limit?: number }, { events: SessionEvent[]; total: number; badLines: number }>(
    obj({ sessionId: id, from: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 100000 } }, ['sessionId']),
    'A page of a session record.',
  ),
  'session.record': op<{ sessionId: string; events: NewEvent[] }, { seq: number }>(
    obj(
      {
        sessionId: id,
        events: {
          type: 'array',
          maxItems: 5000,
          items: obj(
            {
              kind: { type: 'string', minLength: 1, maxLength: 80 },
              dir: { type: 'string', enum: ['in', 'out', 'local'] },
              summary: { type: 'string', maxLength: 4000 },
              data: anyData,
            },
            ['kind', 'dir', 'summary'],
          ),
        },
      },
      ['sessionId', 'events'],
    ),
    'Events the renderer saw in an RTC room, appended to the session record.',
    undefined,
    8 * MiB,
  ),
  'session.readFile': op<{ sessionId: string; name: string }, { base64: string; mime: string; bytes: number }>(
    obj({ sessionId: id, name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$' } }, ['sessionId', 'name']),
    'An artifact of a session (audio), as base64.',
  ),
  'room.join': op<{ sessionId: string }, BuiltInRoomJoinInfo>(
    obj({ sessionId: id }, ['sessionId']),
    'Join parameters for the console user in the session room, minted per join.',
  ),
  'agent.ready': op<Record<string, never>, { ok: true }>(none, 'A page that runs room turns (the turn agent) is listening for them.'),
  'agent.claim': op<{ sessionId: string; turnId: string }, AgentTurnInput>(
    obj({ sessionId: id, turnId: { type: 'string', pattern: '^[0-9a-f-]{36}$' } }, ['sessionId', 'turnId']),
    'The turn agent takes a room turn core asked for (an agent.turn event): its speech and settings. The first page to claim it gets it.',
  ),
  'agent.finish': op<{ sessionId: string; turnId: string; result?: AgentTurnResult; error?: string }, { ok: true }>(
    obj(
      {
        sessionId: id,
        turnId: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
        result: obj(
          {
            firstAudioMs: measured,
            responseLatencyMs: measured,
            botAudioS: measured,
            interruptionRecoveryMs: measured,
            recognisedText: { type: ['string', 'null'], maxLength: 4000 },
            botText: { type: ['string', 'null'], maxLength: 4000 },
            why: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } },
          },
          ['firstAudioMs', 'responseLatencyMs', 'botAudioS', 'interruptionRecoveryMs', 'recognisedText', 'botText', 'why'],
        ),
        error: { type: 'string', maxLength: 4000 },
      },
      ['sessionId', 'turnId'],
    ),
    'The turn agent reports what it measured in a room turn (client clock), or why the turn failed.',
  ),
  'room.credential': op<{ profileId: string; userId: string; expireSeconds?: number }, RoomCredential>(
    obj({ profileId: id, userId: { type: 'string', minLength: 1, maxLength: 64 }, expireSeconds: { type: 'integer', minimum: 60, maximum: 15552000 } }, [
      'profileId',
      'userId',
    ]),
    'Mint a short-lived room credential (TRTC UserSig) for a user id of this profile, e.g. the bot UserSig of a payload.',
  ),

  'sandbox.info': op<Record<string, never>, { baseUrl: string; vendors: Record<string, string> }>(
    none,
    'Start the sandboxes if needed and return their base URLs.',
  ),
  'sandbox.fault': op<{ vendor: VendorId; fault: Fault | null }, { ok: true }>(
    obj({ vendor: vendorId, fault: { type: ['object', 'null'], 'x-arg': 'payload' } }, ['vendor', 'fault']),
    'Inject a fault into a vendor sandbox.',
  ),

  // QA and support workflows (issue 7): case files, history, comparisons, bundles, copy as code, pins.
  'cases.list': op<{ dir: string }, CaseEntry[]>(obj({ dir: path }, ['dir']), 'Case files under a folder (sub-folders are collections).'),
  'cases.save': op<{ dir: string; case: CaseFile; overwrite?: boolean; fileName?: string }, { path: string }>(
    obj(
      { dir: path, case: anyObject, overwrite: { type: 'boolean' }, fileName: { type: 'string', pattern: '^[^/\\\\]+\\.parley-case\\.json$', maxLength: 200 } },
      ['dir', 'case'],
    ),
    'Write a case file; refused when the payload holds a stored secret value.',
  ),
  'cases.duplicate': op<{ path: string }, { path: string }>(obj({ path: caseFile }, ['path']), 'Copy a case file next to itself under a new name.'),
  'cases.rename': op<{ path: string; name: string }, { path: string }>(
    obj({ path: caseFile, name: { type: 'string', minLength: 1, maxLength: 200 } }, ['path', 'name']),
    'Rename a case (its name and its file).',
  ),
  'cases.delete': op<{ path: string }, { ok: true }>(obj({ path: caseFile }, ['path']), 'Delete a case file.'),
  'cases.run': op<{ path: string; profileId?: string; target?: 'sandbox' | 'live' }, CaseRunReport>(
    obj({ path: caseFile, profileId: id, target: { type: 'string', enum: ['sandbox', 'live'] } }, ['path']),
    'Run one case to its end and check its expectations.',
  ),
  // Scenarios (issue 19): multi-turn case files (version 2), their utterance library, runs with reports.
  'scenarios.list': op<{ dir: string }, ScenarioListEntry[]>(
    obj({ dir: path }, ['dir']),
    'Case files of both versions under a folder, as the scenario editor lists them.',
  ),
  'scenarios.read': op<
    { path: string },
    { scenario: Scenario; migrated: boolean; legacyChecks?: { status?: number; latencyBudgetsMs?: Record<string, number> } }
  >(obj({ path: caseFile }, ['path']), 'A scenario; a version 1 case comes migrated to a one-turn scenario (in memory: the file is not changed).'),
  'scenarios.save': op<{ dir: string; scenario: Scenario; overwrite?: boolean; fileName?: string }, { path: string }>(
    obj(
      {
        dir: path,
        scenario: anyObject,
        overwrite: { type: 'boolean' },
        fileName: { type: 'string', pattern: '^[^/\\\\]+\\.parley-case\\.json$', maxLength: 200 },
      },
      ['dir', 'scenario'],
    ),
    'Write a scenario (version 2); an existing file only with overwrite; refused when a payload holds a stored secret value.',
  ),
  'scenarios.utterances': op<{ dir?: string }, LibraryItem[]>(
    obj({ dir: path }),
    "The utterances a scenario can say: the case folder's own library first, then the shipped one.",
  ),
  'scenarios.utteranceAudio': op<{ dir?: string; id: string }, { base64: string; mime: string; bytes: number }>(
    obj({ dir: path, id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' } }, ['id']),
    'The WAV of a library utterance, as base64 (to listen to it in the editor).',
  ),
  'scenarios.addUtterance': op<{ dir: string; id: string; language: string; text: string; base64: string; overwrite?: boolean }, LibraryItem>(
    obj(
      {
        dir: path,
        id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
        language: { type: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' },
        text: { type: 'string', minLength: 1, maxLength: 2000 },
        base64: { type: 'string', minLength: 4, maxLength: 11_200_000, 'x-arg': 'payload' },
        overwrite: { type: 'boolean' },
      },
      ['dir', 'id', 'language', 'text', 'base64'],
    ),
    "Add a WAV with its reference text to the case folder's utterance library (utterances/).",
    undefined,
    12 * MiB,
  ),
  'scenarios.run': op<
    { path: string; vendors?: VendorId[]; profiles?: Partial<Record<VendorId, string>>; target?: 'sandbox' | 'live'; lang?: 'en' | 'zh' },
    { report: RunReport; html: string }
  >(
    obj(
      {
        path: caseFile,
        vendors: { type: 'array', items: vendorId, minItems: 1, maxItems: 4 },
        profiles: { type: 'object', additionalProperties: false, properties: { convai: id, netease: id, mindcraft: id, tencent: id } },
        target: { type: 'string', enum: ['sandbox', 'live'] },
        lang: { type: 'string', enum: ['en', 'zh'] },
      },
      ['path'],
    ),
    'Run a scenario against its vendors (or some of them, with a profile each) and return the report and its HTML.',
  ),
  'history.query': op<{ query?: HistoryQuery }, HistoryEntry[]>(
    obj({
      query: obj({
        text: { type: 'string', maxLength: 200 },
        vendor: vendorId,
        operation: str,
        profileId: id,
        target: { type: 'string', enum: ['sandbox', 'live'] },
        state: { type: 'string', enum: ['running', 'ended', 'failed', 'interrupted'] },
        from: isoTime,
        to: isoTime,
        errorCode: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,120}$' },
        figures: {
          type: 'array',
          maxItems: FIGURE_NAMES.length * 2,
          items: obj({ name: { type: 'string', enum: [...FIGURE_NAMES] }, over: { type: 'number', minimum: 0 }, under: { type: 'number', minimum: 0 } }, [
            'name',
          ]),
        },
        sort: obj({ by: { type: 'string', enum: [...SORT_KEYS] }, dir: { type: 'string', enum: ['asc', 'desc'] } }, ['by']),
        limit: { type: 'integer', minimum: 1, maximum: 5000 },
        offset: { type: 'integer', minimum: 0, maximum: 100000 },
      }),
    }),
    'Recorded sessions matching a full-text search (what was said, events, error codes, request ids) and filters (vendor, operation, profile, target, state, time, error code, figure thresholds), sorted; each with the seq numbers of its matching events.',
  ),
  'history.detail': op<{ sessionId: string }, SessionDetail>(
    obj({ sessionId: historySessionId }, ['sessionId']),
    'A session with its payload (references only), figures and files.',
  ),
  'history.rerun': op<{ sessionId: string; profileId?: string }, { sessionId: string; note?: string }>(
    obj({ sessionId: historySessionId, profileId: id }, ['sessionId']),
    'Run a recorded session again with the same payload and its recorded input; `note` says what is not repeated.',
  ),
  'history.indexStatus': op<Record<string, never>, IndexStatus>(
    none,
    'State of the history index: ready, indexing (with progress) or unavailable (with the reason).',
    obj(
      {
        state: { type: 'string', enum: ['ready', 'indexing', 'unavailable'] },
        sessions: { type: 'integer', minimum: 0 },
        pending: { type: 'integer', minimum: 0 },
        total: { type: 'integer', minimum: 0 },
        rebuilt: { type: 'string', enum: ['missing', 'corrupt', 'old-schema'] },
        reason: { type: 'string' },
        bytes: { type: 'integer', minimum: 0 },
      },
      ['state', 'sessions', 'pending', 'total', 'bytes'],
    ),
  ),
  'compare.start': op<{ plan: ComparePlanInput }, { id: string }>(
    obj(
      {
        plan: obj(
          {
            name: { type: 'string', maxLength: 200 },
            input: inputSpec,
            entries: {
              type: 'array',
              minItems: 1,
              maxItems: 12,
              items: obj({ profileId: id, operation: str, payload: anyObject, label: { type: 'string', maxLength: 120 } }, ['profileId']),
            },
            repeat: { type: 'integer', minimum: 1, maximum: 100 },
            mode: { type: 'string', enum: ['sequential', 'parallel'] },
            reference: { type: 'string', maxLength: 10_000 },
          },
          ['input', 'entries', 'repeat', 'mode'],
        ),
      },
      ['plan'],
    ),
    'Start a comparison of one utterance across vendor profiles; poll compare.get for progress.',
    undefined,
    WAV_BASE64_MAX + 2 * MiB,
  ),
  'compare.get': op<{ id: string }, CompareResult>(obj({ id }, ['id']), 'A comparison, running or finished.'),
  'compare.list': op<Record<string, never>, CompareSummary[]>(none, 'Saved comparisons, newest first.'),
  'compare.csv': op<{ id: string; kind: 'summary' | 'runs' }, { csv: string; fileName: string }>(
    obj({ id, kind: { type: 'string', enum: ['summary', 'runs'] } }, ['id', 'kind']),
    'A comparison as CSV.',
  ),
  'bundle.export': op<{ sessionIds: string[]; path: string; note?: string }, { path: string; bytes: number }>(
    obj({ sessionIds: { type: 'array', minItems: 1, maxItems: 50, items: id }, path: bundleFile, note: { type: 'string', maxLength: 4000 } }, [
      'sessionIds',
      'path',
    ]),
    'Write a reproduction bundle; refused when it would contain any stored secret value.',
  ),
  'bundle.import': op<{ path: string }, Bundle>(obj({ path: bundleFile }, ['path']), 'Read a bundle to inspect it offline.'),
  'bundle.rerun': op<{ path: string; index: number; profileId?: string }, { sessionId: string }>(
    obj({ path: bundleFile, index: { type: 'integer', minimum: 0 }, profileId: id }, ['path', 'index']),
    'Run a bundled session again against the sandbox (default) or a chosen profile.',
  ),
  'code.snippets': op<{ profileId: string; operation: string; payload: Record<string, unknown> }, Snippets>(
    obj({ profileId: id, operation: str, payload: anyObject }, ['profileId', 'operation', 'payload']),
    'curl / Node / Python for the exact signed request, with environment placeholders instead of secrets.',
  ),
  'pins.get': op<{ sessionId: string }, number[]>(obj({ sessionId: id }, ['sessionId']), 'Pinned event numbers of a session.'),
  'pins.set': op<{ sessionId: string; seqs: number[] }, number[]>(
    obj({ sessionId: id, seqs: { type: 'array', maxItems: 10000, items: { type: 'integer', minimum: 1 } } }, ['sessionId', 'seqs']),
    'Replace the pinned events of a session.',
  ),
} as const;

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type ArgsOf<N extends OpName> = NonNullable<Contract[N]['_types']>['args'];
export type ResultOf<N extends OpName> = NonNullable<Contract[N]['_types']>['result'];
export type Handlers = { [N in OpName]: (args: ArgsOf<N>) => Promise<ResultOf<N>> };

/** Channels main pushes to the renderer. */
export interface PushEvents {
  'session.events': { sessionId: string; events: SessionEvent[] };
  'session.state': SessionSummary;
}
export const PUSH_CHANNELS = ['session.events', 'session.state'] as const satisfies readonly (keyof PushEvents)[];

export const OP_NAMES = Object.keys(contract) as OpName[];

export class ContractError extends Error {
  readonly code = 'BAD_ARGUMENTS';
}

/**
 * Validate and dispatch one call. Unknown operations and bad arguments never reach a handler: arguments must be plain
 * JSON data within the operation's size and depth limits (no BigInt, cycles, Dates ...), then match its schema.
 */
export async function dispatch(handlers: Handlers, name: string, args: unknown): Promise<unknown> {
  if (typeof name !== 'string' || !Object.hasOwn(contract, name)) throw new ContractError(`unknown operation "${String(name).slice(0, 80)}"`);
  const spec: OperationSpec<unknown, unknown> = contract[name as OpName];
  const limits: JsonLimits = { ...DEFAULT_JSON_LIMITS, ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}) };
  const problem = jsonProblem(args ?? {}, limits);
  if (problem) throw new ContractError(`${name}: ${problem}`);
  const errors = validateSchema(spec.args, args ?? {});
  if (errors.length) throw new ContractError(`${name}: ${errors.map((e) => e.message).join('; ')}`);
  const result = await (handlers[name as OpName] as (a: unknown) => Promise<unknown>)(args ?? {});
  if ('result' in spec && spec.result) {
    // Messages name the field and the rule, never the value: a failing result may be exactly what must not leak.
    const bad = validateSchema(spec.result, result);
    if (bad.length) throw Object.assign(new Error(`${name}: the result broke its contract (${bad.map((e) => e.message).join('; ')})`), { code: 'BAD_RESULT' });
  }
  return result;
}
