// Builds the recorded data-channel sequences from ava-greeting.wav (run by make.sh; Node 24 strips the types).
// Messages are shaped exactly as docs/vendors/convai.md#data-channel-messages describes them; the audio-data chunks carry the real PCM.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseWav } from '../../src-main/core/audio/wav.ts';
import { resampleToMono } from '../../src-main/core/audio/resample.ts';
import { encodeAudioData } from '../../src-main/core/vendors/convai/common/audio-data.ts';
import { SEQUENCE_FORMAT, type RecordedMessage, type RecordedSequence } from '../../src-main/core/vendors/convai/common/recording.ts';

const dir = new URL('.', import.meta.url).pathname;
const wav = parseWav(readFileSync(`${dir}ava-greeting.wav`));
const mono = wav.channels === 1 ? wav.samples : resampleToMono(wav.samples, wav.channels, wav.sampleRate, wav.sampleRate);
const BOT_TEXT = 'Welcome to the museum! I am Ava. That skeleton behind me is a real Tyrannosaurus.';
const rtvi = (type: string, data?: Record<string, unknown>) => ({ label: 'rtvi-ai', type, ...(data ? { data } : {}) });
const server = (data: Record<string, unknown>) => ({ label: 'rtvi-ai', type: 'server-message', data });

function chunks(samples: Int16Array, rate: number, channels: 1 | 2, ms: number, header: boolean, t0: number, out: RecordedMessage[]): number {
  const frames = Math.round((rate * ms) / 1000);
  const total = samples.length / channels;
  let t = t0;
  for (let f = 0; f < total; f += frames) {
    const part = samples.slice(f * channels, Math.min(total, f + frames) * channels);
    out.push({ t, message: server(encodeAudioData({ sampleRate: rate, channels, samples: part }, header)) });
    t += ms;
  }
  return t;
}

function stereo(m: Int16Array): Int16Array {
  const s = new Int16Array(m.length * 2);
  // Slightly different channels so a stereo decode that swaps or drops one is audible in the tests.
  for (let i = 0; i < m.length; i++) {
    s[2 * i] = m[i]!;
    s[2 * i + 1] = Math.round(m[i]! * 0.5);
  }
  return s;
}

function userTurn(out: RecordedMessage[], t: number, text: string): number {
  out.push({ t, message: rtvi('user-started-speaking') });
  const words = text.split(' ');
  words.forEach((_, i) => out.push({ t: t + 250 * (i + 1), message: rtvi('user-transcription', { text: words.slice(0, i + 1).join(' '), final: false, timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, t + 250 * (i + 1))).toISOString(), user_id: 'parley-user' }) }));
  const end = t + 250 * (words.length + 1);
  out.push({ t: end, message: rtvi('user-transcription', { text, final: true, timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, end)).toISOString(), user_id: 'parley-user' }) });
  out.push({ t: end + 40, message: rtvi('user-stopped-speaking') });
  return end + 40;
}

function llmText(out: RecordedMessage[], t: number): number {
  const parts = BOT_TEXT.match(/\S+\s*/g)!;
  parts.forEach((p, i) => out.push({ t: t + 30 * i, message: rtvi('bot-llm-text', { text: p }) }));
  return t + 30 * parts.length;
}

// 1. data_only, 24 kHz mono, 100 ms chunks, debug metrics.
{
  const m: RecordedMessage[] = [];
  m.push({ t: 0, message: rtvi('bot-ready', { version: '0.3.0', about: { library: 'convai-live' } }) });
  m.push({ t: 60, message: server({ type: 'interaction-created', interaction_id: 'int_sandbox_0001' }) });
  let t = userTurn(m, 300, 'What is this place?');
  m.push({ t: t + 30, message: rtvi('bot-llm-started') });
  m.push({ t: t + 210, message: rtvi('metrics', { ttfb: [{ processor: 'OpenAILLMService#0', model: 'gpt-4o-mini', value: 0.178 }] }) });
  const llmEnd = llmText(m, t + 220);
  m.push({ t: llmEnd, message: rtvi('bot-llm-stopped') });
  m.push({ t: llmEnd + 5, message: rtvi('metrics', { processing: [{ processor: 'OpenAILLMService#0', model: 'gpt-4o-mini', value: 0.412 }] }) });
  m.push({ t: t + 380, message: rtvi('metrics', { ttfb: [{ processor: 'ConvaiTTSService#0', value: 0.121 }] }) });
  m.push({ t: t + 390, message: server({ type: 'bot-emotion', emotion: 'joy', scale: 2 }) });
  m.push({ t: t + 400, message: rtvi('bot-started-speaking') });
  t = chunks(mono, wav.sampleRate, 1, 100, false, t + 400, m);
  m.push({ t: t, message: rtvi('bot-transcription', { text: BOT_TEXT }) });
  m.push({ t: t + 10, message: rtvi('bot-stopped-speaking') });
  m.push({ t: t + 20, message: rtvi('action-response', { actions: ['Wave', 'Point at skeleton'] }) });
  m.push({ t: t + 25, message: rtvi('metrics', { custom: [{ processor: 'NeuroSyncProcessor#0', metric: 'neurosync.output_fps', value: 60, type: 'NeuroSyncMetricsData' }] }) });
  write('greeting-data-only.json', {
    format: SEQUENCE_FORMAT,
    version: 1,
    title: 'Greeting · data_only · 24 kHz mono · 100 ms chunks · debug',
    description: 'One spoken user turn, LLM text, server metrics, then the answer as raw PCM audio-data chunks.',
    audio_routing: 'data_only',
    messages: m,
  });
}

// 2. both, 16 kHz stereo, 200 ms chunks with a 44-byte WAV header each; a text message and its server-response.
{
  const rate = 16000;
  const s16 = stereo(resampleToMono(mono, 1, wav.sampleRate, rate));
  const m: RecordedMessage[] = [];
  m.push({ t: 0, message: rtvi('bot-ready', { version: '0.3.0' }) });
  m.push({ t: 500, message: { type: 'server-response', event_type: 'user_text_message', status: 'success', message: 'Message received' } });
  m.push({ t: 520, message: rtvi('bot-llm-started') });
  const llmEnd = llmText(m, 700);
  m.push({ t: llmEnd, message: rtvi('bot-llm-stopped') });
  m.push({ t: 900, message: rtvi('bot-started-speaking') });
  const t = chunks(s16, rate, 2, 200, true, 900, m);
  m.push({ t, message: server({ type: 'blendshape-turn-stats', stats: { frames_sent: 180, frames_dropped: 0 } }) });
  m.push({ t: t + 10, message: rtvi('bot-stopped-speaking') });
  m.push({ t: t + 400, message: { type: 'server-response', event_type: 'tts-toggle', status: 'success', message: 'TTS disabled', extras: { enabled: false } } });
  write('text-both-wav-header.json', {
    format: SEQUENCE_FORMAT,
    version: 1,
    title: 'Text message · both · 16 kHz stereo · 200 ms chunks with WAV header',
    description: 'A typed user message acknowledged by server-response, then the answer as WAV-headed stereo chunks (audio_routing both, add_wav_header true).',
    audio_routing: 'both',
    messages: m,
  });
}

function write(name: string, seq: RecordedSequence): void {
  writeFileSync(`${dir}sequences/${name}`, JSON.stringify(seq) + '\n');
  console.log(`${name}: ${seq.messages.length} messages`);
}
