/**
 * Parley's end of the LiveKit worker (worker.ts): starts the child process, sends it requests, hands its events to
 * listeners, and ends it. Why a child process at all, and not @livekit/rtc-node in Parley's own process:
 * - it is a native library with its own Rust runtime: a fault there must end a worker, not the app or a CLI run;
 * - it logs to stdout at debug level unless NODE_ENV is "production", which would mix with the CLI's output;
 * - its FFI state is process-wide (one `dispose()` for everything), and livekit-server, which the worker starts for the
 *   sandbox, must never outlive Parley: the worker stops it when its channel to Parley closes, even after a SIGKILL.
 *
 * How the child is started depends on the runtime: child_process.fork in Node (the CLI, tests, benchmarks); in the
 * packaged app Electron's RunAsNode fuse is off, so fork cannot run Node there and main.ts installs a utilityProcess
 * spawner with useWorkerSpawner().
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FromWorker, WorkerEvent, WorkerOp, WorkerRequests } from './protocol.ts';

export interface WorkerProcess {
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  onExit(handler: (code: number | null, signal: string | null) => void): void;
  /** SIGTERM (the worker stops its rooms and server, then exits), or with `force` SIGKILL. */
  kill(force: boolean): void;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
}

/** Starts `entry` (a JavaScript or TypeScript module) as a Node process with an IPC channel that carries typed arrays. */
export type WorkerSpawner = (entry: string, env: NodeJS.ProcessEnv) => WorkerProcess;

export const forkSpawner: WorkerSpawner = (entry, env) => {
  const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env, execArgv: [] });
  return {
    send: (m) => child.send(m as never),
    onMessage: (h) => child.on('message', h),
    onExit: (h) => child.once('exit', (code, signal) => h(code, signal)),
    kill: (force) => child.kill(force ? 'SIGKILL' : 'SIGTERM'),
    stdout: child.stdout,
    stderr: child.stderr,
  };
};

let spawner: WorkerSpawner = forkSpawner;

/** How this process starts Node children (main.ts: Electron's utilityProcess). */
export function useWorkerSpawner(s: WorkerSpawner): void {
  spawner = s;
}

/** worker.ts next to this file (sources: the CLI, tests), or livekit-worker.js next to the bundle (the app). */
export function workerEntry(): string {
  for (const file of ['worker.ts', 'livekit-worker.js']) {
    const path = join(import.meta.dirname, file);
    if (existsSync(path)) return path;
  }
  throw new Error(`livekit worker: neither worker.ts nor livekit-worker.js is in ${import.meta.dirname} (an incomplete build)`);
}

export class WorkerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const OUTPUT_KEEP = 4000;
/** How long the worker may take to leave its rooms and stop its server before it is killed. */
const CLOSE_MS = 3000;

export class LiveKitWorker {
  private readonly child: WorkerProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(event: WorkerEvent) => void>();
  private nextId = 1;
  private exited: { code: number | null; signal: string | null } | null = null;
  private readonly exitedPromise: Promise<void>;
  private output = '';

  constructor(spawn: WorkerSpawner = spawner) {
    // NODE_ENV=production keeps @livekit/rtc-node's logger at "info" (it logs at "debug" otherwise).
    this.child = spawn(workerEntry(), { ...process.env, NODE_ENV: 'production' });
    const keep = (chunk: Buffer | string) => (this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_KEEP));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.onMessage((m) => this.receive(m as FromWorker));
    this.exitedPromise = new Promise((resolve) =>
      this.child.onExit((code, signal) => {
        this.exited = { code, signal };
        const why = `the LiveKit worker process ended (${signal ?? `code ${code}`})${this.output.trim() ? `: ${this.output.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
        for (const p of this.pending.values()) p.reject(new WorkerError('LIVEKIT_WORKER', why));
        this.pending.clear();
        resolve();
      }),
    );
  }

  get alive(): boolean {
    return this.exited === null;
  }

  request<O extends WorkerOp>(op: O, args: WorkerRequests[O]['args']): Promise<WorkerRequests[O]['result']> {
    if (this.exited)
      return Promise.reject(new WorkerError('LIVEKIT_WORKER', `the LiveKit worker process has ended (${this.exited.signal ?? `code ${this.exited.code}`})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.child.send({ id, op, args });
      } catch (err) {
        this.pending.delete(id);
        reject(new WorkerError('LIVEKIT_WORKER', `the LiveKit worker cannot be reached: ${(err as Error).message}`));
      }
    });
  }

  on(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** End the worker and everything in it (rooms left, livekit-server stopped). Safe to call twice. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.child.kill(false);
    const force = setTimeout(() => this.child.kill(true), CLOSE_MS);
    await this.exitedPromise;
    clearTimeout(force);
  }

  private receive(m: FromWorker): void {
    if ('event' in m) {
      for (const l of [...this.listeners]) {
        try {
          l(m.event);
        } catch (err) {
          console.error('livekit worker: an event listener failed', err);
        }
      }
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new WorkerError(m.error.code, m.error.message));
  }
}
