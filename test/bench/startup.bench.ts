import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, startHarness } from '../e2e/harness.ts';
import { atMost, percentile, type Figure } from './figure.ts';

/** JavaScript the renderer loads before its first paint: the entry script and its modulepreloads, not lazy chunks. */
export function initialScripts(rendererDir: string): string[] {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  return [...new Set(srcs)].map((s) => join(rendererDir, s.replace(/^\.?\//, '')));
}

export async function run(): Promise<Figure[]> {
  const rendererDir = join(ROOT, 'out', 'renderer');
  const files = initialScripts(rendererDir);
  const gz = files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);

  // First interactive paint: navigation start to the app's `parley:interactive` mark (profiles listed and drawn).
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const h = await startHarness();
    try {
      await h.page.waitForFunction(() => performance.getEntriesByName('parley:interactive').length > 0, null, { timeout: 10_000 });
      samples.push(await h.page.evaluate(() => performance.getEntriesByName('parley:interactive')[0]!.startTime));
    } finally {
      await h.close();
    }
  }
  return [
    atMost('startup.initial_js_gzip', gz / 1024, 'KB', 400, { note: `${files.length} file(s): ${files.map((f) => f.split('/').pop()).join(', ')}` }),
    atMost('startup.first_interactive_paint_p50', percentile(samples, 50), 'ms', 800, {
      note: `5 cold page loads: ${samples.map((s) => Math.round(s)).join(', ')} ms`,
    }),
  ];
}
