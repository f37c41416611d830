import { describe, expect, it } from 'vitest';
import { SandboxBot, type BotEvent, type BotEventOf, type BotEventType, type SandboxBotOptions } from '../../../src-main/core/voice/bot.ts';
import { VirtualClock } from '../../../src-main/core/voice/clock.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { scoreRecognition } from '../../../src-main/core/voice/accuracy.ts';
import { resample } from './fixtures.ts';

const voice = shippedVoice();
const RATE = 16000;
const CHUNK_MS = 20;

const speech = (id: string) => voice.utterances.find((u) => u.id === id)!.audio.samples;
const replyOf = (id: string) => voice.replies.find((r) => r.id === id)!;

/** A conversation on virtual time: the user's audio is pushed in 20 ms chunks as the clock advances. */
class Conversation {
  readonly clock = new VirtualClock(1000);
  readonly bot: SandboxBot;
  readonly events: BotEvent[] = [];
  /** Clock time at which each event was emitted. */
  readonly emittedAt: number[] = [];
  readonly rate: number;

  constructor(options: Partial<SandboxBotOptions> = {}, rate = RATE) {
    this.rate = rate;
    this.bot = new SandboxBot({ recogniser: voice.recogniser, replies: voice.replyTable, clock: this.clock, ...options });
    this.bot.subscribe((e) => {
      this.events.push(e);
      this.emittedAt.push(this.clock.now());
    });
  }

  /** Say `samples` (at this.rate) in real time; returns the clock time its last sample arrived. */
  say(samples: Int16Array): number {
    const chunk = Math.round((this.rate * CHUNK_MS) / 1000);
    for (let o = 0; o < samples.length; o += chunk) {
      const part = samples.subarray(o, Math.min(samples.length, o + chunk));
      this.clock.advance((part.length * 1000) / this.rate);
      this.bot.pushUserAudio(part, this.rate);
    }
    return this.clock.now();
  }

  /** Quiet on the line for `ms` (the microphone keeps sending silence). */
  quiet(ms: number): void {
    this.say(new Int16Array(Math.round((ms * this.rate) / 1000)));
  }

  /** Let the clock run (silence on the line) until an event of `type` has happened `count` times in all. */
  until<K extends BotEventType>(type: K, count = 1, limitMs = 60_000): BotEventOf<K> {
    const end = this.clock.now() + limitMs;
    while (this.all(type).length < count) {
      if (this.clock.now() > end) throw new Error(`no ${type} #${count} within ${limitMs} ms; events: ${this.events.map((e) => e.type).join(', ')}`);
      this.quiet(CHUNK_MS);
    }
    return this.all(type)[count - 1]!;
  }

  all<K extends BotEventType>(type: K): BotEventOf<K>[] {
    return this.events.filter((e): e is BotEventOf<K> => e.type === type);
  }

  /**
   * Every event carries its clock time: the time it was emitted, except the user's speech events, which carry the
   * time the speech started or ended (earlier; userSpeechEnded says when the end was detected).
   */
  checkTimes(): void {
    this.events.forEach((e, i) => {
      if (e.type === 'userSpeechStarted') expect(e.atMs).toBeLessThan(this.emittedAt[i]!);
      else if (e.type === 'userSpeechEnded') expect([e.atMs < e.detectedAtMs, e.detectedAtMs]).toEqual([true, this.emittedAt[i]]);
      else expect(e.atMs, e.type).toBe(this.emittedAt[i]);
    });
  }

  turnEvents(turn: number): BotEvent[] {
    return this.events.filter((e) => e.turn === turn);
  }
}

