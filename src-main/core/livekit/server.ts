/**
 * livekit-server for the Convai sandbox room: where the binary is (findLiveKitServer, in Parley's process) and how it
 * runs (startLiveKitServer, in the LiveKit worker process, which stops it when Parley goes away, even killed). The
 * server never outlives the worker either, whatever ends the worker (SIGKILL, a native crash): see SUPERVISOR.
 *
 * It runs in development mode, on loopback only, with the sandbox's own key pair and free ports, ICE on 127.0.0.1
 * (no STUN lookup of a public address; loopback candidates on), logging warnings only. The sandbox room has no TURN
 * server: LiveKit's embedded TURN does not relay between loopback peers, so sandbox joins use every candidate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ServerInfo, ServerStart } from './protocol.ts';

export const LIVEKIT_SERVER_ENV = 'PARLEY_LIVEKIT_SERVER';
/** The version scripts/livekit-server.sh builds and caches (the newest one the Go module proxy can build). */
export const PINNED_LIVEKIT_VERSION = 'v1.13.5';

/** The sandbox's key pair: public values, known to every Parley (the room is on loopback, for this machine only). */
export const SANDBOX_LIVEKIT_KEYS = { apiKey: 'parley-sandbox', apiSecret: 'parley-sandbox-livekit-secret-not-a-secret-0001' } as const;

export type LiveKitServerLookup = { found: true; path: string; source: 'env' | 'path' | 'cache' } | { found: false; reason: string };

const isExecutable = (file: string) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * The livekit-server binary: $PARLEY_LIVEKIT_SERVER (`none`: use no livekit-server even if one is installed), else `livekit-server` on PATH (LiveKit's installers put it
 * there), else the build scripts/livekit-server.sh caches. Not found: the reason, in words for the user.
 */
export function findLiveKitServer(env: NodeJS.ProcessEnv = process.env): LiveKitServerLookup {
  const named = env[LIVEKIT_SERVER_ENV];
  if (named === 'none') return { found: false, reason: `${LIVEKIT_SERVER_ENV}=none: the Convai sandbox uses its loopback sandbox room, not livekit-server` };
  if (named) {
    if (isExecutable(named)) return { found: true, path: named, source: 'env' };
    return { found: false, reason: `${LIVEKIT_SERVER_ENV}=${named} is not a file; point it at a livekit-server binary` };
  }
  const exe = process.platform === 'win32' ? 'livekit-server.exe' : 'livekit-server';
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && isExecutable(join(dir, exe))) return { found: true, path: join(dir, exe), source: 'path' };
  const cached = join(env.PARLEY_LIVEKIT_CACHE ?? join(homedir(), '.cache', 'parley-livekit'), PINNED_LIVEKIT_VERSION, exe);
  if (existsSync(cached) && isExecutable(cached)) return { found: true, path: cached, source: 'cache' };
  return {
    found: false,
    reason: `livekit-server is not installed: install it with LiveKit's installer (https://docs.livekit.io/home/self-hosting/local/) or run scripts/livekit-server.sh, or set ${LIVEKIT_SERVER_ENV} to a livekit-server binary`,
  };
}

