import { describe, expect, it } from 'vitest';
import { SandboxBot } from '../../../src-main/core/voice/bot.ts';
import { VirtualClock } from '../../../src-main/core/voice/clock.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';
import { ConvaiSandboxBot, roomOptionsOf, WEBRTC_MIN_SCORE, type ConvaiRoomOptions } from '../../../src-main/core/vendors/convai/sandbox-bot.ts';
import { UtteranceRecogniser } from '../../../src-main/core/voice/recognise.ts';
import { parseMessageObject, type ParsedDataMessage } from '../../../src-main/core/vendors/convai/common/rtvi.ts';
import { encodeClientMessage, buildClientMessage } from '../../../src-main/core/vendors/convai/common/client-messages.ts';

const voice = shippedVoice();
const speech = (id: string) => voice.utterances.find((u) => u.id === id)!.audio.samples;
const reply = (id: string) => voice.replies.find((r) => r.id === id)!;

/** The Convai protocol bot on virtual time; every message it sends goes through the client's own parser. */
class Room {
  readonly clock = new VirtualClock(0);
  readonly bot: SandboxBot;
  readonly convai: ConvaiSandboxBot;
  readonly sent: ParsedDataMessage[] = [];
  readonly trackFrames: Int16Array[] = [];
  readonly notes: string[] = [];
  cleared = 0;

  constructor(room: ConvaiRoomOptions, thinkMs = 800) {
    this.bot = new SandboxBot({ recogniser: voice.recogniser, replies: voice.replyTable, clock: this.clock, frameMs: 10, settings: { thinkMs } });
    this.convai = new ConvaiSandboxBot({
      bot: this.bot,
      room,
      transport: {
        send: (m) => this.sent.push(parseMessageObject(JSON.parse(JSON.stringify(m)))),
        audioFrame: (s) => this.trackFrames.push(s),
        clearAudio: () => this.cleared++,
      },
      note: (n) => this.notes.push(n),
    });
    this.convai.userJoined('user-1');
  }

  say(samples: Int16Array): void {
    for (let o = 0; o < samples.length; o += 160) {
      this.clock.advance(10);
      this.convai.userAudio(samples.subarray(o, Math.min(samples.length, o + 160)), 16000, 'user-1');
    }
  }

  quiet(ms: number): void {
    this.say(new Int16Array(16 * ms));
  }

  until(type: string, count = 1, limitMs = 30_000): void {
    for (let t = 0; this.types().filter((x) => x === type).length < count; t += 10) {
      if (t > limitMs) throw new Error(`no ${type} #${count}: ${this.types().join(', ')}`);
      this.quiet(10);
    }
  }

  types(): string[] {
    return this.sent.map((m) => m.type);
  }

  of(type: string): ParsedDataMessage[] {
    return this.sent.filter((m) => m.type === type);
  }

  client(type: Parameters<typeof buildClientMessage>[0], input: Parameters<typeof buildClientMessage>[1] = {}): void {
    const built = buildClientMessage(type, input, 'PA_user');
    if (!built.ok) throw new Error(built.error);
    this.convai.receive(encodeClientMessage(built.message), 'user-1');
  }
}

const AUDIO_ONLY: ConvaiRoomOptions = { audioRouting: 'audio_only', chunkMs: 100, wavHeader: false, debug: false };

describe('Convai sandbox bot: the RTVI messages of a turn', () => {
  it('bot-ready, user speech, transcription, thinking, answer and speaking, each parsed by the client as Convai sends it; twice', () => {
    const r = new Room({ ...AUDIO_ONLY, debug: true }, 400);
    expect(r.types()).toEqual(['bot-ready']);
    r.convai.userJoined('user-2');
    expect(r.of('bot-ready')).toHaveLength(1);
    for (const turn of [1, 2]) {
      r.quiet(300);
      r.say(speech('hello-weather-en'));
      r.until('bot-stopped-speaking', turn);
    }
    const turn = r.types().slice(1, r.types().indexOf('bot-stopped-speaking') + 2);
    expect(turn).toEqual([
      'user-started-speaking',
      'user-stopped-speaking',
      'user-transcription',
      'bot-llm-started',
      'bot-llm-text',
      'bot-llm-stopped',
      'bot-transcription',
      'metrics',
      'metrics',
      'bot-tts-started',
      'bot-started-speaking',
      'bot-stopped-speaking',
      'bot-tts-stopped',
    ]);
    expect(r.sent.every((m) => m.event.kind !== 'error')).toBe(true);
    expect(r.of('user-transcription').map((m) => m.message!.data)).toMatchObject([
      { text: 'Hello, what is the weather like today?', final: true, user_id: 'user-1' },
      { text: 'Hello, what is the weather like today?', final: true, user_id: 'user-1' },
    ]);
    expect(r.of('bot-transcription')[0]!.message!.data).toEqual({ text: reply('weather-en').text });
    const ttfb = r.of('metrics').filter((m) => m.metrics!.kind === 'ttfb');
    expect(ttfb.map((m) => m.metrics!.entries[0]!.value)).toEqual([0.4, 0.4]);
    // The whole reply went to the track in 10 ms frames, twice; nothing on the data channel.
    const frames = Math.ceil((reply('weather-en').audio.samples.length / 16000) * 100);
    expect(r.trackFrames).toHaveLength(2 * frames);
    expect(r.of('audio-data')).toEqual([]);
  });

  it('no metrics without debug', () => {
    const r = new Room(AUDIO_ONLY);
    r.say(speech('tell-joke-en'));
    r.until('bot-stopped-speaking');
    expect(r.of('metrics')).toEqual([]);
  });
});

