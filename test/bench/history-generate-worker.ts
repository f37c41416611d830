// Generates a benchmark data folder in a thread of its own, so the main thread's heap (whose event-loop delay the
// benchmark measures) holds none of the millions of objects generation makes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { HistoryIndexDb } from '../../src-main/core/history/index-db.ts';
import { generateHistory } from './history-data.ts';

const { dataDir, count, seed, index } = workerData as { dataDir: string; count: number; seed: number; index: boolean };
mkdirSync(dataDir, { recursive: true });
const db = index ? HistoryIndexDb.open(join(dataDir, 'history.sqlite')) : undefined;
const generated = generateHistory({ dataDir, count, seed, index: db, onProgress: (done) => parentPort!.postMessage({ progress: done }) });
db?.checkpoint();
const indexBytes = db?.bytes() ?? 0;
db?.close();
parentPort!.postMessage({ generated, indexBytes });
