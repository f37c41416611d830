import { utilityProcess } from 'electron';
import type { WorkerSpawner } from '../core/livekit/worker-host.ts';

/**
 * The LiveKit worker (core/livekit/worker.ts) as an Electron utility process. The packaged app's RunAsNode fuse is off
 * (build/after-pack.mjs), so child_process.fork cannot start Node from the Electron binary; a utility process is a
 * Node environment Electron starts itself, ended with the app. Its channel carries structured clones (typed arrays).
 */
export const utilityProcessSpawner: WorkerSpawner = (entry, env) => {
  const child = utilityProcess.fork(entry, [], { stdio: 'pipe', env, serviceName: 'Parley LiveKit worker' });
  return {
    send: (message) => child.postMessage(message),
    onMessage: (handler) => child.on('message', handler),
    onExit: (handler) => child.once('exit', (code) => handler(code, null)),
    kill: (force) => {
      if (force && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      else child.kill();
    },
    stdout: child.stdout,
    stderr: child.stderr,
  };
};