describe('one turn', () => {
  it('hears the end, recognises the utterance, answers with the reply audio exactly thinkMs after the end is detected', () => {
    const c = new Conversation({ settings: { thinkMs: 800 } });
    c.quiet(500);
    const spokenTo = c.say(speech('hello-weather-en'));
    c.until('botAudioEnded');
    const types = c.events.map((e) => e.type).filter((t, i, all) => t !== 'botAudio' || all[i - 1] !== 'botAudio');
    expect(types).toEqual(['userSpeechStarted', 'userSpeechEnded', 'recognised', 'thinking', 'reply', 'botAudio', 'botAudioEnded']);
    const ended = c.all('userSpeechEnded')[0]!;
    // The end is the arrival time of the utterance's last sample (one 20 ms chunk resolution at most).
    expect(Math.abs(ended.atMs - spokenTo)).toBeLessThanOrEqual(10);
    expect(ended.detectedAtMs - ended.atMs).toBeGreaterThanOrEqual(600);
    expect(ended.detectedAtMs - ended.atMs).toBeLessThanOrEqual(600 + CHUNK_MS);
    expect(c.all('recognised')[0]).toMatchObject({
      turn: 1,
      text: 'Hello, what is the weather like today?',
      language: 'en',
      utteranceId: 'hello-weather-en',
      misheard: false,
    });
    expect(c.all('thinking')[0]).toMatchObject({ thinkMs: 800, atMs: ended.detectedAtMs });
    const frames = c.all('botAudio');
    expect(frames[0]!.atMs - ended.detectedAtMs).toBe(800);
    expect(c.all('reply')[0]).toMatchObject({ text: replyOf('weather-en').text, replyId: 'weather-en', language: 'en', atMs: frames[0]!.atMs });
    c.checkTimes();
  });

  it('speaks the reply WAV itself, in 20 ms frames at 16 kHz, paced in real time, then says it has ended', () => {
    const c = new Conversation();
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded');
    const frames = c.all('botAudio');
    const reply = replyOf('joke-en').audio.samples;
    expect(frames).toHaveLength(Math.ceil(reply.length / 320));
    frames.forEach((f, i) => {
      expect(f).toMatchObject({ index: i, sampleRate: 16000, turn: 1 });
      expect(f.samples).toHaveLength(320);
      expect(f.atMs - frames[0]!.atMs).toBe(i * 20);
    });
    const played = new Int16Array(frames.length * 320);
    frames.forEach((f, i) => played.set(f.samples, i * 320));
    expect(played.subarray(0, reply.length)).toEqual(reply);
    expect(played.subarray(reply.length).every((s) => s === 0)).toBe(true);
    expect(c.all('botAudioEnded')[0]).toMatchObject({ frames: frames.length, interrupted: false, atMs: frames[0]!.atMs + frames.length * 20 });
    expect(c.bot.state).toBe('listening');
  });

  it('resamples the user audio (8 kHz and 48 kHz in) and its own (48 kHz out)', () => {
    for (const rate of [8000, 48000]) {
      const c = new Conversation({ outputRate: 48000 }, rate);
      c.quiet(300);
      c.say(resample(speech('book-train-zh'), RATE, rate));
      c.until('botAudio');
      expect(c.all('recognised')[0]).toMatchObject({ utteranceId: 'book-train-zh', language: 'zh' });
      expect(c.all('userSpeechEnded')[0]!.atSample / rate).toBeCloseTo(0.3 + speech('book-train-zh').length / RATE, 1);
      expect(c.all('botAudio')[0]).toMatchObject({ sampleRate: 48000 });
      expect(c.all('botAudio')[0]!.samples).toHaveLength(960);
    }
  });
});

describe('think time', () => {
  it('scripted per turn (400, 800, 1600 ms): each first frame comes exactly that long after the end was detected', () => {
    const c = new Conversation({ settings: { thinkMs: 300 } });
    for (const thinkMs of [400, 800, 1600]) c.bot.overrideNextTurn({ thinkMs });
    const turns = ['hello-weather-zh', 'book-train-zh', 'thanks-bye-zh', 'tell-joke-en'];
    turns.forEach((id, i) => {
      c.say(speech(id));
      c.until('botAudioEnded', i + 1);
      c.quiet(200);
    });
    const latencies = c.all('userSpeechEnded').map((e) => c.all('botAudio').find((f) => f.turn === e.turn)!.atMs - e.detectedAtMs);
    expect(latencies).toEqual([400, 800, 1600, 300]);
    expect(c.all('thinking').map((e) => e.thinkMs)).toEqual([400, 800, 1600, 300]);
    c.checkTimes();
  });

  it('a changed setting applies from the next turn', () => {
    const c = new Conversation({ settings: { thinkMs: 500 } });
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded');
    c.bot.updateSettings({ thinkMs: 1200 });
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded', 2);
    const [first, second] = c.all('userSpeechEnded');
    expect(c.turnEvents(1).find((e) => e.type === 'botAudio')!.atMs - first!.detectedAtMs).toBe(500);
    expect(c.turnEvents(2).find((e) => e.type === 'botAudio')!.atMs - second!.detectedAtMs).toBe(1200);
  });
});

