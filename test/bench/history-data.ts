/**
 * Synthetic session records for the history benchmarks and tests: the four vendors' event shapes (control plane,
 * audio frames, recognised speech, bot answers in English and Chinese, metrics, vendor errors with request ids),
 * written as the session engine writes them (sessions/<id>.ndjson + <id>.json) and, optionally, straight into the
 * index through the same document builder the app uses. Deterministic for a seed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEvent, SessionSummary } from '../../src-main/core/events.ts';
import { sessionDocument } from '../../src-main/core/history/document.ts';
import type { HistoryIndexDb } from '../../src-main/core/history/index-db.ts';

const EN_USER = [
  'Hello, what is the weather like today?',
  'Tell me a short joke, please.',
  'When does the next train to Shanghai leave?',
  'Can you book a table for two tonight?',
  'What is the status of my order?',
  'Play some relaxing music.',
  'How far is the airport from here?',
  'Remind me to call my mother at six.',
];
const EN_BOT = [
  'Hi! This is the Parley sandbox speaking.',
  "I cannot see the sky from here, so let's say it is sunny and twenty degrees.",
  'Is there anything else you would like to know?',
  'The next train to Shanghai leaves at nine fifteen from platform four.',
  'Your order has shipped and should arrive on Friday.',
  'Why did the scarecrow win an award? Because he was outstanding in his field.',
  'I have booked a table for two at seven thirty.',
  'The airport is about forty minutes away by taxi.',
  'Sorry, I did not catch that. Could you say it again?',
  'I will remind you at six o’clock this evening.',
];
const ZH_USER = [
  '你好,今天天气怎么样?',
  '给我讲个笑话吧。',
  '去上海的下一班火车几点出发?',
  '帮我订今晚两个人的位子。',
  '我的订单到哪儿了?',
  '放点轻松的音乐。',
  '这里离机场有多远?',
  '六点提醒我给妈妈打电话。',
];
const ZH_BOT = [
  '你好!我是 Parley 沙盒。',
  '我看不到天空,就当今天是晴天,二十度吧。',
  '还有什么想知道的吗?',
  '去上海的下一班火车九点十五分从四号站台出发。',
  '您的订单已经发货,预计周五送达。',
  '为什么稻草人得了奖?因为它在田里很出众。',
  '已为您预订今晚七点半两位的座位。',
  '打车去机场大约四十分钟。',
  '抱歉,我没听清楚,请再说一遍。',
  '今晚六点我会提醒您。',
];

const VENDORS = ['mindcraft', 'tencent', 'netease', 'convai'] as const;
type Vendor = (typeof VENDORS)[number];
const OPERATION: Record<Vendor, string> = { mindcraft: 'chat_bot_v3', tencent: 'StartAIConversation', netease: 'task.create', convai: 'connect' };
const ERRORS: Record<Vendor, { code: string; message: string; httpStatus: number }> = {
  tencent: { code: 'FailedOperation.TaskExist', message: 'Task already exists: SessionId is used by another task.', httpStatus: 200 },
  netease: { code: '414', message: 'CheckSum verification failed', httpStatus: 200 },
  convai: { code: '422', message: 'Unprocessable Entity: character_id is not a valid UUID', httpStatus: 422 },
  mindcraft: { code: '4001', message: 'authentication failed: the API key is not valid', httpStatus: 0 },
};

/** mulberry32: a small seeded PRNG, so every run generates the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedHistory {
  count: number;
  events: number;
  recordBytes: number;
  /** A request id that occurs in exactly one session, and that session. */
  uniqueRequestId: string;
  uniqueRequestSession: string;
  /** A phrase planted in `rarePhraseSessions` sessions only. */
  rarePhrase: string;
  rarePhraseSessions: number;
  newestStartedAt: string;
  oldestStartedAt: string;
}

