/** The session history: search and filter the recorded sessions, open one with its figures and files. */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { SessionState, SessionSummary } from '../events.ts';
import type { Profile } from '../profiles/types.ts';
import { readEvents, type SessionDirectory } from '../session/event-store.ts';
import { sessionFigures, type SessionFigures } from './metrics.ts';
import type { TurnInput } from './turn.ts';

export interface HistoryQuery {
  /** Case-insensitive text matched against id, vendor, operation, profile name and outcome. */
  text?: string;
  vendor?: string;
  operation?: string;
  profileId?: string;
  target?: 'sandbox' | 'live';
  state?: SessionState;
  /** ISO timestamps bounding startedAt. */
  from?: string;
  to?: string;
  limit?: number;
}

export interface HistoryEntry extends SessionSummary {
  profileName: string | null;
  input?: TurnInput;
}

type StoredSummary = SessionSummary & Record<string, unknown>;

export function queryHistory(sessions: StoredSummary[], profiles: Profile[], q: HistoryQuery = {}): HistoryEntry[] {
  const names = new Map(profiles.map((p) => [p.id, p.name]));
  const text = q.text?.trim().toLowerCase();
  const out: HistoryEntry[] = [];
  for (const s of sessions) {
    const profileName = (s.profileId && names.get(s.profileId)) || (typeof s.profileName === 'string' ? s.profileName : null);
    if (q.vendor && s.vendor !== q.vendor) continue;
    if (q.operation && s.operation !== q.operation) continue;
    if (q.profileId && s.profileId !== q.profileId) continue;
    if (q.target && s.target !== q.target) continue;
    if (q.state && s.state !== q.state) continue;
    if (q.from && s.startedAt < q.from) continue;
    if (q.to && s.startedAt > q.to) continue;
    if (text && ![s.id, s.vendor, s.operation, profileName ?? '', s.outcome ?? ''].some((f) => f.toLowerCase().includes(text))) continue;
    out.push(entryOf(s, profileName));
    if (q.limit && out.length >= q.limit) break;
  }
  return out;
}

function entryOf(s: StoredSummary, profileName: string | null): HistoryEntry {
  const { id, vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount } = s;
  const input = s.input && typeof s.input === 'object' ? (s.input as TurnInput) : undefined;
  return { id, vendor, operation, profileId, target, startedAt, endedAt, durationMs, state, outcome, eventCount, profileName, ...(input ? { input } : {}) };
}

export interface SessionFile {
  name: string;
  bytes: number;
  mime: string;
}

export interface SessionDetail {
  entry: HistoryEntry;
  /** The payload as sent, with `{{secret:NAME}}` references (never resolved values). */
  payload: Record<string, unknown>;
  figures: SessionFigures;
  files: SessionFile[];
}

export const MIME_BY_EXT: Record<string, string> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.pcm': 'application/octet-stream', '.json': 'application/json', '.ogg': 'audio/ogg' };

/** A session's artifacts: regular files only (a link, a pipe or a folder placed there is not one of them). */
export function sessionFiles(directory: SessionDirectory, id: string): SessionFile[] {
  const dir = directory.artifactFile(id, '.');
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return [];
  const out: SessionFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const stat = lstatSync(join(dir, name));
    if (stat.isFile()) out.push({ name, bytes: stat.size, mime: MIME_BY_EXT[extname(name)] ?? 'application/octet-stream' });
  }
  return out;
}

export function sessionDetail(directory: SessionDirectory, id: string, profiles: Profile[]): SessionDetail {
  const s = directory.readSummary(id);
  if (!s) throw new Error(`session ${id} does not exist`);
  const [entry] = queryHistory([s], profiles);
  const { events } = readEvents(directory.eventsFile(id));
  return { entry: entry!, payload: (s.payload as Record<string, unknown>) ?? {}, figures: sessionFigures(events), files: sessionFiles(directory, id) };
}

/** Remember the speech input of a session in its summary, so "run again" can repeat it. */
export function recordInput(directory: SessionDirectory, id: string, input: TurnInput | undefined): void {
  if (!input || (!input.wav && !input.text)) return;
  const s = directory.readSummary(id);
  if (s) directory.writeSummary({ ...s, input });
}
