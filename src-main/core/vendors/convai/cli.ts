import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTarget, runOperation } from '../../cli/run.ts';
import { ProfileStore } from '../../profiles/store.ts';
import { defaultDataDir } from '../../data-dir.ts';
import { REDACTED } from '../../secrets/redact.ts';
import { rememberSession, rememberedSession, withConversation } from './conversations.ts';
import type { ConnectResult } from './client.ts';
import { CliUsageError, type CliCommand } from '../../cli/command.ts';
import { readJsonBody } from '../../cli/read-body.ts';

export const convaiConnectCommand: CliCommand = {
  words: ['convai', 'connect'],
  usage: 'parley convai connect --body FILE [--target sandbox|live] [--base-url URL] [--profile NAME] [--continue] [--send-anyway] [--show-token] [--out DIR]',
  summary:
    'POST /connect with the JSON body in FILE and print the response JSON (the LiveKit token masked unless --show-token); exit 1 on 4xx/5xx. With --profile the returned character_session_id is remembered and --continue reuses it.',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        body: { type: 'string' },
        target: { type: 'string' },
        'base-url': { type: 'string' },
        profile: { type: 'string' },
        continue: { type: 'boolean' },
        'send-anyway': { type: 'boolean' },
        'show-token': { type: 'boolean' },
        out: { type: 'string' },
      },
    });
    if (!values.body) throw new CliUsageError('--body FILE is required (the /connect request body as JSON)');
    const target = parseTarget(values.target);
    const baseUrl = values['base-url'];
    if (baseUrl !== undefined && !/^https?:\/\/\S+$/.test(baseUrl)) throw new CliUsageError(`--base-url: expected an http(s) URL, got "${baseUrl}"`);
    let payload = readJsonBody(values.body, io);

    const store = values.profile ? new ProfileStore(join(defaultDataDir(io.env), 'profiles.json')) : undefined;
    const stored = values.profile ? store!.find(values.profile) : undefined;
    if (values.continue) {
      if (!stored) throw new CliUsageError('--continue needs --profile NAME (the remembered conversation belongs to a profile)');
      const characterId = String(payload.character_id ?? '');
      const remembered = rememberedSession(stored.settings, characterId);
      if (!remembered) throw new CliUsageError(`--continue: profile "${stored.name}" has no conversation with character "${characterId}" yet`);
      payload = withConversation(payload, remembered.character_session_id);
    }

    const run = await runOperation({
      vendorId: 'convai',
      operationId: 'connect',
      payload,
      io,
      target: { target, profile: values.profile, baseUrl },
      outDir: values.out,
      sendAnyway: values['send-anyway'],
    });
    const { events } = run.manager.events(run.sessionId, 0, 1_000_000);
    const response = events.filter((e) => e.kind === 'http.response').at(-1)?.data as { status: number; body: unknown } | undefined;
    const outcome = run.outcome;

    if (response) {
      let body = response.body;
      const result = outcome.result as ConnectResult | undefined;
      if (values['show-token'] && result && body && typeof body === 'object') body = { ...body, token: result.token };
      io.stdout(JSON.stringify(body, null, 2) + '\n');
    }
    if (outcome.ok) {
      const result = outcome.result as ConnectResult;
      if (!values['show-token']) io.stderr(`token: ${REDACTED} (pass --show-token to print the LiveKit token)\n`);
      if (stored && store) {
        store.upsert({ ...stored, settings: rememberSession(stored.settings, String(payload.character_id), result.character_session_id) });
        io.stderr(`remembered character session ${result.character_session_id} for profile "${stored.name}" (use --continue next time)\n`);
      }
      io.stderr(`record: ${run.sessionFile}\n`);
      return 0;
    }
    const e = outcome.error;
    io.stderr(`convai connect failed: ${e ? [e.code, e.message, e.requestId && `request ${e.requestId}`].filter(Boolean).join(' · ') : outcome.summary}\n`);
    io.stderr(`record: ${run.sessionFile}\n`);
    return 1;
  },
};

export const convaiCommands: CliCommand[] = [convaiConnectCommand];
