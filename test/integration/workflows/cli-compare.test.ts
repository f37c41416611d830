import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParley } from '../support/parley-cli.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { liveKitServer } from '../support/livekit.ts';

/** `parley compare` of the four sandboxes, in parallel, twice: every figure for every vendor, or null with a why. */
describe('parley compare (child process, real sandboxes, headless turn agent)', () => {
  it('writes compare.json with the figures, texts and transport of every run of every vendor', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-compare-'));
    copyFileSync(resourcePath('utterances', 'hello-weather-en.wav'), join(cwd, 'hello.wav'));
    const reference = shippedVoice().utterances.find((u) => u.id === 'hello-weather-en')!.text;
    const r = await runParley(
      cwd,
      [
        'compare',
        '--vendors',
        'convai,netease,mindcraft,tencent',
        '--wav',
        'hello.wav',
        '--reference',
        reference,
        '--repeat',
        '2',
        '--parallel',
        '--out',
        'out',
      ],
      {
        PARLEY_LIVEKIT_SERVER: process.env.PARLEY_LIVEKIT_SERVER ?? liveKitServer(),
      },
    );
    expect(r.stdout + r.stderr).toMatch(/8 of 8 runs ok/);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(cwd, 'out', 'compare.json'), 'utf8'));
    const transports: Record<string, string> = { convai: 'livekit', netease: 'sandbox-room', mindcraft: 'socket', tencent: 'sandbox-room' };
    for (const vendor of ['convai', 'netease', 'mindcraft', 'tencent']) {
      const runs = json.vendors[vendor].runs;
      // CER/WER per vendor over its runs, beside the per-run scores.
      expect(json.vendors[vendor].recognition, vendor).toMatchObject({ metric: 'wer', n: 2, median: expect.any(Number), p90: expect.any(Number) });
      expect(runs.map((x: { repetition: number }) => x.repetition)).toEqual([1, 2]);
      for (const run of runs) {
        for (const f of ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'responseLatencyMs', 'botAudioS'])
          expect(run[f], `${vendor} ${f}: ${run.why[f]}`).toEqual(expect.any(Number));
        expect(run.interruptionRecoveryMs).toBeNull();
        expect(run.why.interruptionRecoveryMs).toBeTruthy();
        expect(run.transport).toBe(transports[vendor]);
        expect(run.recognisedText, vendor).toBeTruthy();
        expect(run.botText, vendor).toBeTruthy();
        // Loopback transports carry the speech unchanged; over WebRTC (Convai) a busy machine can make it unrecognisable.
        if (vendor !== 'convai') expect(run.recognition.rate, vendor).toBe(0);
        else expect(run.recognition.rate).toEqual(expect.any(Number));
      }
    }
    // Tencent's 10020 figures are under `vendor`, apart from the measured ones.
    expect(Object.keys(json.vendors.tencent.runs[0].vendor)).toEqual(expect.arrayContaining(['asr_latency', 'llm_first_token']));
  }, 240_000);

  it('usage errors exit 2 and say what to give', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-compare-'));
    const none = await runParley(cwd, ['compare', '--vendors', 'tencent']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--wav FILE/);
    const bad = await runParley(cwd, ['compare', '--vendors', 'skype', '--wav', 'x.wav']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"skype" is not a vendor/);
  });
});
