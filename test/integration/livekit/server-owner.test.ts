import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forkSpawner, LiveKitWorker, type WorkerProcess } from '../../../src-main/core/livekit/worker-host.ts';
import { SANDBOX_LIVEKIT_KEYS } from '../../../src-main/core/livekit/server.ts';
import { liveKitServer } from '../support/livekit.ts';

// livekit-server never outlives the LiveKit worker that started it, however the worker ends: here SIGKILL, which
// gives the worker no chance to stop it (a test runner tearing down its fork, a native crash).

/** Processes whose command line has every one of `parts`, as pid → state (R, S, Z ...), from /proc. */
function processesWith(...parts: string[]): Map<number, string> {
  const found = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!parts.every((p) => cmdline.includes(p))) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      found.set(Number(name), stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

/** Waits until no live (non-zombie) process has `parts` on its command line; fails after `ms`, naming the survivors. */
async function untilGone(ms: number, ...parts: string[]): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = [...processesWith(...parts)].filter(([, state]) => state !== 'Z');
    if (!alive.length) return;
    if (Date.now() > deadline) throw new Error(`still running ${ms} ms later: ${alive.map(([pid, s]) => `${pid} (${s})`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(process.platform === 'win32')('livekit-server and its owner', () => {
  it('is gone within 5 s of its LiveKit worker being SIGKILLed, and so is its supervisor; twice', async () => {
    const binary = liveKitServer();
    for (const round of [1, 2]) {
      let child: WorkerProcess & { pid?: number } = undefined!;
      const worker = new LiveKitWorker((entry, env) => {
        child = forkSpawner(entry, env);
        return child;
      });
      try {
        const info = await worker.request('server.start', { binary, ...SANDBOX_LIVEKIT_KEYS });
        const marker = `port: ${info.ports.http}\n`;
        const running = [...processesWith(binary, marker)].filter(([, state]) => state !== 'Z');
        // The server, the shell that supervises it and the shell's pipe watcher carry the config on their command lines.
        expect(running.length, `round ${round}`).toBe(3);
        expect((await fetch(info.url.replace(/^ws:/, 'http:'))).ok).toBe(true);
        child.kill(true);
        await untilGone(5000, binary, marker);
        await expect(fetch(info.url.replace(/^ws:/, 'http:'), { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
      } finally {
        await worker.close();
      }
    }
  }, 60_000);
});