describe('several turns', () => {
  it('the three-turn Chinese conversation: each utterance recognised and answered in turn, the second and third as the first', () => {
    const c = new Conversation();
    const script = [
      ['hello-weather-zh', 'weather-zh'],
      ['book-train-zh', 'train-zh'],
      ['thanks-bye-zh', 'bye-zh'],
    ];
    script.forEach(([utterance], i) => {
      c.quiet(300);
      c.say(speech(utterance!));
      c.until('botAudioEnded', i + 1);
    });
    expect(c.all('recognised').map((e) => [e.turn, e.utteranceId, e.language])).toEqual(script.map(([u], i) => [i + 1, u, 'zh']));
    expect(c.all('reply').map((e) => e.replyId)).toEqual(script.map(([, r]) => r));
    expect(c.all('botAudioEnded').map((e) => e.interrupted)).toEqual([false, false, false]);
    for (const turn of [1, 2, 3]) {
      const ended = c.turnEvents(turn).find((e) => e.type === 'userSpeechEnded') as BotEventOf<'userSpeechEnded'>;
      expect(c.turnEvents(turn).find((e) => e.type === 'botAudio')!.atMs - ended.detectedAtMs).toBe(800);
      expect(c.turnEvents(turn).filter((e) => e.type === 'botAudio')).toHaveLength(Math.ceil(replyOf(script[turn - 1]![1]!).audio.samples.length / 320));
    }
  });
});

describe('interruption', () => {
  it('by request: audio stops at once, within the frame being played, and the next turn is answered normally', () => {
    const c = new Conversation();
    c.say(speech('robot-story-en'));
    const first = c.until('botAudio');
    c.clock.advance(500 - 1);
    c.quiet(1);
    const sentBefore = c.all('botAudio').length;
    expect(c.bot.interrupt()).toBe(true);
    const at = c.clock.now();
    expect(c.all('interrupted')).toEqual([{ type: 'interrupted', turn: 1, by: 'request', during: 'speaking', atMs: at, userSpeechAtMs: null }]);
    expect(c.all('botAudioEnded')[0]).toMatchObject({ interrupted: true, frames: sentBefore, atMs: at });
    expect(at - first.atMs).toBeLessThan(sentBefore * 20);
    c.quiet(2000);
    expect(c.all('botAudio')).toHaveLength(sentBefore);
    expect(c.bot.interrupt()).toBe(false);
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded', 2);
    expect(c.all('reply').map((r) => r.replyId)).toEqual(['robot-story-en', 'joke-en']);
    expect(c.all('botAudioEnded')[1]).toMatchObject({ interrupted: false, turn: 2 });
  });

  it('by request while thinking: no reply is spoken', () => {
    const c = new Conversation({ settings: { thinkMs: 1000 } });
    c.say(speech('tell-joke-en'));
    c.until('thinking');
    c.quiet(200);
    expect(c.bot.interrupt()).toBe(true);
    expect(c.all('interrupted')[0]).toMatchObject({ by: 'request', during: 'thinking', turn: 1 });
    c.quiet(3000);
    expect(c.all('reply')).toEqual([]);
    expect(c.clock.pending).toBe(0);
  });

  it('barge-in: user speech over the bot audio stops it within one frame of being detected, and is answered next', () => {
    const c = new Conversation();
    c.say(speech('cat-story-zh'));
    c.until('botAudio');
    c.quiet(1000);
    const bargeAt = c.clock.now();
    c.say(speech('tell-joke-en'));
    const interrupted = c.all('interrupted')[0]!;
    const started = c.all('userSpeechStarted')[1]!;
    expect(interrupted).toMatchObject({ by: 'user', during: 'speaking', turn: 1, userSpeechAtMs: started.atMs });
    // The user's speech began as the clock passed bargeAt; the detector needs 100 ms of it (plus a chunk).
    expect(started.atMs - bargeAt).toBeLessThanOrEqual(CHUNK_MS);
    expect(interrupted.atMs - started.atMs).toBeLessThanOrEqual(100 + CHUNK_MS);
    expect(
      c
        .all('botAudio')
        .filter((f) => f.turn === 1)
        .every((f) => f.atMs <= interrupted.atMs),
    ).toBe(true);
    expect(c.all('botAudioEnded')[0]).toMatchObject({ interrupted: true, atMs: interrupted.atMs });
    c.until('botAudioEnded', 2);
    expect(c.all('recognised').map((r) => r.utteranceId)).toEqual(['cat-story-zh', 'tell-joke-en']);
    expect(c.all('reply').map((r) => r.replyId)).toEqual(['cat-story-zh', 'joke-en']);
    // Twice: the second barge-in works as the first did.
    c.say(speech('robot-story-en'));
    c.until('botAudio', c.all('botAudio').length + 1);
    c.quiet(300);
    c.say(speech('thanks-bye-zh'));
    expect(c.all('interrupted')).toHaveLength(2);
    expect(c.all('interrupted')[1]).toMatchObject({ by: 'user', during: 'speaking', turn: 3 });
    c.checkTimes();
  });

  it('with bargeIn off, user speech over the bot is heard but neither stops nor gets an answer', () => {
    const c = new Conversation({ settings: { bargeIn: false } });
    c.say(speech('robot-story-en'));
    c.until('botAudio');
    c.quiet(500);
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded');
    expect(c.all('interrupted')).toEqual([]);
    expect(c.all('botAudioEnded')[0]).toMatchObject({ interrupted: false });
    expect(c.all('recognised').map((r) => r.utteranceId)).toEqual(['robot-story-en', 'tell-joke-en']);
    c.quiet(3000);
    expect(c.all('reply')).toHaveLength(1);
  });
});

