/**
 * Reproduction bundles: one `.parley-bundle.json` file with everything support needs to see what happened and
 * to run it again. Decision: plain JSON with base64 audio rather than a zip. It opens in any editor, diffs in
 * git, is scanned for secrets as one string before it is written, and needs no archive dependency; the cost
 * (base64 is 4/3 of the audio size) is small for voice sessions of a few minutes.
 */
import { arch, release } from 'node:os';
import { basename, extname } from 'node:path';
import type { SessionSummary } from '../events.ts';
import type { Profile } from '../profiles/types.ts';
import { MiB, readRegularFile, writeFileAtomic } from '../paths.ts';
import { parseEventLines, readRecordText, type SessionDirectory } from '../session/event-store.ts';
import { validateSchema } from '../payload.ts';
// Parley's own file schema: compiled by Node on first use (the build generates validators for vendor schemas only).
import '../validation/node-compiler.ts';
import type { JsonSchema } from '../schema.ts';
import { sessionFigures, type SessionFigures } from './metrics.ts';
import { MIME_BY_EXT, sessionFiles } from './history.ts';
import type { SecretScanner } from './secret-scan.ts';
import type { RunRequest } from './session-runner.ts';
import { VENDOR_ID_PATTERN, type VendorId } from '../vendors/types.ts';
import { isCredentialKey, REDACTED } from '../secrets/redact.ts';
import { findSecretRefs } from '../secrets/references.ts';

export const BUNDLE_SUFFIX = '.parley-bundle.json';
/**
 * The largest bundle Parley writes or reads (its sessions' audio as base64, the records as text): a bundle is a
 * reproduction for a ticket, and reading one costs several times its size in memory.
 */
export const MAX_BUNDLE_BYTES = 128 * MiB;

export interface BundleFile {
  name: string;
  mime: string;
  /** `input`: the user's speech as sent; `output`: what the session produced (bot audio, captures). */
  role: 'input' | 'output';
  base64: string;
}

export interface BundleSession {
  summary: SessionSummary;
  vendor: VendorId;
  operation: string;
  /** Profile settings only (secrets live in the keychain and never enter a bundle). Null when the profile is gone. */
  profile: { name: string; target: 'sandbox' | 'live'; settings: Record<string, unknown>; timeouts?: Record<string, unknown> } | null;
  endpoint: string;
  /** The payload as sent, with `{{secret:NAME}}` references. */
  payload: Record<string, unknown>;
  /** JSON pointers of credential fields whose literal value was left out (see redactCredentialFields). */
  redactedFields?: string[];
  input?: { text?: string; wav?: string };
  /** The session record, one JSON event per line, exactly as stored (already redacted). */
  events: string;
  files: BundleFile[];
  figures: SessionFigures;
}

export interface Bundle {
  format: 'parley-bundle';
  version: 1;
  createdAt: string;
  app: { name: string; version: string };
  os: { platform: string; release: string; arch: string };
  note?: string;
  sessions: BundleSession[];
}

