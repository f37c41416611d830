import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MindcraftReport } from '../../../src-main/core/vendors/mindcraft/cli.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function parley(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/parley.mjs'), ...args],
      { cwd: ROOT, env: { ...process.env, PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-cli-data-')), ...env }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('parley mindcraft', () => {
  it('--wav: one voice turn against the in-process sandbox writes the record, audio and report.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'parley-mc-cli-'));
    const key = 'sandbox-mindcraft-key-0001';
    const { code, stdout, stderr } = await parley(['mindcraft', '--wav', 'resources/utterances/hello-weather-en.wav', '--out', out], {
      PARLEY_MINDCRAFT_API_KEY: key,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as MindcraftReport;
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(report);
    expect(report.ok).toBe(true);
    expect(report.turn!.asrText).toBe('Hello, what is the weather like today?');
    for (const k of ['uploadStopToFirstAsrMs', 'uploadStopToFirstLlmMs', 'uploadStopToFirstTtsMs', 'uploadStopToFirstAudioReadyMs'] as const)
      expect(report.metrics[k]).toBeGreaterThan(0);
    expect(report.metrics.botAudioSeconds).toBe(9.8);
    expect(report.audioFiles.map((f) => f.replace(/^.*\//, ''))).toEqual(['turn-1-bot-000.mp3', 'turn-1-bot-001.mp3', 'turn-1-bot-002.mp3']);
    for (const f of report.audioFiles) expect(readFileSync(f).length).toBeGreaterThan(1000);
    expect(existsSync(report.userAudioFile!)).toBe(true);
    const record = readFileSync(report.sessionFile, 'utf8');
    // The recognised text came in the llm outputs' asr_content, as in the document's stream (no separate ASR message).
    const kinds = record
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).kind);
    expect(kinds).toEqual(expect.arrayContaining(['mindcraft.llm', 'mindcraft.tts', 'audio.segment', 'metric', 'session.end']));
    expect(kinds).not.toContain('mindcraft.asr');
    expect(record).not.toContain(key);
  });

  it('--text with a --body, and a bad key exits 1 with the vendor error in the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'parley-mc-cli-'));
    const body = join(out, 'body.json');
    writeFileSync(body, JSON.stringify({ agent_name: 'chat_bot_v3', mode: 'pro', voice_id: 'female-tianmei', language: 'zh', emotion_output: false }));
    const ok = await parley(['mindcraft', '--text', 'hi', '--body', body, '--out', out]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as MindcraftReport;
    expect(report.turn).toMatchObject({ kind: 'text', state: 'done' });
    expect(report.turn!.emotion).toBeUndefined(); // emotion_output: false
    expect(report.turn!.segments[0]!.text).toBe('你好!我是 Parley 沙盒。');

    const bad = await parley(['mindcraft', '--text', 'hi', '--out', out], { PARLEY_MINDCRAFT_API_KEY: 'sk-not-the-sandbox-key-1234' });
    expect(bad.code).toBe(1);
    const failed = JSON.parse(bad.stdout) as MindcraftReport;
    expect(failed).toMatchObject({ ok: false, error: { code: '2004', message: 'token invalid or expired: check the API key' }, audioFiles: [] });
    expect(bad.stderr).toContain('2004: token invalid or expired');
    expect(readFileSync(failed.sessionFile, 'utf8')).not.toContain('sk-not-the-sandbox-key-1234');
  });

  it('usage errors exit 2 and name the option', async () => {
    expect(await parley(['mindcraft', '--text', 'hi'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--out DIR is required') });
    expect(await parley(['mindcraft', '--out', '/tmp/x', '--wav', 'a.wav', '--text', 'b'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give one of them'),
    });
    expect(await parley(['mindcraft', '--out', '/tmp/x', '--wav', 'nope.wav'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--wav: no such file'),
    });
    expect(await parley(['mindcraft', '--out', '/tmp/x', '--text', 'hi', '--target', 'moon'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--target: expected sandbox or live'),
    });
  });
});
