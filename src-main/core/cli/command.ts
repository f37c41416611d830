export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One `parley <words…>` command. `words` are matched against the leading positionals. */
export interface CliCommand {
  words: string[];
  usage: string;
  summary: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}

export class CliUsageError extends Error {}