const BUNDLE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['format', 'version', 'createdAt', 'app', 'os', 'sessions'],
  properties: {
    format: { const: 'parley-bundle' },
    version: { const: 1 },
    app: { type: 'object', required: ['name', 'version'] },
    os: { type: 'object', required: ['platform'] },
    sessions: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['summary', 'vendor', 'operation', 'payload', 'events', 'files'],
        properties: {
          summary: {
            type: 'object',
            required: ['id', 'startedAt', 'state', 'target'],
            properties: {
              id: { type: 'string' },
              startedAt: { type: 'string' },
              state: { enum: ['running', 'ended', 'failed', 'interrupted'] },
              target: { enum: ['sandbox', 'live'] },
              outcome: { type: ['string', 'null'] },
              durationMs: { type: ['number', 'null'] },
            },
          },
          profile: { type: ['object', 'null'], properties: { name: { type: 'string' }, settings: { type: 'object' } } },
          endpoint: { type: 'string' },
          input: { type: 'object', properties: { text: { type: 'string' }, wav: { type: 'string' } } },
          figures: { type: 'object' },
          redactedFields: { type: 'array', items: { type: 'string' } },
          // Any vendor id: a bundle is read to inspect it offline, also from a vendor this build does not have (a re-run names it).
          vendor: { type: 'string', pattern: VENDOR_ID_PATTERN },
          operation: { type: 'string' },
          payload: { type: 'object' },
          events: { type: 'string' },
          files: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'mime', 'role', 'base64'],
              properties: {
                name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
                mime: { type: 'string' },
                role: { enum: ['input', 'output'] },
                base64: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

export interface BundleSource {
  directory: SessionDirectory;
  profiles: Profile[];
  app: { name: string; version: string };
  /** The bytes of a session's recorded speech input, or null when it may not or cannot be read (it is then left out). */
  readInput(path: string): Buffer | null;
}

/** The user's side of a session by file name (`turn-1-user.wav`, `input-hello.wav`, `mic-….pcm`); the rest is output. */
/**
 * Literal values of credential-named fields (a TRTC UserSig, a token pasted into a payload) are replaced in the
 * bundled payload: they are not in the keychain, so the secret scan cannot know them, yet they let anyone holding
 * the bundle act as that user. `{{secret:NAME}}` references stay. The paths are listed so a re-run can say why a
 * field needs filling in again.
 */
export function redactCredentialFields(value: unknown, path = '', out: string[] = []): { value: unknown; redacted: string[] } {
  const walk = (v: unknown, p: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}/${i}`));
    if (!v || typeof v !== 'object') return v;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // A literal credential (or one the session record already redacted) is left out, and listed as left out.
      if (isCredentialKey(k) && typeof x === 'string' && x !== '' && findSecretRefs(x).size === 0) {
        o[k] = REDACTED;
        out.push(`${p}/${k}`);
      } else o[k] = walk(x, `${p}/${k}`);
    }
    return o;
  };
  return { value: walk(value, path), redacted: out };
}

const INPUT_NAME = /(^|[-_.])(input|upload|user|mic|speech)([-_.]|$)/i;

export function buildBundle(src: BundleSource, sessionIds: string[], note?: string): Bundle {
  if (sessionIds.length === 0) throw new Error('sessionIds: choose at least one session');
  const sessions = sessionIds.map((id): BundleSession => {
    const s = src.directory.readSummary(id);
    if (!s) throw new Error(`session ${id} does not exist`);
    if (s.state === 'running') throw new Error(`session ${id} is still running: stop it before exporting`);
    const profile = src.profiles.find((p) => p.id === s.profileId);
    const eventsText = readRecordText(src.directory.eventsFile(id));
    let total = eventsText.length;
    const files: BundleFile[] = sessionFiles(src.directory, id).map((f) => {
      total += f.bytes;
      if (total > MAX_BUNDLE_BYTES) throw tooLarge();
      return {
        name: f.name,
        mime: f.mime,
        role: INPUT_NAME.test(f.name) ? 'input' : 'output',
        base64: readRegularFile(src.directory.artifactFile(id, f.name), MAX_BUNDLE_BYTES, f.name).toString('base64'),
      };
    });
    const input = s.input as { wav?: string; text?: string } | undefined;
    let bundledInput: BundleSession['input'];
    if (typeof input?.text === 'string') bundledInput = { text: input.text };
    else if (typeof input?.wav === 'string') {
      const name = `input-${basename(input.wav).replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      const bytes = files.some((f) => f.name === name) ? null : src.readInput(input.wav);
      if (bytes) files.push({ name, mime: MIME_BY_EXT[extname(name)] ?? 'audio/wav', role: 'input', base64: bytes.toString('base64') });
      if (bytes || files.some((f) => f.name === name)) bundledInput = { wav: name };
    }
    const payload = redactCredentialFields((s.payload as Record<string, unknown>) ?? {});
    const { id: _id, vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount } = s;
    return {
      summary: { id: _id, vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount },
      vendor: s.vendor as VendorId,
      operation: s.operation,
      profile: profile
        ? { name: profile.name, target: profile.target, settings: profile.settings, ...(profile.timeouts ? { timeouts: profile.timeouts } : {}) }
        : null,
      endpoint: s.target === 'sandbox' ? 'sandbox (loopback)' : String(profile?.settings.endpoint ?? profile?.settings.baseUrl ?? 'live (profile default)'),
      payload: payload.value as Record<string, unknown>,
      ...(payload.redacted.length ? { redactedFields: payload.redacted } : {}),
      ...(bundledInput ? { input: bundledInput } : {}),
      events: eventsText,
      files,
      figures: sessionFigures(parseEventLines(eventsText).events),
    };
  });
  return {
    format: 'parley-bundle',
    version: 1,
    createdAt: new Date().toISOString(),
    app: src.app,
    os: { platform: process.platform, release: release(), arch: arch() },
    ...(note ? { note } : {}),
    sessions,
  };
}

