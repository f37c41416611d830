import type { SandboxHost } from '../../core/sandbox/host.ts';
import { startVendorSandboxes } from '../../core/sandbox/vendors.ts';
import { VENDORS } from '../../core/vendors/registry.ts';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../../core/cli/command.ts';

/** How often, under npm, the process checks that the npm process that started it is still there. */
const LAUNCHER_CHECK_MS = 250;

/**
 * Resolves with the reason once the sandboxes should stop: SIGINT, SIGTERM, or the launcher gone.
 * `npx parley sandbox` runs this process under a shell that npm starts; npm passes SIGTERM/SIGINT on to that shell,
 * which dies without passing them on to us. So when npm started us (it sets npm_lifecycle_event), our parent going
 * away means "stop" as well. Run directly (`node bin/parley.mjs sandbox`), the process lives until it is signalled.
 */
function stopRequested(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    const launcherCheck =
      env.npm_lifecycle_event === undefined
        ? undefined
        : setInterval(() => {
            if (process.ppid !== parent) stop('the npm process that started it exited');
          }, LAUNCHER_CHECK_MS).unref();
    const onSigint = () => stop('SIGINT');
    const onSigterm = () => stop('SIGTERM');
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    function stop(reason: string) {
      clearInterval(launcherCheck);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      resolve(reason);
    }
  });
}

export const sandboxCommand: CliCommand = {
  words: ['sandbox'],
  usage: 'parley sandbox [--port N]',
  summary: 'Start every vendor sandbox on loopback and print their base URLs (Ctrl-C or SIGTERM stops them).',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, allowPositionals: false });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr(`--port: expected an integer 0-65535, got "${values.port}"\n`);
      return 2;
    }
    let host: SandboxHost;
    try {
      host = await startVendorSandboxes(port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      io.stderr(
        `--port ${port}: the port is already in use on 127.0.0.1 (another sandbox?). Stop that process, pick another port, or leave out --port to get a free one.\n`,
      );
      return 2;
    }
    io.stdout(`Parley sandboxes on ${host.baseUrl}\n`);
    for (const v of VENDORS) io.stdout(`  ${v.id.padEnd(10)} ${host.vendorUrl(v.id)}\n`);
    io.stdout(`Faults: POST ${host.baseUrl}/_sandbox/faults/<vendor> with {"kind":"delay","ms":3000} (or null to clear)\n`);
    io.stdout(`Vendor errors: parley sandbox fault <vendor> <code> --base-url ${host.baseUrl} (parley sandbox fault --list)\n`);
    // What the sandboxes let through with a warning (undocumented fields, inferred constraints) is printed as it happens.
    host.onNote((n) => io.stderr(`[${n.vendor}] warning: ${n.message}\n`));
    const reason = await stopRequested(io.env);
    await host.close();
    io.stderr(`parley sandbox: stopped (${reason})\n`);
    return 0;
  },
};
