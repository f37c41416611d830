import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav, parseWav } from '../../../src-main/core/audio/wav.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { mishearText, speechPlaceholder, UtteranceRecogniser } from '../../../src-main/core/voice/recognise.ts';
import { scoreRecognition } from '../../../src-main/core/voice/accuracy.ts';
import { addNoise, concat, gainDb, noise, resample, silence } from './fixtures.ts';

const { utterances, replies, recogniser } = shippedVoice();
const RATE = 16000;
const ids = utterances.map((u) => u.id);

const hasFfmpeg = (() => {
  try {
    return execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).includes('libopus');
  } catch {
    return false;
  }
})();
const work = mkdtempSync(join(tmpdir(), 'parley-recognise-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Through Opus at 16 kb/s and back (what a WebRTC leg does to the audio), with ffmpeg's libopus. */
function throughOpus(samples: Int16Array, name: string): Int16Array {
  const wav = join(work, `${name}.wav`);
  writeFileSync(wav, encodeWav(samples, RATE));
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', wav, '-c:a', 'libopus', '-b:a', '16k', join(work, `${name}.opus`)]);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', join(work, `${name}.opus`), '-ar', String(RATE), '-ac', '1', join(work, `${name}.out.wav`)]);
  return parseWav(readFileSync(join(work, `${name}.out.wav`))).samples;
}

describe('each shipped utterance is recognised', () => {
  it('the library has the utterances the scenarios need', () => {
    expect(ids).toEqual(expect.arrayContaining(['hello-weather-en', 'hello-weather-zh', 'tell-joke-en', 'book-train-zh', 'thanks-bye-zh', 'robot-story-en', 'cat-story-zh', 'kitchen-lights-noisy-en', 'table-pause-en']));
  });

  describe.each(utterances.map((u) => [u.id, u] as const))('%s', (id, u) => {
    const speech = u.audio.samples;
    const cases: [string, () => { samples: Int16Array; sampleRate: number }][] = [
      ['as shipped', () => ({ samples: speech, sampleRate: RATE })],
      ['resampled to 8 kHz', () => ({ samples: resample(speech, RATE, 8000), sampleRate: 8000 })],
      ['resampled to 48 kHz', () => ({ samples: resample(speech, RATE, 48000), sampleRate: 48000 })],
      ['at −12 dB', () => ({ samples: gainDb(speech, -12), sampleRate: RATE })],
      ['with white noise at +10 dB SNR', () => ({ samples: addNoise(speech, 10, 7), sampleRate: RATE })],
      ['with 0.3 s of silence before and 0.4 s after', () => ({ samples: concat(silence(0.3, RATE), speech, silence(0.4, RATE)), sampleRate: RATE })],
    ];
    it.each(cases)('%s', (_, make) => {
      const r = recogniser.recognise(make());
      expect(r.utterance?.id).toBe(id);
      expect(r).toMatchObject({ text: u.text, language: u.language, misheard: false });
      expect(r.score).toBeGreaterThanOrEqual(0.8);
    });

    it.skipIf(!hasFfmpeg)('through Opus at 16 kb/s (ffmpeg libopus)', () => {
      expect(recogniser.recognise({ samples: throughOpus(speech, id), sampleRate: RATE }).utterance?.id).toBe(id);
    });
  });
});

describe('anything else is not', () => {
  it.each(replies.map((r) => [r.id, r] as const))('the bot reply %s is unknown speech, transcribed with its duration', (_, reply) => {
    const r = recogniser.recognise(reply.audio);
    expect(r.utterance).toBeNull();
    expect(r.language).toBeNull();
    expect(r.text).toMatch(/^\[speech \d+\.\d s\]$/);
    expect(Math.abs(r.speechSeconds - reply.audio.samples.length / reply.audio.sampleRate)).toBeLessThan(0.1);
    expect(r.text).toBe(speechPlaceholder(r.speechSeconds));
  });

  it('an utterance played backwards (same length, level and spectrum) is unknown', () => {
    for (const u of utterances) expect(recogniser.recognise({ samples: u.audio.samples.slice().reverse(), sampleRate: RATE }).utterance, u.id).toBeNull();
  });

  it('half of the pause utterance (what a 600 ms silence setting cuts off) is unknown', () => {
    const pause = utterances.find((u) => u.id === 'table-pause-en')!.audio.samples;
    const r = recogniser.recognise({ samples: pause.subarray(0, Math.round(1.7 * RATE)), sampleRate: RATE });
    expect(r.utterance).toBeNull();
    expect(r.text).toMatch(/^\[speech 1\.\d s\]$/);
  });

  it('silence and faint hiss are no speech at all: empty text', () => {
    for (const samples of [silence(2, RATE), noise(2 * RATE, -70, 3), new Int16Array(0)])
      expect(recogniser.recognise({ samples, sampleRate: RATE })).toEqual({ utterance: null, text: '', language: null, score: 0, speechSeconds: 0, misheard: false });
  });

  it('formats the placeholder with one decimal', () => {
    expect(speechPlaceholder(2.14)).toBe('[speech 2.1 s]');
    expect(speechPlaceholder(2.06)).toBe('[speech 2.1 s]');
    expect(speechPlaceholder(0.04)).toBe('[speech 0.0 s]');
  });

  it('an empty library recognises nothing', () => {
    const empty = new UtteranceRecogniser([]);
    expect(empty.recognise(utterances[0]!.audio).utterance).toBeNull();
  });
});

describe('mishear', () => {
  it('returns a wrong transcript for the right utterance, the same every time, far over any CER/WER budget', () => {
    for (const u of utterances) {
      const r = recogniser.recognise(u.audio, { mishear: true });
      expect(r).toMatchObject({ misheard: true, language: u.language });
      expect(r.utterance?.id).toBe(u.id);
      expect(r.text).not.toBe(u.text);
      expect(recogniser.recognise(u.audio, { mishear: true }).text).toBe(r.text);
      expect(scoreRecognition(u.text, r.text, { language: u.language }).rate, u.id).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('replaces every second Han character in Chinese, drops and replaces words in English', () => {
    // Han characters 你 好 今 天 天 气 怎 么 样: the 2nd, 4th, 6th and 8th (好 天 气 么) become the 2nd, 4th, 6th and
    // 8th of the replacement list 的一是不了人我在有… counted from 0 (是 了 我 有)
    expect(mishearText('你好,今天天气怎么样?', 'zh')).toBe('你是,今了天我怎有样?');
    // words: Hello,(0) what(1, dropped) is(2 → list[2] "to") the(3) weather(4, dropped) like(5 → list[5] "in") today?(6)
    expect(mishearText('Hello, what is the weather like today?', 'en')).toBe('Hello, to the in today?');
  });
});
