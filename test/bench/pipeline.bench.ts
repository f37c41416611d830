import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { Worker } from 'node:worker_threads';
import { SessionManager } from '../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../src-main/core/session/event-store.ts';
import type { OperationDescriptor, VendorDescriptor } from '../../src-main/core/vendors/types.ts';
import type { Profile } from '../../src-main/core/profiles/types.ts';
import { atLeast, type Figure } from './figure.ts';
import { normalizeBenchFrame } from './vendor-frames.ts';

const FRAMES = 200_000;

/** A loopback server, in its own thread, that sends FRAMES vendor-shaped JSON frames as fast as the socket takes them. */
async function frameServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const worker = new Worker(join(import.meta.dirname, 'frame-server-worker.ts'), { workerData: { frames: FRAMES } });
  const port = await new Promise<number>((resolve) => worker.once('message', (m: { port: number }) => resolve(m.port)));
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      worker.postMessage('close');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

async function bareClient(url: string): Promise<{ perSecond: number; count: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let count = 0;
    let start = 0;
    ws.on('open', () => (start = performance.now()));
    ws.on('message', (d) => {
      JSON.parse(d.toString());
      count++;
    });
    ws.on('close', () => resolve({ count, perSecond: (count / (performance.now() - start)) * 1000 }));
  });
}

async function throughCore(url: string): Promise<{ perSecond: number; delivered: number; recorded: number; lost: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const op: OperationDescriptor = {
    id: 'stream',
    title: { en: 'stream', zh: 'stream' },
    transport: 'socket',
    schema: { type: 'object' },
    example: {},
    run: (ctx) =>
      new Promise((resolve) => {
        const ws = new WebSocket(url);
        ws.on('message', (d, isBinary) => ctx.emit(normalizeBenchFrame(d as Buffer, isBinary)));
        ws.on('close', () => resolve({ ok: true, summary: 'stream closed' }));
      }),
  };
  const vendor = {
    id: 'mindcraft',
    title: op.title,
    color: '#7fd36b',
    docsHosts: [],
    credentials: [],
    settingsSchema: {},
    defaultSettings: () => ({}),
    operations: [op],
    mountSandbox: () => undefined,
    sandboxCredentials: {},
  } satisfies VendorDescriptor;
  const profile: Profile = { id: 'bench', name: 'bench', vendor: 'mindcraft', target: 'sandbox', settings: {}, createdAt: '', updatedAt: '' };
  const manager = new SessionManager(new SessionDirectory(dir), async () => undefined);
  manager.redactor.add('a-registered-secret-value-to-scan-for');
  let delivered = 0;
  let lastSeq = 0;
  let gaps = 0;
  // The renderer transport: each batch is serialised as IPC / the E2E bridge would.
  manager.onEvents((id, events, json) => {
    void `{"channel":"session.events","payload":{"sessionId":"${id}","events":${json}}}`;
    for (const e of events) {
      if (e.seq !== lastSeq + 1) gaps++;
      lastSeq = e.seq;
    }
    delivered += events.length;
  });
  const started = performance.now();
  const { sessionId, done } = await manager.start({ vendor, operation: op, profile, payload: {}, sandboxUrl: undefined });
  await done;
  const elapsed = performance.now() - started;
  await new Promise((r) => setTimeout(r, 50));
  const recorded = readFileSync(manager.directory.eventsFile(sessionId), 'utf8').trimEnd().split('\n').length;
  rmSync(dir, { recursive: true, force: true });
  const frames = delivered - 2; // session.start and session.end besides the frames
  return { perSecond: (frames / elapsed) * 1000, delivered, recorded, lost: FRAMES - frames + gaps };
}

export async function run(): Promise<Figure[]> {
  const server = await frameServer();
  try {
    const bare = await bareClient(server.url);
    const core = await throughCore(server.url);
    return [
      atLeast('pipeline.core_events_per_s', core.perSecond, 'events/s', 50_000, { note: 'parse + normalise + redact + NDJSON append + batch serialisation' }),
      atLeast('pipeline.core_vs_bare_ratio', core.perSecond / bare.perSecond, 'ratio', 0.5, {
        baseline: { name: 'bare ws client, JSON.parse only', value: Math.round(bare.perSecond), unit: 'events/s' },
      }),
      {
        name: 'pipeline.events_lost',
        value: core.lost,
        unit: 'events',
        budget: '== 0',
        pass: core.lost === 0 && core.recorded === core.delivered,
        note: `${core.delivered} delivered, ${core.recorded} lines in the NDJSON record`,
      },
    ];
  } finally {
    await server.close();
  }
}
