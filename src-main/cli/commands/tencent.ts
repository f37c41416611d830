import type { CliCommand } from '../types.ts';

// The tencent vendor issue adds its subcommands here.
export const tencentCommands: CliCommand[] = [];
