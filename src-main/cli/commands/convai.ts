import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTarget, runOperation } from '../runner.ts';
import { ProfileStore } from '../../core/profiles/store.ts';
import { defaultDataDir } from '../../core/data-dir.ts';
import { REDACTED } from '../../core/secrets/redact.ts';
import { rememberSession, rememberedSession, withConversation } from '../../core/vendors/convai/conversations.ts';
import type { ConnectResult } from '../../core/vendors/convai/client.ts';
import { CliUsageError, type CliCommand } from '../types.ts';
import { readJsonBody } from '../read-body.ts';
import { WARNINGS_HEADER } from '../../core/sandbox/host.ts';

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
    const response = events.filter((e) => e.kind === 'http.response').at(-1)?.data as { status: number; headers?: Record<string, string>; body: unknown } | undefined;
    const outcome = run.outcome;
    for (const w of sandboxRoomWarnings(response?.headers)) io.stderr(`warning: ${w}\n`);

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

/** The sandbox's own warnings about its room (the payload's warnings are printed before the request). */
function sandboxRoomWarnings(headers: Record<string, string> | undefined): string[] {
  const raw = headers?.[WARNINGS_HEADER];
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter((w): w is string => typeof w === 'string' && w.startsWith('[sandbox]')) : [];
  } catch {
    return [];
  }
}

export const convaiCommands: CliCommand[] = [convaiConnectCommand];
