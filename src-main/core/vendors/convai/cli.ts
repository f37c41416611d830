import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTarget, runOperation, parseBaseUrl, failureLine } from '../../cli/run.ts';
import { ProfileStore } from '../../profiles/store.ts';
import { defaultDataDir } from '../../data-dir.ts';
import { REDACTED } from '../../secrets/redact.ts';
import { rememberSession, rememberedSession, withConversation } from './common/conversations.ts';
import type { ConnectResult } from './client.ts';
import { SANDBOX_CHARACTER_ID } from './common/schema.ts';
import { BOT_AUDIO_FILE, convaiLiveKitTurn, type RoomTurnFigures } from './livekit-turn.ts';
import { CliUsageError, type CliCommand } from '../../cli/command.ts';
import { readJsonBody } from '../../cli/read-body.ts';
import { WARNINGS_HEADER } from '../../sandbox/host.ts';

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
    const baseUrl = parseBaseUrl(values['base-url']);
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
    const response = events.filter((e) => e.kind === 'http.response').at(-1)?.data as
      { status: number; headers?: Record<string, string>; body: unknown } | undefined;
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
    io.stderr(`convai connect failed: ${failureLine(outcome)}\n`);
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

export const convaiTurnCommand: CliCommand = {
  words: ['convai', 'turn'],
  usage:
    'parley convai turn (--wav FILE | --text TEXT) [--body FILE] [--target sandbox|live] [--base-url URL] [--profile NAME] [--interrupt-after MS [--interrupt-by speech|message]] [--timeout S] [--out DIR]',
  summary:
    'One full voice turn without a browser: POST /connect, join the LiveKit room with @livekit/rtc-node, speak the WAV (or send the text), record the answer (bot-audio.wav) and print the figures as JSON (transport "livekit"); exit 1 when the turn fails. The body defaults to the sandbox character.',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        wav: { type: 'string' },
        text: { type: 'string' },
        body: { type: 'string' },
        target: { type: 'string' },
        'base-url': { type: 'string' },
        profile: { type: 'string' },
        'interrupt-after': { type: 'string' },
        'interrupt-by': { type: 'string' },
        timeout: { type: 'string' },
        out: { type: 'string' },
      },
    });
    if (!values.wav === !values.text) throw new CliUsageError('expected one of --wav FILE (your speech) or --text TEXT (a user_text_message)');
    const wav = values.wav ? resolve(io.cwd, values.wav) : undefined;
    if (wav && !existsSync(wav)) throw new CliUsageError(`--wav: no such file ${wav}`);
    const target = parseTarget(values.target);
    const baseUrl = parseBaseUrl(values['base-url']);
    if (!values.body && target === 'live')
      throw new CliUsageError('--body FILE is required with --target live (the /connect request body, with your character_id)');
    const payload = values.body ? readJsonBody(values.body, io) : { character_id: SANDBOX_CHARACTER_ID };
    const interruptAfter = values['interrupt-after'] === undefined ? undefined : Number(values['interrupt-after']);
    if (interruptAfter !== undefined && !(Number.isFinite(interruptAfter) && interruptAfter >= 0 && interruptAfter <= 60_000))
      throw new CliUsageError(`--interrupt-after: expected milliseconds 0-60000, got "${values['interrupt-after']}"`);
    const by = values['interrupt-by'] ?? 'speech';
    if (by !== 'speech' && by !== 'message') throw new CliUsageError(`--interrupt-by: expected speech or message, got "${by}"`);
    if (by === 'speech' && interruptAfter !== undefined && !wav)
      throw new CliUsageError('--interrupt-by speech needs --wav (the speech spoken over the answer)');
    const timeoutS = values.timeout === undefined ? 60 : Number(values.timeout);
    if (!(Number.isFinite(timeoutS) && timeoutS > 0 && timeoutS <= 600)) throw new CliUsageError(`--timeout: expected seconds 1-600, got "${values.timeout}"`);

    let figures: RoomTurnFigures | null = null;
    let failure: string | undefined;
    const run = await runOperation({
      vendorId: 'convai',
      operationId: 'connect',
      payload,
      io,
      target: { target, profile: values.profile, baseUrl },
      outDir: values.out,
      drive: async (manager, sessionId) => {
        try {
          figures = await convaiLiveKitTurn(
            manager,
            sessionId,
            { wav, text: values.text },
            { timeoutMs: timeoutS * 1000, interrupt: interruptAfter === undefined ? undefined : { afterMs: interruptAfter, by } },
          );
        } catch (err) {
          failure = manager.redactor.text((err as Error).message);
          if (manager.isLive(sessionId))
            manager.record(sessionId, [{ kind: 'error', dir: 'local', summary: `TURN: ${failure}`, data: { code: 'TURN', message: failure } }]);
        } finally {
          if (manager.isLive(sessionId)) await manager.stop(sessionId);
        }
      },
    });
    const outcome = run.outcome;
    const response = run.manager
      .events(run.sessionId, 0, 1_000_000)
      .events.filter((e) => e.kind === 'http.response')
      .at(-1)?.data as { headers?: Record<string, string> } | undefined;
    for (const w of sandboxRoomWarnings(response?.headers)) io.stderr(`warning: ${w}\n`);
    if (figures) io.stdout(JSON.stringify(figures, null, 2) + '\n');
    io.stderr(`record: ${run.sessionFile}\n`);
    if (figures) io.stderr(`bot audio: ${join(run.artifactsDir, BOT_AUDIO_FILE)}\n`);
    if (!outcome.ok) {
      io.stderr(`convai turn failed: ${failureLine(outcome)}\n`);
      return 1;
    }
    if (failure || !figures) {
      io.stderr(`convai turn failed: ${failure ?? 'the turn did not complete'}\n`);
      return 1;
    }
    return 0;
  },
};

export const convaiCommands: CliCommand[] = [convaiConnectCommand, convaiTurnCommand];