describe('Convai sandbox bot: audio on the data channel', () => {
  it('data_only, 95 ms (Convai: 100 ms) with WAV headers: whole reply in 100 ms chunks, no track audio', () => {
    const options = roomOptionsOf({ audio_config: { output: { audio_routing: 'data_only', max_chunk_duration_ms: 95, add_wav_header: true } } });
    expect(options).toEqual({ audioRouting: 'data_only', chunkMs: 100, wavHeader: true, debug: false });
    const r = new Room(options);
    r.say(speech('tell-joke-en'));
    r.until('bot-stopped-speaking');
    const chunks = r.of('audio-data');
    const samples = reply('joke-en').audio.samples.length;
    expect(chunks).toHaveLength(Math.ceil(samples / 1600));
    expect(chunks.slice(0, -1).every((c) => c.audio!.samples.length === 1600 && c.audio!.durationMs === 100)).toBe(true);
    expect(chunks.every((c) => (c.message!.data as { includes_wav_header: boolean }).includes_wav_header)).toBe(true);
    const heard = chunks.flatMap((c) => [...c.audio!.samples]);
    expect(Int16Array.from(heard.slice(0, samples))).toEqual(reply('joke-en').audio.samples);
    expect(r.trackFrames).toEqual([]);
    // The chunks arrive in real time, after bot-started-speaking.
    expect(r.types().indexOf('bot-started-speaking')).toBeLessThan(r.types().indexOf('audio-data'));
  });

  it('both, 45 ms (Convai: 50 ms), no header: the track and the data channel carry the same audio', () => {
    const r = new Room(roomOptionsOf({ audio_config: { output: { audio_routing: 'both', max_chunk_duration_ms: 45 } } }));
    r.say(speech('tell-joke-en'));
    r.until('bot-stopped-speaking');
    const chunks = r.of('audio-data');
    expect(chunks[0]!.audio!.durationMs).toBe(50);
    expect((chunks[0]!.message!.data as { includes_wav_header: boolean }).includes_wav_header).toBe(false);
    const track = r.trackFrames.flatMap((f) => [...f]);
    const data = chunks.flatMap((c) => [...c.audio!.samples]);
    expect(data).toEqual(track);
  });
});