export function liveKitConfig(keys: { apiKey: string; apiSecret: string }, ports: ServerInfo['ports']): string {
  return [
    `port: ${ports.http}`,
    'bind_addresses: [127.0.0.1]',
    'development: true',
    `keys: { "${keys.apiKey}": "${keys.apiSecret}" }`,
    'logging: { level: warn, pion_level: error }',
    'rtc:',
    `  tcp_port: ${ports.rtcTcp}`,
    `  udp_port: ${ports.rtcUdp}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    '  enable_loopback_candidate: true',
    '  use_mdns: false',
    'room: { empty_timeout: 60, departure_timeout: 5 }',
    '',
  ].join('\n');
}

function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (kind === 'tcp') {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    } else {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    }
  });
}

export interface RunningServer {
  info: ServerInfo;
  /** The server's process (under its supervisor: see SUPERVISOR); 'exit' fires once the server itself has ended. */
  process: ChildProcess;
  /** End the server at once (SIGKILL); 'exit' follows. */
  kill(): void;
  /** SIGTERM, then SIGKILL after 3 s; resolves when the server has ended. */
  stop(): Promise<void>;
}

/**
 * The server runs under a POSIX shell that watches a pipe from the worker (its stdin; the worker is the only writer,
 * and never writes). However the worker ends, the kernel closes the pipe: the shell reads end-of-file and SIGKILLs
 * the server, then exits. A signal to the shell is passed on to the server; when the server ends by itself the shell
 * ends the same way (its exit code, or the same signal), so the worker sees the server's own end. On Windows, where no
 * shell is at hand, the server is started directly and relies on the worker's own shutdown.
 */
const SUPERVISOR = [
  // The pipe becomes fd 3 (an asynchronous list's stdin is /dev/null in a script).
  'exec 3<&0 </dev/null',
  '"$0" "$@" 3<&- &',
  'server=$!',
  "trap 'kill -TERM $server 2>/dev/null' TERM INT",
  '(while read -r _; do :; done; kill -KILL $server 2>/dev/null) <&3 &',
  'watcher=$!',
  'exec 3<&-',
  'wait $server',
  'code=$?',
  // A trapped signal interrupts `wait`: wait again for the server's own end.
  'while kill -0 $server 2>/dev/null; do wait $server; code=$?; done',
  'kill $watcher 2>/dev/null',
  'if [ "$code" -gt 128 ]; then trap - TERM INT; kill -s "$(kill -l "$code")" $$; fi',
  'exit "$code"',
].join('\n');

function spawnSupervised(binary: string, args: string[]): ChildProcess {
  if (process.platform === 'win32') return spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined); // never written to; a closed pipe is the supervisor's signal, not a fault
  return child;
}

const READY_MS = 20_000;
const LOG_KEEP = 8000;

/**
 * Start livekit-server on free loopback ports and wait until it answers HTTP. A port taken between choosing and
 * binding it (another test, another app) makes the server exit: it is started again on new ports, up to 3 times.
 */
export async function startLiveKitServer(start: ServerStart): Promise<RunningServer> {
  let lastError: Error | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const ports = { http: await freePort('tcp'), rtcTcp: await freePort('tcp'), rtcUdp: await freePort('udp') };
    try {
      return await startOn(start, ports);
    } catch (err) {
      lastError = err as Error;
      if (!/address already in use|bind/i.test(lastError.message)) break;
    }
  }
  throw lastError!;
}

async function startOn(start: ServerStart, ports: ServerInfo['ports']): Promise<RunningServer> {
  if (!isExecutable(start.binary)) throw new Error(`livekit-server could not be started (${start.binary}): no such file`);
  const child = spawnSupervised(start.binary, ['--config-body', liveKitConfig(start, ports)]);
  // The supervisor's pipe: ending it ends the server at once (SIGKILL), wherever the worker is in its shutdown.
  const killNow = () => {
    child.stdin?.destroy();
    if (!child.stdin) child.kill('SIGKILL');
  };
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_KEEP);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`livekit-server could not be started (${start.binary}): ${err.message}`)));
    void exited.then(({ code, signal }) => reject(new Error(`livekit-server exited (${signal ?? `code ${code}`}) before it was ready: ${lastLines(log)}`)));
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + READY_MS;
  try {
    for (;;) {
      if (await Promise.race([probe(ports.http), failed])) break;
      if (Date.now() > deadline) throw new Error(`livekit-server did not answer on 127.0.0.1:${ports.http} within ${READY_MS / 1000} s: ${lastLines(log)}`);
      await Promise.race([new Promise((r) => setTimeout(r, 50)), failed]);
    }
  } catch (err) {
    killNow();
    throw err;
  }
  return {
    info: { url: `ws://127.0.0.1:${ports.http}`, ports },
    process: child,
    kill: killNow,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(killNow, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether the server answers 200 on its HTTP port yet. */
async function probe(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function lastLines(log: string): string {
  const lines = log.trim().split('\n').slice(-5).join(' | ');
  return lines || '(no output)';
}
