import { parseArgs } from 'node:util';
import { parseTarget, runOperation, parseBaseUrl, envCredential } from '../../cli/run.ts';
import { readJsonBody } from '../../cli/read-body.ts';
import { CliUsageError, type CliCommand, type CliIO } from '../../cli/command.ts';
import { curTimeSeconds, randomNonce, serverAuthHeaders } from './checksum.ts';
import type { OperationOutcome } from '../types.ts';

export const neteaseSignCommand: CliCommand = {
  words: ['sign', 'netease'],
  usage: 'parley sign netease [--nonce N] [--curtime T]',
  summary:
    'Print {"headers":{AppKey, Nonce, CurTime, CheckSum}} for the NetEase server API: CheckSum = sha1(AppSecret + Nonce + CurTime) from PARLEY_NETEASE_APP_KEY / PARLEY_NETEASE_APP_SECRET. Nonce defaults to random hex, CurTime to now (seconds).',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, allowPositionals: false, options: { nonce: { type: 'string' }, curtime: { type: 'string' } } });
    const nonce = values.nonce ?? randomNonce();
    const curTime = values.curtime ?? curTimeSeconds(Date.now());
    if (nonce.length === 0 || nonce.length > 128) throw new CliUsageError(`--nonce: expected 1-128 characters, got ${nonce.length}`);
    if (!/^\d{1,12}$/.test(curTime)) throw new CliUsageError(`--curtime: expected Unix time in seconds, got "${curTime}"`);
    const headers = serverAuthHeaders(envCredential(io, 'netease', 'APP_KEY'), envCredential(io, 'netease', 'APP_SECRET'), nonce, curTime);
    io.stdout(JSON.stringify({ headers }) + '\n');
    return 0;
  },
};

function taskCommand(call: 'create' | 'close'): CliCommand {
  return {
    words: ['netease', call],
    usage: `parley netease ${call} --body FILE [--variant server|client] [--target sandbox|live] [--profile NAME] [--base-url URL] [--send-anyway] [--out DIR]`,
    summary: `POST task/${call} (server API with CheckSum, or client API with the room Token) with the JSON body in FILE; print the response JSON and exit 1 when its code is not 200. The CLI joins no room: a client-API create is sent right away.`,
    async run(argv, io) {
      const { values } = parseArgs({
        args: argv,
        allowPositionals: false,
        options: {
          body: { type: 'string' },
          variant: { type: 'string' },
          target: { type: 'string' },
          profile: { type: 'string' },
          'base-url': { type: 'string' },
          'send-anyway': { type: 'boolean' },
          out: { type: 'string' },
        },
      });
      if (!values.body) throw new CliUsageError(`--body FILE is required (the task/${call} request body as JSON)`);
      if (values.variant !== undefined && values.variant !== 'server' && values.variant !== 'client')
        throw new CliUsageError(`--variant: expected server or client, got "${values.variant}"`);
      const baseUrl = parseBaseUrl(values['base-url']);
      const payload = readJsonBody(values.body, io);
      if (values.variant) payload.variant = values.variant;

      const run = await runOperation({
        vendorId: 'netease',
        operationId: call,
        payload,
        io,
        target: { target: parseTarget(values.target), profile: values.profile, baseUrl },
        outDir: values.out,
        sendAnyway: values['send-anyway'],
      });
      // Client API: the session waited for a room join the CLI cannot make, and was told to go on (turn.ts).
      if (run.manager.events(run.sessionId, 0, 1_000_000).events.some((e) => e.kind === 'room.join-skipped'))
        io.stderr('client API: the CLI joins no NERTC room; create was sent without it\n');
      return report(run.outcome, io);
    },
  };
}

/** The vendor's response body on stdout; exit 0 only for code 200. Without a JSON answer, the error on stderr. */
function report(outcome: OperationOutcome, io: CliIO): number {
  const response = outcome.ok ? (outcome.result as { response?: unknown } | undefined)?.response : outcome.error?.details;
  if (response !== undefined) io.stdout(JSON.stringify(response, null, 2) + '\n');
  if (outcome.ok) return 0;
  if (response === undefined) io.stderr(`${outcome.summary}\n`);
  return 1;
}

export const neteaseCommands: CliCommand[] = [neteaseSignCommand, taskCommand('create'), taskCommand('close')];