export interface GenerateOptions {
  dataDir: string;
  count: number;
  eventsPerSession?: number;
  seed?: number;
  /** Index each session right away (the benchmark's shortcut past the catch-up). */
  index?: HistoryIndexDb;
  /** Newest session's start; sessions go back from it one every `spacingMs`. */
  newest?: number;
  spacingMs?: number;
  onProgress?: (done: number) => void;
}

export const RARE_PHRASE = 'refund reference PX-4471';

export function generateHistory(o: GenerateOptions): GeneratedHistory {
  const rand = prng(o.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  const perSession = o.eventsPerSession ?? 150;
  const dir = join(o.dataDir, 'sessions');
  mkdirSync(dir, { recursive: true });
  const newest = o.newest ?? Date.now() - 60_000;
  const spacing = o.spacingMs ?? 78_000;
  const out: GeneratedHistory = {
    count: o.count,
    events: 0,
    recordBytes: 0,
    uniqueRequestId: '',
    uniqueRequestSession: '',
    rarePhrase: RARE_PHRASE,
    rarePhraseSessions: 0,
    newestStartedAt: '',
    oldestStartedAt: '',
  };
  const uniqueAt = Math.floor(o.count / 3);
  let batch: { summary: SessionSummary & Record<string, unknown>; events: SessionEvent[] }[] = [];
  const flush = () => {
    if (o.index && batch.length) o.index.transaction(() => batch.forEach((s) => o.index!.put(sessionDocument(s.summary, s.events))));
    batch = [];
  };

  // Oldest first, so the index receives sessions in the order an app would have recorded them.
  for (let i = o.count - 1; i >= 0; i--) {
    const vendor = VENDORS[i % 4]!;
    const zh = rand() < 0.35;
    const startMs = newest - i * spacing - Math.floor(rand() * 1000);
    const startedAt = new Date(startMs).toISOString();
    const id = `${startedAt.replace(/[-:]/g, '').replace(/\..*/, '')}-${vendor}-${hex(8)}`;
    const events: SessionEvent[] = [];
    let t = 0;
    const add = (kind: string, dir: SessionEvent['dir'], summary: string, data?: unknown) => {
      t += 1 + rand() * 20;
      const e: SessionEvent = { seq: events.length + 1, t: Math.round(t * 100) / 100, at: new Date(startMs + t).toISOString(), kind, dir, summary };
      if (data !== undefined) e.data = data;
      events.push(e);
    };
    const requestId = uuid();
    const failed = rand() < 0.08;
    const latency = Math.round((300 + rand() * rand() * 3200) * 10) / 10;
    add('session.start', 'local', `${vendor} ${OPERATION[vendor]} (sandbox)`, { profile: `${vendor} sandbox`, payload: { RoomId: String(1000 + (i % 9000)) } });
    if (vendor === 'mindcraft') {
      add('ws.connecting', 'out', 'connecting wss://api.mindcraft.com.cn/socket-v1/');
      add('ws.open', 'in', 'open wss://api.mindcraft.com.cn/socket-v1/');
      add('ws.frame', 'out', 'auth_token (API key, first message)');
    } else {
      add('http.request', 'out', `POST https://${vendor}.example.com/${OPERATION[vendor]}`, { method: 'POST' });
      add('http.response', 'in', `200 · ${Math.round(50 + rand() * 300)} ms · ${Math.round(200 + rand() * 600)} B`, {
        status: 200,
        headers: { 'x-request-id': requestId },
        body: vendor === 'tencent' ? { Response: { RequestId: requestId, TaskId: hex(16) } } : { code: 200, requestId },
      });
    }
    add('metric', 'local', `setup_ms = ${Math.round(rand() * 400)} ms`, { name: 'setup_ms', value: Math.round(rand() * 400), unit: 'ms', source: 'measured' });
    if (failed) {
      const err = ERRORS[vendor];
      add('error', 'in', `${err.code} · ${err.message} · request ${requestId}`, {
        code: err.code,
        message: err.message,
        requestId,
        httpStatus: err.httpStatus,
      });
    }
    const user = zh ? pick(ZH_USER) : pick(EN_USER);
    const frames = Math.max(0, perSession - 24);
    for (let f = 0; f < frames; f++)
      add(vendor === 'mindcraft' ? 'ws.binary' : 'audio.chunk', f < frames / 2 ? 'out' : 'in', `${f < frames / 2 ? 640 : 3200} B PCM · turn 1`, {
        bytes: f < frames / 2 ? 640 : 3200,
        turn: 1,
      });
    add(`${vendor}.asr`, 'in', `ASR: ${user}`, { role: 'user', text: user, final: true });
    add('metric', 'local', `turn 1 · turn_latency_ms = ${latency} ms`, { name: 'turn_latency_ms', value: latency, unit: 'ms', turn: 1, source: 'measured' });
    let answer = '';
    for (let k = 0; k < 3; k++) {
      let phrase = zh ? pick(ZH_BOT) : pick(EN_BOT);
      if (i % 997 === 13 && k === 2) {
        phrase = `Your ${RARE_PHRASE} is confirmed.`;
        out.rarePhraseSessions++;
      }
      answer += phrase;
      add(`${vendor}.llm`, 'in', `llm #${k}: ${phrase}`, { role: 'bot', text: phrase });
      add('audio.segment', 'in', `turn 1 · segment #${k} · ${(2 + rand() * 3).toFixed(2)} s · turn-1-bot-00${k}.mp3`, {
        audio_seconds: Math.round((2 + rand() * 3) * 100) / 100,
      });
    }
    add('metric', 'local', `first_audio_ms = ${Math.round(latency + 200)} ms`, {
      name: 'first_audio_ms',
      value: Math.round(latency + 200),
      unit: 'ms',
      source: 'measured',
    });
    if (i === uniqueAt) {
      out.uniqueRequestId = `${hex(8)}-beef-${hex(4)}-${hex(4)}-${hex(12)}`;
      out.uniqueRequestSession = id;
      add('http.response', 'in', `200 · 41 ms · 88 B`, { status: 200, headers: { 'x-request-id': out.uniqueRequestId } });
    }
    while (events.length < perSession - 1)
      add(`${vendor}.status`, 'in', `state ${10000 + (events.length % 7)} · ${pick(['listening', 'thinking', 'speaking', 'idle'])}`, {
        state: events.length % 7,
      });
    const ok = !failed;
    add('session.end', 'local', ok ? `ok · 1 turn · ${answer.length} chars answered` : `failed · ${ERRORS[vendor].code}: ${ERRORS[vendor].message}`, { ok });
    const summary: SessionSummary & Record<string, unknown> = {
      id,
      vendor,
      operation: OPERATION[vendor],
      profileId: `profile-${vendor}`,
      target: 'sandbox',
      startedAt,
      endedAt: new Date(startMs + t).toISOString(),
      durationMs: Math.round(t),
      state: ok ? 'ended' : 'failed',
      outcome: ok ? '1 turn · stopped' : `${ERRORS[vendor].code}: ${ERRORS[vendor].message}`,
      eventCount: events.length,
      payload: { RoomId: String(1000 + (i % 9000)) },
      ...(ok ? {} : { error: { ...ERRORS[vendor], requestId } }),
    };
    const record = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    writeFileSync(join(dir, `${id}.ndjson`), record);
    writeFileSync(join(dir, `${id}.json`), JSON.stringify(summary));
    out.recordBytes += Buffer.byteLength(record);
    out.events += events.length;
    if (i === o.count - 1) out.oldestStartedAt = startedAt;
    if (i === 0) out.newestStartedAt = startedAt;
    if (o.index) {
      batch.push({ summary, events });
      if (batch.length >= 500) flush();
    }
    if ((o.count - i) % 5000 === 0) o.onProgress?.(o.count - i);
  }
  flush();
  return out;
}
