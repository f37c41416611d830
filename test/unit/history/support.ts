import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEvent, SessionSummary } from '../../../src-main/core/events.ts';

export interface RecordedSession {
  summary: SessionSummary & Record<string, unknown>;
  events: SessionEvent[];
  /** Everything a user could have seen of the session, lower-cased: the ground truth searches are checked against. */
  text: string;
}

/** Every session record of a data folder, read independently of the index, newest first. */
export function readRecords(dataDir: string): RecordedSession[] {
  const dir = join(dataDir, 'sessions');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      const summary = JSON.parse(readFileSync(join(dir, n), 'utf8')) as RecordedSession['summary'];
      const events = readFileSync(join(dir, `${summary.id}.ndjson`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SessionEvent);
      const text = [
        summary.id,
        summary.vendor,
        summary.operation,
        summary.outcome ?? '',
        ...events.map((e) => `${e.kind} ${e.summary} ${JSON.stringify(e.data ?? '')}`),
      ]
        .join('\n')
        .toLowerCase();
      return { summary, events, text };
    })
    .sort((a, b) => b.summary.startedAt.localeCompare(a.summary.startedAt));
}

/** Ids of the recorded sessions holding every word (case-insensitive), newest first. */
export function expectedIds(records: RecordedSession[], ...words: string[]): string[] {
  return records.filter((r) => words.every((w) => r.text.includes(w.toLowerCase()))).map((r) => r.summary.id);
}

/** A fingerprint of the session records (names and bytes), to show a rebuild never touches them. */
export function recordsFingerprint(dataDir: string): string {
  const dir = join(dataDir, 'sessions');
  const h = createHash('sha256');
  for (const n of readdirSync(dir).sort()) h.update(n).update(readFileSync(join(dir, n)));
  return h.digest('hex');
}
