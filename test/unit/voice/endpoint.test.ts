import { describe, expect, it } from 'vitest';
import { EnergyEndpointer, type EndpointEvent, type SpeechEnd } from '../../../src-main/core/voice/endpoint.ts';
import { levelDb } from '../../../src-main/core/voice/signal.ts';
import { addNoise, concat, gainDb, inChunks, noise, pinkNoise, readUtterance, resample, silence } from './fixtures.ts';

const RATE = 16000;
const ms = (samples: number, rate = RATE) => (samples * 1000) / rate;

function detect(samples: Int16Array, settings: { sampleRate?: number; silenceMs?: number } = {}, chunk = 320): EndpointEvent[] {
  const ep = new EnergyEndpointer({ sampleRate: RATE, ...settings });
  return [...inChunks(samples, chunk, (c) => ep.push(c)), ...ep.flush()];
}

const ends = (events: EndpointEvent[]) => events.filter((e): e is SpeechEnd => e.type === 'speechEnd');

/** The clean shipped utterances (trimmed at 1 % amplitude by make.sh, so speech fills the file). */
const CLEAN = [
  'hello-weather-en.wav',
  'hello-weather-zh.wav',
  'tell-joke-en.wav',
  'book-train-zh.wav',
  'thanks-bye-zh.wav',
  'robot-story-en.wav',
  'cat-story-zh.wav',
];

describe('end of speech in the shipped utterances', () => {
  it.each(CLEAN)('%s: one utterance, start and end on the file boundaries, ended silenceMs after its last sample', (file) => {
    const speech = readUtterance(file);
    const lead = RATE / 2;
    const events = detect(concat(silence(0.5, RATE), speech, silence(1.5, RATE)));
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
    const [start, end] = events as [EndpointEvent, SpeechEnd];
    expect(Math.abs(ms(start.atSample - lead))).toBeLessThanOrEqual(10);
    expect(Math.abs(ms(end.atSample - lead - speech.length))).toBeLessThanOrEqual(10);
    expect(end.reason).toBe('silence');
    // Decided at the first frame boundary at least 600 ms after the end.
    expect(ms(end.detectedAtSample - end.atSample)).toBeGreaterThanOrEqual(600);
    expect(ms(end.detectedAtSample - end.atSample)).toBeLessThan(610);
  });

  it('speech that starts with the stream is found from its first sample, once the first 500 ms are in', () => {
    const speech = readUtterance('robot-story-en.wav');
    const events = detect(concat(speech, silence(1, RATE)));
    expect(events.map((e) => [e.type, e.atSample])).toEqual([
      ['speechStart', 0],
      ['speechEnd', speech.length],
    ]);
    expect(events[0]!.detectedAtSample).toBe(RATE / 2);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    const stream = concat(silence(0.3, RATE), readUtterance('table-pause-en.wav'), silence(1, RATE));
    const whole = detect(stream, {}, stream.length);
    expect(whole).toHaveLength(4);
    for (const chunk of [1, 7, 160, 441, 4096]) expect(detect(stream, {}, chunk)).toEqual(whole);
  });

  it('finds the same end at 8 kHz and 48 kHz as at 16 kHz (within a frame)', () => {
    const speech = readUtterance('hello-weather-en.wav');
    const stream = concat(silence(0.5, RATE), speech, silence(1, RATE));
    const reference = ends(detect(stream))[0]!;
    for (const rate of [8000, 48000]) {
      const [end] = ends(detect(resample(stream, RATE, rate), { sampleRate: rate }));
      expect(Math.abs(ms(end!.atSample, rate) - ms(reference.atSample))).toBeLessThanOrEqual(10);
    }
  });

  it('finds the end of quiet speech (−12 dB) within 30 ms', () => {
    for (const file of ['tell-joke-en.wav', 'robot-story-en.wav']) {
      const speech = gainDb(readUtterance(file), -12);
      const [end] = ends(detect(concat(silence(0.5, RATE), speech, silence(1, RATE))));
      expect(Math.abs(ms(end!.atSample - RATE / 2 - speech.length))).toBeLessThanOrEqual(30);
    }
  });
});

