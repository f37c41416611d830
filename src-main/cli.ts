import { sandboxCommand } from './cli/commands/sandbox.ts';
import { sandboxFaultCommand } from './cli/commands/sandbox-fault.ts';
import { runCommand } from './cli/commands/run.ts';
import { compareCommand } from './cli/commands/compare.ts';
import { historyCommand } from './cli/commands/history.ts';
import { CliUsageError, type CliCommand, type CliIO } from './core/cli/command.ts';
import { credentialEnvName, VENDORS } from './core/vendors/registry.ts';

/** The commands: Parley's own, then each registered vendor's (its descriptor's `cli`), in registry order. */
export async function commands(): Promise<CliCommand[]> {
  const vendorCommands = await Promise.all(VENDORS.map((v) => v.cli?.() ?? []));
  return [sandboxCommand, sandboxFaultCommand, ...vendorCommands.flat(), runCommand, compareCommand, historyCommand];
}

function help(all: CliCommand[]): string {
  const rows = all.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n');
  const variables = VENDORS.map((v) => `  ${v.id.padEnd(10)} ${v.credentials.map((c) => credentialEnvName(v.id, c.name)).join(' ')}`).join('\n');
  return `parley: test realtime AI voice-conversation APIs from the command line.

Usage:
  parley --help
${rows}

Credentials are never taken from arguments: use --profile NAME (keychain) or these variables:
${variables}
Data folder: PARLEY_DATA_DIR, default the app's user-data folder.
`;
}
export async function main(argv: string[], io: CliIO): Promise<number> {
  const all = await commands();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(help(all));
    return argv.length === 0 ? 2 : 0;
  }
  const command = all.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
  if (!command) {
    io.stderr(`parley: unknown command "${argv.join(' ')}"\n\n${help(all)}`);
    return 2;
  }
  const rest = argv.slice(command.words.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n  ${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (
      err instanceof CliUsageError ||
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
      e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
    ) {
      io.stderr(`parley ${command.words.join(' ')}: ${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    io.stderr(`parley ${command.words.join(' ')}: ${e.message}\n`);
    return 1;
  }
}

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
};
