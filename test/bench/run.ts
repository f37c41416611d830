/**
 * npm run bench: runs every benchmark module in test/bench/*.bench.ts (or those named on the command line),
 * prints a table and writes bench/results.json. Benchmarks are not tests: npm test never runs them.
 */
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus } from 'node:os';
import type { Figure } from './figure.ts';

const here = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const figures: Figure[] = [];
for (const file of files) {
  process.stderr.write(`bench: ${file} ...\n`);
  const mod = (await import(join(here, file))) as { run: () => Promise<Figure[]> };
  try {
    figures.push(...(await mod.run()));
  } catch (err) {
    figures.push({ name: `${file}: failed`, value: NaN, unit: '', budget: 'runs', pass: false, note: (err as Error).stack });
  }
}

const rows = figures.map((f) => [
  f.pass ? 'PASS' : 'FAIL',
  f.name,
  `${f.value} ${f.unit}`,
  f.budget,
  f.baseline ? `${f.baseline.value} ${f.baseline.unit} (${f.baseline.name})` : '',
]);
const widths = [4, 0, 0, 0].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
for (const r of rows)
  console.log(
    r
      .slice(0, 4)
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ') + (r[4] ? `  vs ${r[4]}` : ''),
  );
const out = resolve(here, '../../bench/results.json');
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, figures }, null, 2) + '\n');
console.log(`\n${figures.filter((f) => f.pass).length}/${figures.length} figures within budget; written to bench/results.json`);
process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
