/** One measured figure in bench/results.json. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable budget, e.g. ">= 50000" or "<= 100". */
  budget: string;
  pass: boolean;
  /** Same-run baseline the figure is compared with, where one exists. */
  baseline?: { name: string; value: number; unit: string };
  note?: string;
}

export function atLeast(name: string, value: number, unit: string, min: number, extra: Partial<Figure> = {}): Figure {
  return { name, value: round(value), unit, budget: `>= ${min}`, pass: value >= min, ...extra };
}

export function atMost(name: string, value: number, unit: string, max: number, extra: Partial<Figure> = {}): Figure {
  return { name, value: round(value), unit, budget: `<= ${max}`, pass: value <= max, ...extra };
}

export function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** Repeat a timed loop for about `ms` and return operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000): number {
  for (let i = 0; i < 1000; i++) fn(); // warm-up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}