const tooLarge = () => new Error(`the bundle would be larger than ${MAX_BUNDLE_BYTES / MiB} MB, more than Parley reads back: export fewer sessions`);

/** Serialise, scan for every stored secret, and only then write. Returns the number of bytes written. */
export function writeBundle(path: string, bundle: Bundle, scanner: SecretScanner): number {
  if (!path.endsWith(BUNDLE_SUFFIX)) throw new Error(`path: expected a file name ending in ${BUNDLE_SUFFIX}`);
  const text = JSON.stringify(bundle, null, 1);
  if (Buffer.byteLength(text) > MAX_BUNDLE_BYTES) throw tooLarge();
  // Audio is scanned too: a key could have been spoken into a WAV header's metadata or be a file name.
  scanner.assertClean(text, 'the bundle');
  for (const s of bundle.sessions) for (const f of s.files) scanner.assertClean(Buffer.from(f.base64, 'base64').toString('latin1'), `file ${f.name}`);
  writeFileAtomic(path, text);
  return Buffer.byteLength(text);
}

export function parseBundle(text: string, source = 'bundle'): Bundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the text; the file may not be a bundle at all, so it is not repeated.
    throw new Error(`${source}: not a Parley bundle (not JSON)`);
  }
  // Field errors only for what claims to be a bundle: any other JSON file's key names are not repeated either.
  if (!value || typeof value !== 'object' || (value as { format?: unknown }).format !== 'parley-bundle')
    throw new Error(`${source}: not a Parley bundle (no "format": "parley-bundle")`);
  const errors = validateSchema(BUNDLE_SCHEMA, value);
  if (errors.length)
    throw new Error(
      `${source}: not a Parley bundle: ${errors
        .slice(0, 5)
        .map((e) => e.message)
        .join('; ')}`,
    );
  return value as Bundle;
}

export function readBundle(path: string): Bundle {
  if (!path.endsWith(BUNDLE_SUFFIX)) throw new Error(`path: expected a file name ending in ${BUNDLE_SUFFIX}`);
  return parseBundle(readRegularFile(path, MAX_BUNDLE_BYTES, basename(path)).toString('utf8'), basename(path));
}

/** Parse a bundled session's NDJSON record (bad lines counted, as the event store does). */
export function bundleEvents(s: BundleSession) {
  return parseEventLines(s.events);
}

/**
 * Run a bundled session again (same vendor, operation, payload with references, same input) on a profile. The
 * bundled speech is checked and kept by `keepSpeech` (the data folder's inputs), which returns its path.
 */
export function rerunRequest(
  bundle: Bundle,
  index: number,
  target: { profile?: string; target?: 'sandbox' | 'live' },
  keepSpeech: (bytes: Buffer, name: string) => string,
): RunRequest {
  const s = bundle.sessions[index];
  if (!s) throw new Error(`session: the bundle has ${bundle.sessions.length} session(s), no #${index}`);
  let input: RunRequest['input'];
  if (s.input?.text) input = { text: s.input.text };
  else if (s.input?.wav) {
    const f = s.files.find((x) => x.name === s.input!.wav);
    if (!f) throw new Error(`input: the bundle names ${s.input.wav} but does not contain it`);
    input = { wav: keepSpeech(Buffer.from(f.base64, 'base64'), f.name) };
  }
  return { vendor: s.vendor, operation: s.operation, payload: s.payload, profile: target.profile, target: target.target ?? 'sandbox', input };
}
