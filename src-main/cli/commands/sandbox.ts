import { startVendorSandboxes } from '../../core/sandbox/vendors.ts';
import { VENDORS } from '../../core/vendors/registry.ts';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../../core/cli/command.ts';

export const sandboxCommand: CliCommand = {
  words: ['sandbox'],
  usage: 'parley sandbox [--port N]',
  summary: 'Start every vendor sandbox on loopback and print their base URLs (Ctrl-C stops them).',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, allowPositionals: false });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr(`--port: expected an integer 0-65535, got "${values.port}"\n`);
      return 2;
    }
    const host = await startVendorSandboxes(port);
    io.stdout(`Parley sandboxes on ${host.baseUrl}\n`);
    for (const v of VENDORS) io.stdout(`  ${v.id.padEnd(10)} ${host.vendorUrl(v.id)}\n`);
    io.stdout(`Faults: POST ${host.baseUrl}/_sandbox/faults/<vendor> with {"kind":"delay","ms":3000} (or null to clear)\n`);
    io.stdout(`Vendor errors: parley sandbox fault <vendor> <code> --base-url ${host.baseUrl} (parley sandbox fault --list)\n`);
    // What the sandboxes let through with a warning (undocumented fields, inferred constraints) is printed as it happens.
    host.onNote((n) => io.stderr(`[${n.vendor}] warning: ${n.message}\n`));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await host.close();
    return 0;
  },
};
