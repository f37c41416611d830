/**
 * Worker thread hosting the history index, so no query or indexing step runs on the main thread. Messages are
 * handled in arrival order (event batches before the query that follows them); catch-up work runs in steps of about
 * STEP_MS between messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Notices, type Notice } from '../notices.ts';
import { HistoryService } from './service.ts';
import type { FromWorker, ToWorker, WorkerData } from './client.ts';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const data = workerData as WorkerData;
/** A summary set aside while indexing is reported where the user sees notices: the main thread's list. */
class ForwardedNotices extends Notices {
  override add(n: Omit<Notice, 'id' | 'at' | 'kind'>): Notice {
    send({ t: 'notice', notice: n });
    return super.add(n);
  }
}
const service = new HistoryService({
  dataDir: data.dataDir,
  live: data.live,
  startedAt: data.startedAt,
  markStale: true,
  notices: new ForwardedNotices(),
  onStale: (session) => send({ t: 'stale', session }),
});

let scheduled = false;
function schedule(): void {
  if (scheduled || !service.hasWork()) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    guard(() => service.work());
    schedule();
  });
}

let reported = false;
/** Indexing errors are reported once and do not stop the worker: the records stay the truth, a restart catches up. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!reported) console.error('parley: history index:', err);
    reported = true;
  }
}

function call(op: Extract<ToWorker, { t: 'call' }>['op'], args: unknown): unknown {
  switch (op) {
    case 'query':
      return service.query(args as Parameters<HistoryService['query']>[0]);
    case 'recent':
      return service.recent(args as number);
    case 'detail':
      return service.detail(args as string);
    case 'status':
      return service.status();
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'events':
      guard(() => service.ingest(m.batches));
      break;
    case 'ended':
      guard(() => service.ended(m.id));
      break;
    case 'call':
      try {
        send({ t: 'reply', id: m.id, ok: true, value: call(m.op, m.args) });
      } catch (err) {
        const e = err as Error & { code?: string };
        send({ t: 'reply', id: m.id, ok: false, error: { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
      }
      break;
    case 'close':
      service.close();
      send({ t: 'closed' });
      port.close();
      return;
  }
  schedule();
});

schedule();
