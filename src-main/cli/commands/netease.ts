import type { CliCommand } from '../types.ts';

// The netease vendor issue adds its subcommands here.
export const neteaseCommands: CliCommand[] = [];
