/**
 * Reproduction bundles: one `.parley-bundle.json` file with everything support needs to see what happened and
 * to run it again. Decision: plain JSON with base64 audio rather than a zip. It opens in any editor, diffs in
 * git, is scanned for secrets as one string before it is written, and needs no archive dependency; the cost
 * (base64 is 4/3 of the audio size) is small for voice sessions of a few minutes.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { arch, release, tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { SessionSummary } from '../events.ts';
import type { Profile } from '../profiles/types.ts';
import { readEvents, type SessionDirectory } from '../session/event-store.ts';
import { validateSchema } from '../payload.ts';
import type { JsonSchema } from '../schema.ts';
import { sessionFigures, type SessionFigures } from './metrics.ts';
import { MIME_BY_EXT, sessionFiles } from './history.ts';
import type { SecretScanner } from './secret-scan.ts';
import type { RunRequest, RunResult, SessionRunner } from './session-runner.ts';
import type { VendorId } from '../vendors/types.ts';
import { isCredentialKey, REDACTED } from '../secrets/redact.ts';
import { findSecretRefs } from '../secrets/references.ts';

export const BUNDLE_SUFFIX = '.parley-bundle.json';

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
          vendor: { type: 'string', enum: ['convai', 'netease', 'mindcraft', 'tencent'] },
          operation: { type: 'string' },
          payload: { type: 'object' },
          events: { type: 'string' },
          files: { type: 'array', items: { type: 'object', required: ['name', 'mime', 'role', 'base64'], properties: { name: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' }, role: { enum: ['input', 'output'] }, base64: { type: 'string' } } } },
        },
      },
    },
  },
};

export interface BundleSource {
  directory: SessionDirectory;
  profiles: Profile[];
  app: { name: string; version: string };
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
    const eventsText = existsSync(src.directory.eventsFile(id)) ? readFileSync(src.directory.eventsFile(id), 'utf8') : '';
    const files: BundleFile[] = sessionFiles(src.directory, id).map((f) => ({
      name: f.name,
      mime: f.mime,
      role: INPUT_NAME.test(f.name) ? 'input' : 'output',
      base64: readFileSync(join(src.directory.dir, id, f.name)).toString('base64'),
    }));
    const input = s.input as { wav?: string; text?: string } | undefined;
    let bundledInput: BundleSession['input'];
    if (input?.text) bundledInput = { text: input.text };
    else if (input?.wav && existsSync(input.wav)) {
      const name = `input-${basename(input.wav).replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      if (!files.some((f) => f.name === name)) files.push({ name, mime: MIME_BY_EXT[extname(name)] ?? 'audio/wav', role: 'input', base64: readFileSync(input.wav).toString('base64') });
      bundledInput = { wav: name };
    }
    const payload = redactCredentialFields((s.payload as Record<string, unknown>) ?? {});
    const { id: _id, vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount } = s;
    return {
      summary: { id: _id, vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount },
      vendor: s.vendor as VendorId,
      operation: s.operation,
      profile: profile ? { name: profile.name, target: profile.target, settings: profile.settings, ...(profile.timeouts ? { timeouts: profile.timeouts } : {}) } : null,
      endpoint: s.target === 'sandbox' ? 'sandbox (loopback)' : String(profile?.settings.endpoint ?? profile?.settings.baseUrl ?? 'live (profile default)'),
      payload: payload.value as Record<string, unknown>,
      ...(payload.redacted.length ? { redactedFields: payload.redacted } : {}),
      ...(bundledInput ? { input: bundledInput } : {}),
      events: eventsText,
      files,
      figures: sessionFigures(readEvents(src.directory.eventsFile(id)).events),
    };
  });
  return { format: 'parley-bundle', version: 1, createdAt: new Date().toISOString(), app: src.app, os: { platform: process.platform, release: release(), arch: arch() }, ...(note ? { note } : {}), sessions };
}

/** Serialise, scan for every stored secret, and only then write. Returns the number of bytes written. */
export function writeBundle(path: string, bundle: Bundle, scanner: SecretScanner): number {
  if (!path.endsWith(BUNDLE_SUFFIX)) throw new Error(`path: expected a file name ending in ${BUNDLE_SUFFIX}`);
  const text = JSON.stringify(bundle, null, 1);
  // Audio is scanned too: a key could have been spoken into a WAV header's metadata or be a file name.
  scanner.assertClean(text, 'the bundle');
  for (const s of bundle.sessions) for (const f of s.files) scanner.assertClean(Buffer.from(f.base64, 'base64').toString('latin1'), `file ${f.name}`);
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
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
  const errors = validateSchema(BUNDLE_SCHEMA, value);
  if (errors.length) throw new Error(`${source}: not a Parley bundle: ${errors.slice(0, 5).map((e) => e.message).join('; ')}`);
  return value as Bundle;
}

export function readBundle(path: string): Bundle {
  if (!path.endsWith(BUNDLE_SUFFIX)) throw new Error(`path: expected a file name ending in ${BUNDLE_SUFFIX}`);
  return parseBundle(readFileSync(path, 'utf8'), basename(path));
}

/** Parse a bundled session's NDJSON record (bad lines counted, as the event store does). */
export function bundleEvents(s: BundleSession) {
  const events = [];
  let badLines = 0;
  for (const line of s.events.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      badLines++;
    }
  }
  return { events, badLines };
}

/** Run a bundled session again (same vendor, operation, payload with references, same input) on a profile. */
export function rerunRequest(bundle: Bundle, index: number, target: { profile?: string; target?: 'sandbox' | 'live' }): RunRequest {
  const s = bundle.sessions[index];
  if (!s) throw new Error(`session: the bundle has ${bundle.sessions.length} session(s), no #${index}`);
  let input: RunRequest['input'];
  if (s.input?.text) input = { text: s.input.text };
  else if (s.input?.wav) {
    const f = s.files.find((x) => x.name === s.input!.wav);
    if (!f) throw new Error(`input: the bundle names ${s.input.wav} but does not contain it`);
    const file = join(mkdtempSync(join(tmpdir(), 'parley-bundle-')), f.name);
    writeFileSync(file, Buffer.from(f.base64, 'base64'));
    input = { wav: file };
  }
  return { vendor: s.vendor, operation: s.operation, payload: s.payload, profile: target.profile, target: target.target ?? 'sandbox', input };
}

export async function rerunBundleSession(bundle: Bundle, index: number, run: SessionRunner, target: { profile?: string; target?: 'sandbox' | 'live' }): Promise<RunResult> {
  return run(rerunRequest(bundle, index, target));
}
