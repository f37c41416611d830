import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTarget, runOperation, parseBaseUrl } from '../../cli/run.ts';
import { readJsonBody } from '../../cli/read-body.ts';
import { CHAT_BOT_V3_EXAMPLE } from './common/schema.ts';
import type { ConversationResult } from './session.ts';
import type { TurnReport } from './turn.ts';
import { CliUsageError, type CliCommand } from '../../cli/command.ts';

/** What `parley mindcraft` writes to DIR/report.json and prints. */
export interface MindcraftReport {
  ok: boolean;
  sessionId: string;
  sessionFile: string;
  target: 'sandbox' | 'live';
  /** Turn metrics in ms from upload stop (voice) or from sending the text (text turn); null when it never happened. */
  metrics: {
    uploadStopToFirstAsrMs: number | null;
    uploadStopToFirstLlmMs: number | null;
    uploadStopToFirstTtsMs: number | null;
    uploadStopToFirstAudioReadyMs: number | null;
    /** Audible playback is measured by the app's player; the CLI plays nothing. */
    uploadStopToFirstAudibleMs: null;
    botAudioSeconds: number;
  };
  /** Bot audio files (absolute paths) in playing (z_index) order. */
  audioFiles: string[];
  userAudioFile: string | null;
  turn: TurnReport | null;
  auth: ConversationResult['auth'] | null;
  placements: string[];
  error?: { code: string; message: string; requestId?: string };
}

function defaultPayload(): Record<string, unknown> {
  // The doc example without its placeholder session_token: a new conversation.
  const { session_token: _t, ...rest } = CHAT_BOT_V3_EXAMPLE;
  return rest;
}

export const mindcraftCommand: CliCommand = {
  words: ['mindcraft'],
  usage:
    'parley mindcraft [--wav FILE | --text TEXT] [--body FILE] [--realtime] [--target sandbox|live] [--profile NAME] [--base-url URL] [--send-anyway] --out DIR',
  summary:
    'Run one chat_bot_v3 turn (speech from a WAV file, or text) and write the session NDJSON, the bot audio and DIR/report.json {ok, sessionFile, metrics (ms), audioFiles}; exit 1 when the turn fails. Credentials: PARLEY_MINDCRAFT_API_KEY / _DEVICE_TOKEN or --profile.',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        wav: { type: 'string' },
        text: { type: 'string' },
        body: { type: 'string' },
        realtime: { type: 'boolean' },
        target: { type: 'string' },
        profile: { type: 'string' },
        'base-url': { type: 'string' },
        'send-anyway': { type: 'boolean' },
        out: { type: 'string' },
        'timeout-ms': { type: 'string' },
      },
    });
    if (!values.out) throw new CliUsageError('--out DIR is required (the session record, audio and report.json go there)');
    if (values.wav && values.text) throw new CliUsageError('--wav and --text: give one of them (a voice turn or a text turn)');
    const payload = values.body ? readJsonBody(values.body, io) : defaultPayload();
    if (values.text !== undefined && !values.text.trim()) throw new CliUsageError('--text: expected what the user says, got an empty string');
    // A text turn is the `text` action, whether the text comes from --text or asr_text in the body.
    const textTurn = values.text ?? (values.wav ? undefined : typeof payload.asr_text === 'string' ? payload.asr_text : undefined);
    delete payload.asr_text;
    const wav = values.wav ? resolve(io.cwd, values.wav) : undefined;
    if (wav && !existsSync(wav)) throw new CliUsageError(`--wav: no such file ${wav}`);
    if (!wav && textTurn === undefined) throw new CliUsageError('give --wav FILE (speech) or --text TEXT (or asr_text in --body)');
    const timeoutMs = values['timeout-ms'] === undefined ? 60_000 : Number(values['timeout-ms']);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) throw new CliUsageError(`--timeout-ms: expected an integer ≥ 1000, got "${values['timeout-ms']}"`);
    const baseUrl = parseBaseUrl(values['base-url'], { socket: true });

    const outDir = resolve(io.cwd, values.out);
    mkdirSync(outDir, { recursive: true });
    const run = await runOperation({
      vendorId: 'mindcraft',
      operationId: 'chat_bot_v3',
      payload,
      io,
      target: { target: parseTarget(values.target), profile: values.profile, baseUrl },
      outDir,
      sendAnyway: values['send-anyway'],
      input: wav ? { wav, realtime: values.realtime === true } : { text: textTurn },
      turnTimeoutMs: timeoutMs,
    });

    const result = run.outcome.result as ConversationResult | undefined;
    const turn = result?.turns[0] ?? null;
    const turnOk = turn?.state === 'done';
    const error: MindcraftReport['error'] =
      run.outcome.error ??
      turn?.error ??
      (run.driveError ? { code: 'TURN', message: run.driveError } : undefined) ??
      (turnOk ? undefined : { code: 'NO_ANSWER', message: turn ? `turn ended ${turn.state}` : 'no turn was started' });
    const artifacts = run.artifactsDir;
    const report: MindcraftReport = {
      ok: run.outcome.ok && turnOk && !error,
      sessionId: run.sessionId,
      sessionFile: run.sessionFile,
      target: parseTarget(values.target),
      metrics: {
        uploadStopToFirstAsrMs: turn?.metrics.firstAsrMs ?? null,
        uploadStopToFirstLlmMs: turn?.metrics.firstLlmMs ?? null,
        uploadStopToFirstTtsMs: turn?.metrics.firstTtsMs ?? null,
        uploadStopToFirstAudioReadyMs: turn?.metrics.firstAudioReadyMs ?? null,
        uploadStopToFirstAudibleMs: null,
        botAudioSeconds: turn?.metrics.botAudioSeconds ?? 0,
      },
      audioFiles: (turn?.segments ?? []).filter((s) => s.file).map((s) => join(artifacts, s.file!)),
      userAudioFile: turn?.userAudioFile ? join(artifacts, turn.userAudioFile) : null,
      turn,
      auth: result?.auth ?? null,
      placements: result?.placements ?? [],
      ...(error ? { error: { code: error.code, message: error.message, ...(error.requestId ? { requestId: error.requestId } : {}) } } : {}),
    };
    const text = JSON.stringify(report, null, 2) + '\n';
    writeFileSync(join(outDir, 'report.json'), text);
    io.stdout(text);
    if (!report.ok) io.stderr(`parley mindcraft: turn failed · ${report.error?.code}: ${report.error?.message}\n`);
    return report.ok ? 0 : 1;
  },
};

export const mindcraftCommands: CliCommand[] = [mindcraftCommand];
