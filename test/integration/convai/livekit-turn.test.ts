import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParley } from '../support/parley-cli.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { parseWav } from '../../../src-main/core/audio/wav.ts';
import { speechBounds } from '../../../src-main/core/livekit/audio-meter.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import type { RoomTurnFigures } from '../../../src-main/core/vendors/convai/livekit-turn.ts';
import type { RunReport } from '../../../src-main/core/workflows/report.ts';
import { SANDBOX_CHARACTER_ID } from '../../../src-main/core/vendors/convai/common/schema.ts';
import { SANDBOX_API_KEY } from '../../../src-main/core/vendors/convai/sandbox.ts';
import { liveKitEnv } from '../support/livekit.ts';

// Headless Convai voice turns on the real path: the CLI as a child process starts the sandbox, whose livekit-server
// and character run in the LiveKit worker; Parley's own participant (@livekit/rtc-node) joins, speaks the WAV in real
// time and hears the answer over WebRTC. No browser anywhere.
const voice = shippedVoice();
const reply = (id: string) => voice.replies.find((r) => r.id === id)!;
const env = liveKitEnv();

describe('Convai voice turns without a browser (LiveKit, real WebRTC)', () => {
  it('parley convai turn: the answer heard and recorded, the transcriptions, every figure; then interrupted by speech and by message', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-lk-turn-'));
    const wav = resourcePath('utterances', 'hello-weather-en.wav');
    const r = await runParley(cwd, ['convai', 'turn', '--wav', wav, '--out', 'out'], env);
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout) as RoomTurnFigures;
    expect(f).toMatchObject({
      transport: 'livekit',
      recognisedText: 'Hello, what is the weather like today?',
      botText: reply('weather-en').text,
      interruptionRecoveryMs: null,
    });
    for (const k of ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'responseLatencyMs', 'botAudioS'] as const) expect(f[k], k).toBeGreaterThan(0);
    // The bot answers silenceMs (600) + thinkMs (800) after the end of the speech; WebRTC adds its transport delay.
    expect(f.responseLatencyMs!).toBeGreaterThanOrEqual(1400);
    expect(f.responseLatencyMs!).toBeLessThan(2400);
    // From the WAV's first sample: the speech (2.5 s), then the answer.
    expect(f.firstAudioMs! - f.responseLatencyMs!).toBeGreaterThan(2000);
    const replySeconds = reply('weather-en').audio.samples.length / 16000;
    expect(Math.abs(f.botAudioS! - replySeconds)).toBeLessThan(0.5);

    // What was heard is the answer: a WAV of it, audible for about as long as the reply.
    const audioFile = r.stderr.match(/bot audio: (\S+)/)![1]!;
    const heard = parseWav(readFileSync(audioFile));
    const bounds = speechBounds(heard.samples)!;
    expect(heard.sampleRate).toBe(16000);
    expect(Math.abs((bounds.end - bounds.start) / 16000 - replySeconds)).toBeLessThan(0.5);

    const record = readFileSync(r.stderr.match(/record: (\S+)/)![1]!, 'utf8');
    const kinds = record
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'convai.connected',
        'room.joined',
        'convai.bot-ready',
        'convai.user-transcription',
        'convai.bot-started-speaking',
        'convai.bot-stopped-speaking',
        'turn.figures',
      ]),
    );
    expect(record).not.toContain(SANDBOX_API_KEY);

    for (const by of ['speech', 'message'] as const) {
      const i = await runParley(
        cwd,
        ['convai', 'turn', '--wav', resourcePath('utterances', 'robot-story-en.wav'), '--interrupt-after', '1000', '--interrupt-by', by, '--out', 'out'],
        env,
      );
      expect(i.code, i.stderr).toBe(0);
      const fi = JSON.parse(i.stdout) as RoomTurnFigures;
      // Speech over the answer is found after 100 ms of it, plus both ways through WebRTC; a message is quicker.
      expect(fi.interruptionRecoveryMs, by).toBeGreaterThan(0);
      expect(fi.interruptionRecoveryMs!, by).toBeLessThan(by === 'speech' ? 600 : 400);
      expect(fi.botAudioS!, by).toBeLessThan(2);
      const rec = readFileSync(i.stderr.match(/record: (\S+)/)![1]!, 'utf8');
      if (by === 'message') expect(rec).toMatch(/"kind":"convai.server-response".*interrupt-bot → success · bot interrupted/);
    }
  }, 120_000);

  it('a text turn (user_text_message), and a usage error for both inputs at once', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-lk-text-'));
    const r = await runParley(cwd, ['convai', 'turn', '--text', 'Tell me a short joke, please.', '--out', 'out'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ transport: 'livekit', recognisedText: 'Tell me a short joke, please.', botText: reply('joke-en').text });
    const both = await runParley(cwd, ['convai', 'turn', '--text', 'x', '--wav', 'y.wav'], env);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('expected one of --wav FILE (your speech) or --text TEXT')]);
  }, 60_000);

  it('parley run: a Convai case is a full voice turn headless, checked and reported like any other', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-lk-run-'));
    mkdirSync(join(cwd, 'cases'));
    copyFileSync(resourcePath('utterances', 'hello-weather-zh.wav'), join(cwd, 'cases', 'weather-zh.wav'));
    writeFileSync(
      join(cwd, 'cases', 'weather.parley-case.json'),
      JSON.stringify({
        version: 1,
        name: 'weather in Chinese',
        vendor: 'convai',
        operation: 'connect',
        payload: {
          character_id: SANDBOX_CHARACTER_ID,
          audio_config: { output: { audio_routing: 'data_only', max_chunk_duration_ms: 45, add_wav_header: true } },
        },
        input: { wav: 'weather-zh.wav' },
        expectations: { eventKinds: ['convai.audio-data', 'convai.bot-stopped-speaking'], latencyBudgetsMs: { turn_latency_ms: 5000 } },
      }),
    );
    const r = await runParley(cwd, ['run', 'cases', '--out', 'out'], env);
    expect(r.stdout, r.stderr).toMatch(/^1 passed, 0 failed, 0 errors/m);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'out', 'report.json'), 'utf8')) as RunReport;
    const run = report.results[0]!;
    expect(run.figures!.turn_latency_ms as number).toBeGreaterThan(1400);
    expect(run.figures!.first_audio_ms as number).toBeGreaterThan(run.figures!.turn_latency_ms as number);
    expect(run.figures!.transcript).toBe('你好,今天天气怎么样?');
    // data_only: the answer came as 50 ms chunks with WAV headers, and that is what was recorded.
    const events = readFileSync(run.sessionFile!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; summary: string });
    const chunks = events.filter((e) => e.kind === 'convai.audio-data');
    expect(chunks.length).toBeGreaterThan(20);
    expect(chunks.slice(0, -1).every((c) => c.summary === 'audio 50 ms · 16000 Hz · mono · WAV header stripped')).toBe(true);
    expect(chunks.at(-1)!.summary).toMatch(/^audio ([1-4]0|50) ms · 16000 Hz · mono · WAV header stripped$/);
    expect(existsSync(join(run.sessionFile!.replace(/\.ndjson$/, ''), 'bot-audio.wav'))).toBe(true);
  }, 90_000);
});
