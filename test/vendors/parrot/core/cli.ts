import { parseArgs } from 'node:util';
import { parseTarget, runOperation } from '../../../../src-main/core/cli/run.ts';
import { CliUsageError, type CliCommand } from '../../../../src-main/core/cli/command.ts';
import type { ParrotResult } from './session.ts';

/** `parley parrot --text TEXT`: one turn, the replies on stdout. */
export const parrotCommand: CliCommand = {
  words: ['parrot'],
  usage: 'parley parrot --text TEXT [--voice low|high] [--target sandbox|live] [--profile NAME] [--out DIR]',
  summary: 'One Parrot Voice turn (the test-only vendor): prints each reply; exit 1 when the turn fails.',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: { text: { type: 'string' }, voice: { type: 'string' }, target: { type: 'string' }, profile: { type: 'string' }, out: { type: 'string' } },
    });
    if (!values.text) throw new CliUsageError('--text TEXT is required (what the user says)');
    const run = await runOperation({
      vendorId: 'parrot',
      operationId: 'talk',
      payload: values.voice ? { voice: values.voice } : {},
      io,
      target: { target: parseTarget(values.target), profile: values.profile },
      outDir: values.out,
      input: { text: values.text },
    });
    const result = run.outcome.result as ParrotResult | undefined;
    for (const reply of result?.turns[0]?.replies ?? []) io.stdout(`${reply}\n`);
    if (!run.outcome.ok) io.stderr(`parrot failed: ${run.outcome.summary}\n`);
    return run.outcome.ok && result?.turns[0]?.done ? 0 : 1;
  },
};
