/**
 * The session history as the workflows see it: a session with its figures and files, and "run again" inputs.
 * Search and listing are the history index's (core/history/): this file holds what a single session needs.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { SessionDirectory } from '../session/event-store.ts';
import type { HistoryEntry } from '../history/types.ts';
import type { SessionFigures } from './metrics.ts';
import type { TurnInput } from './turn.ts';

export type { HistoryEntry, HistoryQuery } from '../history/types.ts';

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

export const MIME_BY_EXT: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.pcm': 'application/octet-stream',
  '.json': 'application/json',
  '.ogg': 'audio/ogg',
};

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

/** Remember the speech input of a session in its summary, so "run again" can repeat it. */
export function recordInput(directory: SessionDirectory, id: string, input: TurnInput | undefined): void {
  if (!input || (!input.wav && !input.text)) return;
  const s = directory.readSummary(id);
  if (s) directory.writeSummary({ ...s, input });
}