describe('text turns', () => {
  it('a library sentence as text is that utterance, answered after the think time like speech; unknown text in its own language', () => {
    const c = new Conversation({ settings: { thinkMs: 400 } });
    c.quiet(200);
    c.bot.hearText('  hello, what is the WEATHER like today ');
    expect(c.all('recognised')[0]).toMatchObject({
      turn: 1,
      text: 'Hello, what is the weather like today?',
      utteranceId: 'hello-weather-en',
      language: 'en',
      speechSeconds: 0,
    });
    const thinking = c.all('thinking')[0]!;
    const first = c.until('botAudio');
    expect(first.atMs - thinking.atMs).toBe(400);
    expect(c.all('reply')[0]!.replyId).toBe('weather-en');
    c.until('botAudioEnded');
    c.bot.hearText('请随便说点什么吧');
    expect(c.all('recognised')[1]).toMatchObject({ turn: 2, text: '请随便说点什么吧', utteranceId: null, language: 'zh' });
    c.until('botAudioEnded', 2);
    expect(c.all('reply')[1]!.language).toBe('zh');
    expect(() => c.bot.hearText('   ')).toThrow(/needs some text/);
  });

  it('text while the bot speaks stops it and is answered (barge-in on); with barge-in off it is heard only, twice in a row', () => {
    const c = new Conversation();
    c.say(speech('robot-story-en'));
    c.until('botAudio');
    c.bot.hearText('Tell me a short joke, please.');
    expect(c.all('interrupted')[0]).toMatchObject({ by: 'user', during: 'speaking', turn: 1 });
    c.until('botAudioEnded', 2);
    expect(c.all('reply').map((r) => r.replyId)).toEqual(['robot-story-en', 'joke-en']);

    const quiet = new Conversation({ settings: { bargeIn: false } });
    quiet.say(speech('robot-story-en'));
    quiet.until('botAudio');
    quiet.bot.hearText('Tell me a short joke, please.');
    quiet.bot.hearText('Tell me a short joke, please.');
    expect(quiet.all('interrupted')).toEqual([]);
    expect(quiet.all('recognised').map((r) => r.utteranceId)).toEqual(['robot-story-en', 'tell-joke-en', 'tell-joke-en']);
    quiet.until('botAudioEnded');
    quiet.quiet(3000);
    expect(quiet.all('reply')).toHaveLength(1);
  });
});