describe('Convai sandbox bot: client messages and their server-responses', () => {
  it('interrupt-bot while speaking stops the audio and is acknowledged; again with nothing to stop; the next turn is normal', () => {
    const r = new Room({ ...AUDIO_ONLY, audioRouting: 'both' });
    r.say(speech('robot-story-en'));
    r.until('bot-started-speaking');
    r.quiet(500);
    r.client('interrupt-bot');
    const framesAtInterrupt = r.trackFrames.length;
    const response = r.of('server-response')[0]!.response!;
    expect(response).toMatchObject({ eventType: 'interrupt-bot', status: 'success', message: 'bot interrupted' });
    expect(r.cleared).toBe(1);
    expect(r.types().slice(-3)).toEqual(['bot-stopped-speaking', 'bot-tts-stopped', 'server-response']);
    expect(r.of('bot-stopped-speaking')).toHaveLength(1);
    const chunksAtInterrupt = r.of('audio-data').length;
    r.quiet(2000);
    expect([r.trackFrames.length, r.of('audio-data').length]).toEqual([framesAtInterrupt, chunksAtInterrupt]);
    r.client('interrupt-bot');
    expect(r.of('server-response')[1]!.response).toMatchObject({ status: 'success', message: 'nothing to interrupt [sandbox]' });
    r.say(speech('tell-joke-en'));
    r.until('bot-stopped-speaking', 2);
    expect(r.of('bot-transcription').map((m) => (m.message!.data as { text: string }).text)).toEqual([reply('robot-story-en').text, reply('joke-en').text]);
  });

  it('user_text_message is a text turn, answered as speech is; an empty text is refused in the response; twice', () => {
    const r = new Room(AUDIO_ONLY, 300);
    for (const n of [1, 2]) {
      r.client('user_text_message', { text: 'Tell me a short joke, please.' });
      expect(r.of('server-response')[2 * n - 2]!.response).toMatchObject({ eventType: 'user_text_message', status: 'success' });
      r.until('bot-stopped-speaking', n);
      r.convai.receive(JSON.stringify({ type: 'user_text_message', data: { text: ' ' } }), 'user-1');
      expect(r.of('server-response')[2 * n - 1]!.response).toMatchObject({
        eventType: 'user_text_message',
        status: 'error',
        message: 'data.text: expected a non-empty string [sandbox]',
      });
    }
    expect(r.of('user-transcription').map((m) => (m.message!.data as { text: string }).text)).toEqual([
      'Tell me a short joke, please.',
      'Tell me a short joke, please.',
    ]);
    expect(r.of('bot-transcription').map((m) => (m.message!.data as { text: string }).text)).toEqual([reply('joke-en').text, reply('joke-en').text]);
  });

  it('tts-toggle off: answers as text only, no audio or speaking events; on again: audio again', () => {
    const r = new Room(roomOptionsOf({ audio_config: { output: { audio_routing: 'both' } } }), 200);
    r.client('tts-toggle', { enabled: false });
    expect(r.of('server-response')[0]!.response).toMatchObject({ eventType: 'tts-toggle', status: 'success', message: 'tts disabled' });
    r.say(speech('tell-joke-en'));
    r.until('bot-transcription');
    r.quiet(4000);
    expect([r.trackFrames.length, r.of('audio-data').length, r.of('bot-started-speaking').length]).toEqual([0, 0, 0]);
    r.client('tts-toggle', { enabled: true });
    r.say(speech('tell-joke-en'));
    r.until('bot-stopped-speaking');
    expect(r.trackFrames.length).toBeGreaterThan(0);
  });

  it('the other messages are acknowledged; unknown types get an error response; non-JSON only a note', () => {
    const r = new Room(AUDIO_ONLY);
    r.client('update-dynamic-info', { text: 'It is raining.' });
    r.client('update-template-keys', { template_keys: { name: 'Ada' } });
    r.client('trigger-message', { trigger_name: 'greet' });
    r.convai.receive(JSON.stringify({ type: 'dance', data: {} }), 'user-1');
    r.convai.receive(new Uint8Array([0xff, 0xfe]), 'user-1');
    r.convai.receive('[1, 2]', 'user-1');
    expect(r.of('server-response').map((m) => [m.response!.eventType, m.response!.status])).toEqual([
      ['update-dynamic-info', 'success'],
      ['update-template-keys', 'success'],
      ['trigger-message', 'success'],
      ['dance', 'error'],
    ]);
    expect(r.notes).toEqual([
      'room: unknown client message type "dance"',
      'room: a data message from user-1 is not JSON text; ignored',
      'room: a data message from user-1 is not a {type, data} object; ignored',
    ]);
    r.client('trigger-message', { trigger_message: 'Tell me a short joke, please.' });
    r.until('bot-stopped-speaking');
    expect(r.of('user-transcription')[0]!.message!.data).toMatchObject({ text: 'Tell me a short joke, please.' });
  });
});

describe("the WebRTC room's recognition threshold", () => {
  it('still tells every other speech apart: the replies, utterances backwards, a cut-off utterance', () => {
    const recogniser = new UtteranceRecogniser(voice.utterances, { minScore: WEBRTC_MIN_SCORE });
    const others = [
      ...voice.replies.map((r) => r.audio),
      ...voice.utterances.map((u) => ({ samples: u.audio.samples.slice().reverse(), sampleRate: u.audio.sampleRate })),
      { samples: speech('table-pause-en').subarray(0, 1.7 * 16000), sampleRate: 16000 },
    ];
    for (const audio of others) expect(recogniser.recognise(audio).utterance).toBeNull();
    for (const u of voice.utterances) expect(recogniser.recognise(u.audio).utterance?.id).toBe(u.id);
  });
});
