/**
 * The LiveKit worker: a child process of Parley that holds @livekit/rtc-node (a native library with its own runtime,
 * its own logging to stdout and process-wide state) and, for the sandbox, livekit-server. Keeping them here means a
 * native failure ends this process, not Parley's main process or the CLI, and the server dies with it: when the
 * parent goes away (quit, crash, SIGKILL), the IPC channel closes and this process stops the server and exits.
 *
 * Started by worker-host.ts with child_process.fork (the CLI, tests) or Electron's utilityProcess (the app, whose
 * RunAsNode fuse is off); it talks over whichever channel it was given. Protocol: protocol.ts.
 */
import { dispose } from '@livekit/rtc-node';
import { ClientParticipant } from './client-participant.ts';
import { startLiveKitServer, type RunningServer } from './server.ts';
import type { FromWorker, ToWorker, WorkerEvent, WorkerRequests } from './protocol.ts';
import { startConvaiBot, type RunningBot } from '../vendors/convai/sandbox-participant.ts';

interface Channel {
  send(message: FromWorker): void;
  onMessage(handler: (message: ToWorker) => void): void;
  onClose(handler: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

function parentChannel(): Channel {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (port)
    return {
      send: (m) => port.postMessage(m),
      onMessage: (h) => port.on('message', (e) => h(e.data as ToWorker)),
      // Electron ends a utility process with the app.
      onClose: () => undefined,
    };
  if (!process.send) throw new Error('livekit worker: started without an IPC channel (it is started by Parley, not by hand)');
  return {
    send: (m) => process.send!(m),
    onMessage: (h) => process.on('message', (m) => h(m as ToWorker)),
    onClose: (h) => process.once('disconnect', h),
  };
}

const channel = parentChannel();
const servers = new Set<RunningServer>();
const bots = new Map<string, RunningBot>();
const clients = new Map<string, ClientParticipant>();

const emit = (event: WorkerEvent) => {
  try {
    channel.send({ event });
  } catch {
    // the parent is gone; shutdown follows
  }
};

function client(pid: string): ClientParticipant {
  const c = clients.get(pid);
  if (!c) throw Object.assign(new Error(`no participant "${pid}" in this worker (it left, or never joined)`), { code: 'NOT_JOINED' });
  return c;
}

type Handlers = { [O in keyof WorkerRequests]: (args: WorkerRequests[O]['args']) => Promise<WorkerRequests[O]['result']> };

const handlers: Handlers = {
  async 'server.start'(args) {
    const server = await startLiveKitServer(args);
    servers.add(server);
    server.process.once('exit', (code, signal) => {
      servers.delete(server);
      emit({ type: 'server.exit', code, signal, log: '' });
    });
    return server.info;
  },
  async 'bot.start'(args) {
    if (bots.has(args.pid)) throw new Error(`bot "${args.pid}" is already running`);
    const bot = await startConvaiBot(args, (e) => {
      if (e.type === 'bot.ended') bots.delete(args.pid);
      emit(e);
    });
    bots.set(args.pid, bot);
    return { identity: bot.identity };
  },
  async 'bot.override'({ pid, override }) {
    const bot = bots.get(pid);
    if (!bot) throw Object.assign(new Error(`no bot "${pid}" (it left the room, or never joined)`), { code: 'NOT_JOINED' });
    bot.override(override);
    return null;
  },
  async 'bot.stop'({ pid }) {
    await bots.get(pid)?.stop('stopped by the sandbox');
    bots.delete(pid);
    return null;
  },
  async 'client.join'(args) {
    if (clients.has(args.pid)) throw new Error(`participant "${args.pid}" has already joined`);
    const joined = await ClientParticipant.join(args, emit);
    clients.set(args.pid, joined.participant);
    return { identity: joined.identity, sid: joined.sid };
  },
  async 'client.publish'({ pid, samples, sampleRate, markSamples }) {
    return client(pid).publish(samples, sampleRate, markSamples);
  },
  async 'client.unpublish'({ pid }) {
    await client(pid).unpublish();
    return null;
  },
  async 'client.send'({ pid, data }) {
    await client(pid).send(data);
    return null;
  },
  async 'client.leave'({ pid }) {
    const c = clients.get(pid);
    clients.delete(pid);
    await c?.leave();
    return null;
  },
};

channel.onMessage((message) => {
  const handler = handlers[message.op] as ((args: unknown) => Promise<unknown>) | undefined;
  const reply = (m: FromWorker) => {
    try {
      channel.send(m);
    } catch {
      // the parent is gone
    }
  };
  if (!handler)
    return reply({ id: message.id, ok: false, error: { code: 'BAD_ARGUMENTS', message: `livekit worker: unknown operation "${String(message.op)}"` } });
  handler(message.args).then(
    (result) => reply({ id: message.id, ok: true, result: result ?? null }),
    (err: Error & { code?: string }) => reply({ id: message.id, ok: false, error: { code: err.code ?? 'LIVEKIT', message: err.message } }),
  );
});

let shuttingDown = false;
async function shutdown(): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  setTimeout(() => process.exit(0), 2000).unref();
  // The server first and without waiting on the SDK: it must not outlive Parley whatever happens below.
  const serversGone = [...servers].map(
    (s) => new Promise((resolve) => (s.process.exitCode !== null || s.process.signalCode !== null ? resolve(null) : s.process.once('exit', resolve))),
  );
  for (const s of servers) s.kill();
  await Promise.allSettled([...bots.values()].map((b) => b.stop('Parley closed the sandbox')));
  await Promise.allSettled([...clients.values()].map((c) => c.leave()));
  await dispose().catch(() => undefined);
  await Promise.all(serversGone);
  process.exit(0);
}
channel.onClose(() => void shutdown());
process.on('SIGTERM', () => void shutdown());
