import type { CliCommand } from '../types.ts';

// The convai vendor issue adds its subcommands here.
export const convaiCommands: CliCommand[] = [];
