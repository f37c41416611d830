import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import { mindcraft } from '../../../src-main/core/vendors/mindcraft/index.ts';
import { CHAT_BOT_V3_EXAMPLE } from '../../../src-main/core/vendors/mindcraft/common/schema.ts';
import type { TurnReport } from '../../../src-main/core/vendors/mindcraft/turn.ts';
import type { MindcraftReport } from '../../../src-main/core/vendors/mindcraft/cli.ts';
import { runParley } from '../support/parley-cli.ts';

/**
 * The apifox page's own example, played through Parley: a server that accepts exactly the documented auth (the
 * Authorization header) and answers a turn with the page's eight example frames, verbatim but for the mp3 host.
 * What Parley must make of it: the recognised text from asr_content, the three answer segments in z_index order,
 * every turn metric (the ASR moment is the first llm output), and no wait for an acknowledgement the page never shows.
 */
const KEY = 'doc-example-api-key-0042';
const DOC_MP3_HOST = 'https://api.mindcraft.com.cn';
/** The example stream, as the page shows it. */
const DOC_STREAM = [
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "emotion", "emotion_output": "happy"}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "llm", "asr_content": "你好啊", "llm_response": "林小宅你好呀!", "z_index": 0}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "llm", "asr_content": "你好啊", "llm_response": "(*^▽^*) 今天过得怎么样呢?", "z_index": 1}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "llm", "asr_content": "你好啊", "llm_response": "我刚刚发现了一部超好看的热血动漫,想不想知道是哪一部?", "z_index": 2}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "tts", "audio_seconds": 1.26, "tts_audio": "https://api.mindcraft.com.cn/v1/data/get_stream_tts/4a312ef1f4b7422bb6e88ba034132c0c.mp3", "z_index": 0}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "tts", "audio_seconds": 2.13, "tts_audio": "https://api.mindcraft.com.cn/static/agent/4a312ef1f4b7422bb6e88ba034132c0c/2.mp3", "z_index": 1}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "tts", "audio_seconds": 4.47, "tts_audio": "https://api.mindcraft.com.cn/static/agent/4a312ef1f4b7422bb6e88ba034132c0c/3.mp3", "z_index": 2}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "agent_stop", "socket_status": 1006, "event_name": "agent_action", "agent_name": "chat_bot_v3"}',
];

let server: Server;
let base = '';
const upgrades: { authorization?: string; messagesBeforeStart: number }[] = [];

beforeAll(async () => {
  const mp3 = readFileSync('resources/mindcraft/answer-zh-0.mp3');
  server = createServer((req, res) => {
    if (!/\.mp3$/.test(req.url ?? '')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(mp3);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    // The documented auth only: a socket without the Bearer header is refused at the upgrade.
    if (req.headers.authorization !== `Bearer ${KEY}`) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const seen = { authorization: req.headers.authorization, messagesBeforeStart: 0 };
      upgrades.push(seen);
      let started = false;
      const play = () => {
        for (const frame of DOC_STREAM) ws.send(frame.replaceAll(DOC_MP3_HOST, base));
      };
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(data.toString()) as { socket_type?: string; event_name?: string; event_params?: { asr_text?: string } };
        if (m.socket_type === 'agent_event' && m.event_name === 'agent_action') {
          started = true;
          if (typeof m.event_params?.asr_text === 'string') play();
        } else if (!started) seen.messagesBeforeStart++;
        else if (m.socket_type === 'intervent_event' && m.event_name === 'stream_asr') play();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const { session_token: _t, ...docPayload } = CHAT_BOT_V3_EXAMPLE;

describe('Mindcraft: the document example stream through Parley', () => {
  it('a voice turn shows the recognised text from asr_content, every segment in order, every metric, and waits for nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-mc-doc-'));
    const manager = new SessionManager(new SessionDirectory(dir), async () => KEY);
    const profile: Profile = {
      id: 'doc',
      name: 'doc',
      vendor: 'mindcraft',
      target: 'live',
      settings: { ...mindcraft.defaultSettings('live'), endpoint: base.replace(/^http/, 'ws') + '/socket-v1/' },
      createdAt: '',
      updatedAt: '',
    };
    for (const round of [1, 2]) {
      const { sessionId, done } = await manager.start({
        vendor: mindcraft,
        operation: mindcraft.operations[0]!,
        profile,
        payload: docPayload,
        sandboxUrl: undefined,
      });
      await manager.send(sessionId, 'send_wav', { sample: 'hello-weather-zh.wav', realtime: false });
      const turn = (await manager.send(sessionId, 'wait_turn', {})) as TurnReport;
      expect(turn, `round ${round}`).toMatchObject({ state: 'done', asrText: '你好啊', emotion: 'happy', reference: 'upload_stop' });
      expect(turn.segments.map((s) => [s.zIndex, s.text, s.audioSeconds])).toEqual([
        [0, '林小宅你好呀!', 1.26],
        [1, '(*^▽^*) 今天过得怎么样呢?', 2.13],
        [2, '我刚刚发现了一部超好看的热血动漫,想不想知道是哪一部?', 4.47],
      ]);
      expect(turn.segments.every((s) => s.file)).toBe(true);
      // The ASR moment is the first llm output (the only place the page's stream carries the text).
      expect(turn.metrics.firstAsrMs).not.toBeNull();
      expect(turn.metrics.firstAsrMs).toBe(turn.metrics.firstLlmMs);
      for (const k of ['firstTtsMs', 'firstAudioReadyMs'] as const) expect(turn.metrics[k]).not.toBeNull();
      expect(turn.metrics.botAudioSeconds).toBe(7.86);
      await manager.stop(sessionId);
      expect((await done).ok).toBe(true);

      const events = manager.events(sessionId, 0, 10_000).events;
      // Nothing invented is timed: the session is ready the moment the socket is open and says no ack is expected.
      const open = events.findIndex((e) => e.kind === 'ws.open');
      expect(events.slice(open, open + 3).map((e) => e.kind)).toEqual(['ws.open', 'mindcraft.auth', 'metric']);
      expect(events[open + 1]!.summary).toMatch(/no acknowledgement expected/);
      expect(
        events
          .filter((e) => e.dir === 'in' && e.kind.startsWith('mindcraft.'))
          .every((e) => e.seq > events.find((x) => x.kind === 'ws.frame' && x.dir === 'out')!.seq),
      ).toBe(true);
      expect(upgrades.at(-1)).toEqual({ authorization: `Bearer ${KEY}`, messagesBeforeStart: 0 });
      expect(readFileSync(manager.directory.eventsFile(sessionId), 'utf8')).not.toContain(KEY);
    }
  });

  it('the CLI report has uploadStopToFirstAsrMs and the text', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parley-mc-doc-cli-'));
    const r = await runParley(
      cwd,
      [
        'mindcraft',
        '--wav',
        join(process.cwd(), 'resources/utterances/hello-weather-zh.wav'),
        '--target',
        'live',
        '--base-url',
        base.replace(/^http/, 'ws') + '/socket-v1/',
        '--out',
        'out',
      ],
      { PARLEY_MINDCRAFT_API_KEY: KEY },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as MindcraftReport;
    expect(report.turn).toMatchObject({ asrText: '你好啊', state: 'done' });
    expect(report.metrics.uploadStopToFirstAsrMs).not.toBeNull();
    expect(report.metrics.uploadStopToFirstAsrMs).toBe(report.metrics.uploadStopToFirstLlmMs);
    expect(report.auth).toEqual({ method: 'api_key', confirmedBy: null });
    expect(report.audioFiles).toHaveLength(3);
  });
});
