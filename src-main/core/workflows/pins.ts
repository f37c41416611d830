/** Pinned events per session (by seq), kept in one small JSON file beside the session records. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class PinStore {
  private readonly file: string;
  private pins: Record<string, number[]>;

  constructor(file: string) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      this.pins = parsed && typeof parsed.pins === 'object' ? parsed.pins : {};
    } catch {
      this.pins = {};
    }
  }

  get(sessionId: string): number[] {
    return [...(this.pins[sessionId] ?? [])];
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
