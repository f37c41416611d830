import type { CliCommand } from '../types.ts';

// The mindcraft vendor issue adds its subcommands here.
export const mindcraftCommands: CliCommand[] = [];