describe('recognition settings', () => {
  it('mishear gives a wrong transcript (far over a CER budget) but the reply to the utterance heard', () => {
    const c = new Conversation({ settings: { mishear: true } });
    c.say(speech('hello-weather-zh'));
    c.until('botAudioEnded');
    const r = c.all('recognised')[0]!;
    expect(r).toMatchObject({ misheard: true, utteranceId: 'hello-weather-zh', language: 'zh' });
    expect(scoreRecognition('你好,今天天气怎么样?', r.text, { language: 'zh' }).rate).toBeGreaterThanOrEqual(0.3);
    expect(c.all('reply')[0]!.replyId).toBe('weather-zh');
  });

  it('a mishear for one scripted turn only', () => {
    const c = new Conversation();
    c.bot.overrideNextTurn({ mishear: true });
    for (let i = 1; i <= 2; i++) {
      c.say(speech('tell-joke-en'));
      c.until('botAudioEnded', i);
    }
    expect(c.all('recognised').map((r) => r.misheard)).toEqual([true, false]);
    expect(c.all('recognised')[1]!.text).toBe('Tell me a short joke, please.');
  });

  it('unknown speech: "[speech N.N s]" and the generic answer in the language set, else the last one heard, else English', () => {
    const unknown = replyOf('unknown-zh').audio.samples;
    const c = new Conversation();
    c.say(unknown);
    c.until('botAudioEnded');
    expect(c.all('recognised')[0]).toMatchObject({ utteranceId: null, language: 'en', misheard: false, text: expect.stringMatching(/^\[speech \d\.\d s\]$/) });
    expect(c.all('reply')[0]!.replyId).toBe('unknown-en');
    c.say(speech('hello-weather-zh'));
    c.until('botAudioEnded', 2);
    c.say(unknown);
    c.until('botAudioEnded', 3);
    expect(c.all('reply')[2]!.replyId).toBe('unknown-zh');
    c.bot.updateSettings({ language: 'en' });
    c.say(unknown);
    c.until('botAudioEnded', 4);
    expect(c.all('reply')[3]!.replyId).toBe('unknown-en');
  });

  it('the silence setting: an 800 ms pause ends the turn at 600 ms, not at 1000 ms', () => {
    const whole = new Conversation({ settings: { silenceMs: 1000 } });
    whole.say(speech('table-pause-en'));
    whole.until('botAudioEnded');
    expect(whole.all('recognised').map((r) => r.utteranceId)).toEqual(['table-pause-en']);
    expect(whole.all('reply')[0]!.replyId).toBe('table-en');

    const split = new Conversation({ settings: { silenceMs: 600 } });
    split.say(speech('table-pause-en'));
    split.until('botAudioEnded');
    // The first half ends in the pause; the second half starts while the bot thinks, and interrupts it.
    expect(split.all('recognised').map((r) => r.utteranceId)).toEqual([null, null]);
    expect(split.all('recognised')[0]!.text).toMatch(/^\[speech 1\.\d s\]$/);
    expect(split.all('interrupted')).toEqual([expect.objectContaining({ by: 'user', during: 'thinking', turn: 1 })]);
    expect(split.all('reply').map((r) => [r.turn, r.replyId])).toEqual([[2, 'unknown-en']]);
  });
});

describe('robustness', () => {
  it('a listener that throws is reported and stops neither the bot nor the other listeners', () => {
    const failures: string[] = [];
    const c = new Conversation({ onListenerError: (error, event) => failures.push(`${event.type}: ${(error as Error).message}`) });
    c.bot.on('reply', () => {
      throw new Error('boom');
    });
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded');
    expect(failures).toEqual(['reply: boom']);
    expect(c.all('botAudio').length).toBeGreaterThan(10);
  });

  it('a listener may interrupt from inside a frame event', () => {
    const c = new Conversation();
    c.bot.on('botAudio', (f) => {
      if (f.index === 3) c.bot.interrupt();
    });
    c.say(speech('tell-joke-en'));
    c.until('botAudioEnded');
    expect(c.all('botAudio')).toHaveLength(4);
    expect(c.all('botAudioEnded')[0]).toMatchObject({ interrupted: true, frames: 4 });
  });

  it('close stops everything: no more events, no timers left', () => {
    const c = new Conversation();
    c.say(speech('tell-joke-en'));
    c.until('botAudio');
    const count = c.events.length;
    c.bot.close();
    expect(c.bot.state).toBe('closed');
    expect(c.clock.pending).toBe(0);
    c.say(speech('tell-joke-en'));
    c.clock.advance(5000);
    expect(c.events).toHaveLength(count);
  });

  it('refuses a change of input rate and impossible settings, saying what is expected', () => {
    const c = new Conversation();
    c.bot.pushUserAudio(new Int16Array(160), 16000);
    expect(() => c.bot.pushUserAudio(new Int16Array(480), 48000)).toThrow(/changed from 16000 Hz to 48000 Hz; a new audio stream needs a new bot/);
    expect(() => c.bot.updateSettings({ thinkMs: -5 })).toThrow(/thinkMs must be 0-60000 ms, got -5/);
    expect(() => c.bot.updateSettings({ silenceMs: Number.NaN })).toThrow(/silenceMs must be 0-60000 ms/);
    expect(() => c.bot.updateSettings({ mishear: 'yes' as unknown as boolean })).toThrow(/mishear must be true or false/);
    expect(() => c.bot.overrideNextTurn({ thinkMs: 70_000 })).toThrow(/thinkMs/);
    expect(() => new SandboxBot({ recogniser: voice.recogniser, replies: voice.replyTable, frameMs: 5 })).toThrow(/frameMs must be 10-100 ms/);
    expect(c.bot.settings.thinkMs).toBe(800);
  });
});