describe('the silence setting and a pause mid-sentence', () => {
  // table-pause-en.wav: "Please book a table for two, [800 ms of silence] at seven in the evening."
  const speech = readUtterance('table-pause-en.wav');
  const stream = concat(silence(0.5, RATE), speech, silence(1.5, RATE));

  it('a pause shorter than silenceMs (Tencent VadSilenceTime default 1000 ms) stays inside the utterance', () => {
    const events = detect(stream, { silenceMs: 1000 });
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
    expect(Math.abs(ms(ends(events)[0]!.atSample - RATE / 2 - speech.length))).toBeLessThanOrEqual(10);
  });

  it('a pause longer than silenceMs (600 ms, the default) ends the utterance: two utterances, 800 ms apart', () => {
    const events = detect(stream);
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd', 'speechStart', 'speechEnd']);
    const gap = ms(events[2]!.atSample - events[1]!.atSample);
    expect(gap).toBeGreaterThan(790);
    expect(gap).toBeLessThan(830);
  });

  it('follows a silence setting changed mid-stream', () => {
    const ep = new EnergyEndpointer({ sampleRate: RATE, silenceMs: 600 });
    const first = ep.push(stream.subarray(0, RATE));
    ep.update({ silenceMs: 1000 });
    expect(ep.silenceMs).toBe(1000);
    const events = [...first, ...ep.push(stream.subarray(RATE)), ...ep.flush()];
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
  });
});

describe('noise', () => {
  it('the noisy utterance in continuing pink noise: speech found between its noise lead-in and tail', () => {
    // kitchen-lights-noisy-en.wav: pink noise from 0.3 s before the speech to 0.3 s after it, at 15 dB SNR.
    const file = readUtterance('kitchen-lights-noisy-en.wav');
    const level = levelDb(file, 0, 0.25 * RATE);
    const lead = 2 * RATE;
    const events = detect(concat(pinkNoise(lead, level, 3), file, pinkNoise(2 * RATE, level, 4)));
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
    const speechStart = lead + 0.3 * RATE;
    const speechEnd = lead + file.length - 0.3 * RATE;
    expect(Math.abs(ms(events[0]!.atSample - speechStart))).toBeLessThanOrEqual(100);
    expect(Math.abs(ms(events[1]!.atSample - speechEnd))).toBeLessThanOrEqual(50);
  });

  it('speech at 10 dB SNR in white noise: one utterance, ended within 200 ms of the truth (weak tails drown)', () => {
    for (const file of CLEAN) {
      const speech = readUtterance(file);
      const background = levelDb(speech) - 10;
      const events = detect(concat(noise(RATE, background, 2), addNoise(speech, 10), noise(2 * RATE, background, 3)));
      expect(
        events.map((e) => e.type),
        file,
      ).toEqual(['speechStart', 'speechEnd']);
      expect(ms(events[1]!.atSample - RATE - speech.length), file).toBeLessThanOrEqual(10);
      expect(ms(events[1]!.atSample - RATE - speech.length), file).toBeGreaterThanOrEqual(-200);
    }
  });

  it('steady noise, loud or quiet, white or pink, is not speech', () => {
    expect(detect(noise(5 * RATE, -25, 5))).toEqual([]);
    expect(detect(pinkNoise(5 * RATE, -30, 6))).toEqual([]);
    expect(detect(silence(3, RATE))).toEqual([]);
  });

  it('a click shorter than minSpeechMs is not speech; a longer sound is', () => {
    expect(detect(concat(silence(1, RATE), noise(0.05 * RATE, -20), silence(1, RATE)))).toEqual([]);
    expect(detect(concat(silence(1, RATE), noise(0.2 * RATE, -20), silence(1, RATE))).map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
  });
});

describe('stream end and settings', () => {
  it('flush ends speech still going on, at its last loud sample', () => {
    const speech = readUtterance('tell-joke-en.wav');
    const ep = new EnergyEndpointer({ sampleRate: RATE });
    expect(ep.push(concat(silence(0.2, RATE), speech, silence(0.3, RATE))).map((e) => e.type)).toEqual(['speechStart']);
    expect(ep.speaking).toBe(true);
    const [end] = ep.flush() as SpeechEnd[];
    expect(end).toMatchObject({ type: 'speechEnd', reason: 'stream-end' });
    expect(Math.abs(ms(end!.atSample - 0.2 * RATE - speech.length))).toBeLessThanOrEqual(10);
    expect(ep.speaking).toBe(false);
    expect(ep.flush()).toEqual([]);
  });

  it('rejects impossible settings with the field in the message', () => {
    expect(() => new EnergyEndpointer({ sampleRate: 0 })).toThrow(/sampleRate must be 1000-384000 Hz, got 0/);
    expect(() => new EnergyEndpointer({ sampleRate: RATE, silenceMs: -1 })).toThrow(/silenceMs must be 0 to 60000 ms, got -1/);
    expect(() => new EnergyEndpointer({ sampleRate: RATE, marginDb: Number.NaN })).toThrow(/marginDb/);
    const ep = new EnergyEndpointer({ sampleRate: RATE });
    expect(() => ep.update({ silenceMs: 70_000 })).toThrow(/silenceMs/);
    expect(ep.silenceMs).toBe(600);
  });
});
