/** Pin-and-diff: structural diff of two JSON values and of two sessions' event-kind sequences. */
import type { SessionEvent } from '../events.ts';

export interface ValueChange {
  /** JSON pointer. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  a?: unknown;
  b?: unknown;
}

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

export function diffValues(a: unknown, b: unknown, path = '', out: ValueChange[] = []): ValueChange[] {
  if (Object.is(a, b)) return out;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    if (a === undefined) out.push({ path: path || '/', change: 'added', b });
    else if (b === undefined) out.push({ path: path || '/', change: 'removed', a });
    else out.push({ path: path || '/', change: 'changed', a, b });
    return out;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Array.isArray(a)
    ? [...Array(Math.max((a as unknown[]).length, (b as unknown[]).length)).keys()].map(String)
    : [...new Set([...Object.keys(ao), ...Object.keys(bo)])];
  for (const k of keys) diffValues(ao[k], bo[k], `${path}/${escapePointer(k)}`, out);
  return out;
}

/** Two events side by side: kind, direction and summary, then their data. */
export function diffEvents(a: SessionEvent, b: SessionEvent): ValueChange[] {
  const head = diffValues({ kind: a.kind, dir: a.dir, summary: a.summary }, { kind: b.kind, dir: b.dir, summary: b.summary });
  return [...head, ...diffValues(a.data, b.data, '/data')];
}

export interface KindRun {
  kind: string;
  count: number;
}

export interface SequenceOp {
  op: 'same' | 'added' | 'removed';
  kind: string;
  /** Repetitions of the kind in a row (audio.chunk ×312) on each side. */
  countA?: number;
  countB?: number;
}

/** Consecutive repeats collapsed: a turn with 300 audio frames is one step, not 300. */
export function kindRuns(events: SessionEvent[]): KindRun[] {
  const out: KindRun[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (last && last.kind === e.kind) last.count++;
    else out.push({ kind: e.kind, count: 1 });
  }
  return out;
}

/** Past this many cells the LCS table is not built; the middle is reported as removed + added. */
const MAX_LCS_CELLS = 4_000_000;

/** Longest-common-subsequence diff of the collapsed event-kind sequences of two sessions. */
export function diffKindSequences(a: SessionEvent[], b: SessionEvent[]): SequenceOp[] {
  const x = kindRuns(a);
  const y = kindRuns(b);
  let start = 0;
  while (start < x.length && start < y.length && x[start]!.kind === y[start]!.kind) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1]!.kind === y[endY - 1]!.kind) {
    endX--;
    endY--;
  }
  const same = (i: number, j: number): SequenceOp => ({ op: 'same', kind: x[i]!.kind, countA: x[i]!.count, countB: y[j]!.count });
  const head = x.slice(0, start).map((_r, i) => same(i, i));
  const tail = x.slice(endX).map((_r, i) => same(endX + i, endY + i));
  const mx = x.slice(start, endX);
  const my = y.slice(start, endY);
  let middle: SequenceOp[];
  if (mx.length * my.length > MAX_LCS_CELLS) {
    middle = [
      ...mx.map((r) => ({ op: 'removed' as const, kind: r.kind, countA: r.count })),
      ...my.map((r) => ({ op: 'added' as const, kind: r.kind, countB: r.count })),
    ];
  } else {
    const n = mx.length;
    const m = my.length;
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--) L[i]![j] = mx[i]!.kind === my[j]!.kind ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    middle = [];
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (mx[i]!.kind === my[j]!.kind) {
        middle.push({ op: 'same', kind: mx[i]!.kind, countA: mx[i]!.count, countB: my[j]!.count });
        i++;
        j++;
      } else if (L[i + 1]![j]! >= L[i]![j + 1]!) middle.push({ op: 'removed', kind: mx[i]!.kind, countA: mx[i++]!.count });
      else middle.push({ op: 'added', kind: my[j]!.kind, countB: my[j++]!.count });
    }
    while (i < n) middle.push({ op: 'removed', kind: mx[i]!.kind, countA: mx[i++]!.count });
    while (j < m) middle.push({ op: 'added', kind: my[j]!.kind, countB: my[j++]!.count });
  }
  return [...head, ...middle, ...tail];
}
