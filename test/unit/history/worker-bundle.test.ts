/**
 * The packaged app runs the history index from out/main/history-worker.js, found next to the main bundle: that
 * file must exist, sit beside every bundle that can create the worker, and answer as the sources do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker, WorkerData } from '../../../src-main/core/history/client.ts';
import { generateHistory } from '../../bench/history-data.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const main = join(root, 'out', 'main');

beforeAll(() => {
  // scripts/test.sh builds before the suite; a lone run builds here.
  if (!existsSync(join(main, 'history-worker.js')))
    execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe('built history worker', () => {
  it('lies next to the bundles that start it', () => {
    const starters = readdirSync(main, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.js') && readFileSync(join(main, f), 'utf8').includes('"./history-worker.js"'),
    );
    expect(starters.length).toBeGreaterThan(0);
    for (const f of starters) expect(f, 'a bundle in a sub-folder would look for the worker in that folder').not.toContain('/');
  });

  it('indexes a data folder and answers a search', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-worker-bundle-'));
    const g = generateHistory({ dataDir, count: 12, seed: 4 });
    const worker = new Worker(join(main, 'history-worker.js'), { workerData: { dataDir, live: [], startedAt: new Date().toISOString() } satisfies WorkerData });
    const call = (id: number, op: 'status' | 'query', args: unknown) =>
      new Promise<unknown>((res, rej) => {
        const on = (m: FromWorker) => {
          if (m.t !== 'reply' || m.id !== id) return;
          worker.off('message', on);
          if (m.ok) res(m.value);
          else rej(new Error(m.error.message));
        };
        worker.on('message', on);
        worker.postMessage({ t: 'call', id, op, args } satisfies ToWorker);
      });
    try {
      let status = (await call(1, 'status', undefined)) as { state: string; sessions: number };
      for (let i = 2; status.state !== 'ready'; i++) status = (await call(i, 'status', undefined)) as typeof status;
      expect(status.sessions).toBe(12);
      const rows = (await call(1000, 'query', { text: g.uniqueRequestId })) as { id: string }[];
      expect(rows.map((r) => r.id)).toEqual([g.uniqueRequestSession]);
    } finally {
      await worker.terminate();
    }
  });
});
