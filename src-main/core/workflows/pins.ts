/** Pinned events per session (by seq), kept in one small JSON file beside the session records. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadJsonStore, type Notices, type StoreShape } from '../notices.ts';
import { isId } from '../paths.ts';

const isSeqList = (v: unknown): v is number[] => Array.isArray(v) && v.every((s) => Number.isInteger(s) && s > 0);

function pinsShape(value: unknown): StoreShape<Record<string, number[]>> | null {
  if (!value || typeof value !== 'object' || !('pins' in value)) return null;
  const pins = (value as { pins: unknown }).pins;
  if (!pins || typeof pins !== 'object' || Array.isArray(pins)) return null;
  const out: Record<string, number[]> = {};
  const rejected: unknown[] = [];
  for (const [id, seqs] of Object.entries(pins)) {
    if (isId(id) && isSeqList(seqs)) out[id] = seqs;
    else rejected.push({ [id]: seqs });
  }
  return { value: out, rejected };
}

export class PinStore {
  private readonly file: string;
  private pins: Record<string, number[]>;

  /** An unreadable pins.json is set aside under a new name and reported through `notices`, never overwritten. */
  constructor(file: string, notices?: Notices) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    this.pins = loadJsonStore(file, pinsShape, notices) ?? {};
  }

  get(sessionId: string): number[] {
    return Object.hasOwn(this.pins, sessionId) ? [...this.pins[sessionId]!] : [];
  }

  set(sessionId: string, seqs: number[]): number[] {
    const clean = [...new Set(seqs.filter((s) => Number.isInteger(s) && s > 0))].sort((a, b) => a - b);
    if (clean.length) this.pins[sessionId] = clean;
    else delete this.pins[sessionId];
    writeFileSync(this.file + '.tmp', JSON.stringify({ version: 1, pins: this.pins }));
    renameSync(this.file + '.tmp', this.file);
    return clean;
  }
}
