import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/parley-cli.ts';

// `parley sandbox` as a user runs it, stopped the way a user (Ctrl-C) or a CI script (SIGTERM to its pid) stops it.

const home = mkdtempSync(join(tmpdir(), 'parley-sandbox-cli-'));
/** A clean environment: no npm_* variables unless a test starts the command through npx itself. */
const cleanEnv = { PATH: process.env.PATH ?? '', HOME: home, PARLEY_DATA_DIR: join(home, 'data') };
/** Every process a test started (with its descendants), killed after the test whatever happened. */
const started: number[] = [];

interface Sandbox {
  child: ChildProcess;
  port: number;
  /** The child and its descendants once it listens. */
  tree: number[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn the command and resolve once it prints its base URL (or reject with its output if it exits first). */
async function startSandbox(command: string, args: string[], options: { detached?: boolean } = {}): Promise<Sandbox> {
  const child = spawn(command, args, { cwd: ROOT, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached });
  started.push(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^Parley sandboxes on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(({ code, signal }) => reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before listening: ${stderr}`)));
  });
  const tree = processTree(child.pid!);
  started.push(...tree);
  return { child, port, tree, stderr: () => stderr, exited };
}

/** Process ids of `pid` and all its descendants (Linux /proc). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/** A process that has exited (gone, or a zombie nobody reaped yet). */
function hasExited(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .startsWith('Z');
  } catch {
    return true;
  }
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(what: string, condition: () => boolean | Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${withinMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function answers(port: number): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/convai/no-such-route`);
  return { status: res.status, body: await res.json() };
}

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      if (!hasExited(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // exited in between
    }
  }
});

describe('parley sandbox stopped by a signal', () => {
  // By pid, npm passes SIGTERM on to the shell it runs the bin in, and that shell dies without passing it on (the
  // server used to stay behind, holding its port). Ctrl-C signals the whole process group instead.
  it.each([
    ['SIGTERM to the npx process', (child: ChildProcess) => child.kill('SIGTERM')],
    ['Ctrl-C (SIGINT to the process group)', (child: ChildProcess) => process.kill(-child.pid!, 'SIGINT')],
  ])('npx parley sandbox: %s stops the server and every process it started, and frees the port', async (_how, stop) => {
    const sandbox = await startSandbox('npx', ['--no', '--offline', 'parley', 'sandbox'], { detached: true });
    expect(await answers(sandbox.port)).toEqual({ status: 404, body: { error: 'sandbox: no route GET /convai/no-such-route' } });
    expect(sandbox.tree.length).toBeGreaterThan(1); // npm runs the bin through a shell: the server is a grandchild
    // A client still connected when the stop comes must not keep the server alive.
    const idle = connect(sandbox.port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));

    stop(sandbox.child);
    await until('every process of the tree exited', () => sandbox.tree.every(hasExited));
    await until('the port refuses connections', async () => !(await portAccepts(sandbox.port)));
    expect(sandbox.stderr()).toMatch(/parley sandbox: stopped \((SIGINT|the npm process that started it exited)\)/);
    idle.destroy();
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'node bin/parley.mjs sandbox: %s stops it with exit 0, and the same port can be used again at once',
    async (signal) => {
      const first = await startSandbox(process.execPath, ['bin/parley.mjs', 'sandbox']);
      expect(await answers(first.port)).toMatchObject({ status: 404 });
      first.child.kill(signal);
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(first.stderr()).toContain(`parley sandbox: stopped (${signal})`);

      const second = await startSandbox(process.execPath, ['bin/parley.mjs', 'sandbox', '--port', String(first.port)]);
      expect(second.port).toBe(first.port);
      expect(await answers(second.port)).toMatchObject({ status: 404 });
      second.child.kill(signal);
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(await portAccepts(second.port)).toBe(false);
    },
  );

  it('a port already in use is a clear error, and the process exits instead of lingering', async () => {
    const running = await startSandbox(process.execPath, ['bin/parley.mjs', 'sandbox']);
    const clash = spawn(process.execPath, ['bin/parley.mjs', 'sandbox', '--port', String(running.port)], {
      cwd: ROOT,
      env: { ...cleanEnv, npm_lifecycle_event: 'npx' },
    });
    started.push(clash.pid!);
    let stderr = '';
    clash.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => clash.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain(`--port ${running.port}: the port is already in use on 127.0.0.1`);
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });
});
