import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav, parseWav } from '../../../src-main/core/audio/wav.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { mishearText, speechPlaceholder, UtteranceRecogniser } from '../../../src-main/core/voice/recognise.ts';
import { scoreRecognition } from '../../../src-main/core/voice/accuracy.ts';
import { addNoise, concat, gainDb, noise, resample, silence, withDropouts } from './fixtures.ts';

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
const hasSox = (() => {
  try {
    execFileSync('sox', ['--version'], { encoding: 'utf8' });
    return true;
  } catch {
    return false;
  }
})();
const work = mkdtempSync(join(tmpdir(), 'parley-recognise-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Through Opus and back (what a WebRTC leg does to the audio), with ffmpeg's libopus: 20 ms frames at `kbps`, the
 * encoder told to expect `lossPercent` packet loss (it then spends bits on in-band redundancy, as WebRTC's does).
 */
function throughOpus(samples: Int16Array, name: string, kbps = 16, lossPercent = 0): Int16Array {
  const wav = join(work, `${name}.wav`);
  writeFileSync(wav, encodeWav(samples, RATE));
  execFileSync('ffmpeg', [
    '-y',
    '-loglevel',
    'error',
    '-i',
    wav,
    '-c:a',
    'libopus',
    '-b:a',
    `${kbps}k`,
    '-frame_duration',
    '20',
    '-packet_loss',
    String(lossPercent),
    join(work, `${name}.opus`),
  ]);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', join(work, `${name}.opus`), '-ar', String(RATE), '-ac', '1', join(work, `${name}.out.wav`)]);
  return parseWav(readFileSync(join(work, `${name}.out.wav`))).samples;
}

/** Faster (tempo > 1) or slower, pitch kept (sox's WSOLA `tempo`, no dither so runs repeat; what a jitter buffer's accelerate/expand does). */
function withTempo(samples: Int16Array, name: string, tempo: number): Int16Array {
  const wav = join(work, `${name}.wav`);
  writeFileSync(wav, encodeWav(samples, RATE));
  execFileSync('sox', ['-D', wav, join(work, `${name}.tempo.wav`), 'tempo', '-s', String(tempo)]);
  return parseWav(readFileSync(join(work, `${name}.tempo.wav`))).samples;
}

describe('each shipped utterance is recognised', () => {
  it('the library has the utterances the scenarios need', () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        'hello-weather-en',
        'hello-weather-zh',
        'tell-joke-en',
        'book-train-zh',
        'thanks-bye-zh',
        'robot-story-en',
        'cat-story-zh',
        'kitchen-lights-noisy-en',
        'table-pause-en',
      ]),
    );
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

    it.skipIf(!hasFfmpeg)('through Opus at 12 kb/s, 20 ms frames, coded for 5 % packet loss', () => {
      expect(recogniser.recognise({ samples: throughOpus(speech, `${id}-12k`, 12, 5), sampleRate: RATE }).utterance?.id).toBe(id);
    });

    it.skipIf(!hasSox).each([1.12, 0.88])('time-stretched to tempo %s (pitch kept)', (tempo) => {
      const r = recogniser.recognise({ samples: withTempo(speech, `${id}-${tempo}`, tempo), sampleRate: RATE });
      expect(r.utterance?.id).toBe(id);
      expect(r.speechSeconds / (speech.length / RATE)).toBeCloseTo(1 / tempo, 0);
    });

    it('with five 60-120 ms dropouts (gaps of zeros)', () => {
      expect(recogniser.recognise({ samples: withDropouts(speech, RATE, 5, 3), sampleRate: RATE }).utterance?.id).toBe(id);
    });

    it.skipIf(!hasFfmpeg || !hasSox)('all at once: slowed by 12 %, three dropouts, Opus at 12 kb/s', () => {
      const degraded = throughOpus(withDropouts(withTempo(speech, `${id}-all`, 0.88), RATE, 3, 11), `${id}-all`, 12, 5);
      expect(recogniser.recognise({ samples: degraded, sampleRate: RATE }).utterance?.id).toBe(id);
    });
  });
});

describe('real WebRTC captures (a LiveKit room on a busy 2-core machine, see captures/README.md)', () => {
  const capture = (file: string) => {
    const wav = parseWav(readFileSync(join(import.meta.dirname, 'captures', file)));
    return { samples: wav.samples, sampleRate: wav.sampleRate };
  };
  it.each(['hello-weather-zh', 'hello-weather-en', 'thanks-bye-zh', 'table-pause-en'])('%s as the character heard it is recognised', (id) => {
    const r = recogniser.recognise(capture(`${id}.livekit.wav`));
    expect(r.utterance?.id).toBe(id);
    expect(r.score).toBeGreaterThanOrEqual(0.8);
  });

  it('the bot reply as the user heard it over the room is unknown speech', () => {
    const r = recogniser.recognise(capture('reply-weather-zh.livekit.wav'));
    expect(r.utterance).toBeNull();
    expect(r.text).toMatch(/^\[speech 5\.\d s\]$/);
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

  // One test per reply and tempo: each is a sox run and a recognition, so none grows with the library.
  it.skipIf(!hasSox).each(replies.flatMap((r) => [0.88, 1.12].map((tempo) => [r.id, tempo, r] as const)))(
    'the bot reply %s stays unknown at tempo %s too (time warping does not make other speech match)',
    (id, tempo, reply) => {
      const samples = withTempo(resample(reply.audio.samples, reply.audio.sampleRate, RATE), `reply-${id}-${tempo}`, tempo);
      expect(recogniser.recognise({ samples, sampleRate: RATE }).utterance).toBeNull();
    },
  );

  it('the same utterance is far nearer its own template than any other speech: distances separate by a wide gap', () => {
    const own = utterances.map(
      (u) => recogniser.distances({ samples: withDropouts(u.audio.samples, RATE, 5, 3), sampleRate: RATE }).find((d) => d.id === u.id)!.distance,
    );
    const others = replies.flatMap((r) => recogniser.distances(r.audio).map((d) => d.distance));
    expect(Math.max(...own)).toBeLessThan(0.7 * Math.min(...others));
  });

  it('half of the pause utterance (what a 600 ms silence setting cuts off) is unknown', () => {
    const pause = utterances.find((u) => u.id === 'table-pause-en')!.audio.samples;
    const r = recogniser.recognise({ samples: pause.subarray(0, Math.round(1.7 * RATE)), sampleRate: RATE });
    expect(r.utterance).toBeNull();
    expect(r.text).toMatch(/^\[speech 1\.\d s\]$/);
  });

  it('silence and faint hiss are no speech at all: empty text', () => {
    for (const samples of [silence(2, RATE), noise(2 * RATE, -70, 3), new Int16Array(0)])
      expect(recogniser.recognise({ samples, sampleRate: RATE })).toEqual({
        utterance: null,
        text: '',
        language: null,
        score: 0,
        speechSeconds: 0,
        misheard: false,
      });
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
