import { afterEach, describe, expect, it } from 'vitest';
import Extras from '../../../src-renderer/src/vendors/mindcraft/Extras.vue';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import { parseServerFrame, toEvent } from '../../../src-main/core/vendors/mindcraft/protocol.ts';
import type { NewEvent, SessionEvent } from '../../../src-main/core/events.ts';
import { mount, until, type Mounted } from '../support/mount.ts';

/**
 * The panel for the apifox page's own example stream: every frame goes through Parley's parser (the same one core
 * uses for the socket), then into the Mindcraft panel. The user sees the recognised text "你好啊" (which the stream
 * carries only in the llm outputs' asr_content), the three answer segments in z_index order and the turn figures.
 */
const DOC_STREAM = [
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: { output_type: 'emotion', emotion_output: 'happy' },
    agent_name: 'chat_bot_v3',
  },
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: { output_type: 'llm', asr_content: '你好啊', llm_response: '林小宅你好呀!', z_index: 0 },
    agent_name: 'chat_bot_v3',
  },
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: { output_type: 'llm', asr_content: '你好啊', llm_response: '(*^▽^*) 今天过得怎么样呢?', z_index: 1 },
    agent_name: 'chat_bot_v3',
  },
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: { output_type: 'llm', asr_content: '你好啊', llm_response: '我刚刚发现了一部超好看的热血动漫,想不想知道是哪一部?', z_index: 2 },
    agent_name: 'chat_bot_v3',
  },
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: {
      output_type: 'tts',
      audio_seconds: 1.26,
      tts_audio: 'https://api.mindcraft.com.cn/v1/data/get_stream_tts/4a312ef1f4b7422bb6e88ba034132c0c.mp3',
      z_index: 0,
    },
    agent_name: 'chat_bot_v3',
  },
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: {
      output_type: 'tts',
      audio_seconds: 2.13,
      tts_audio: 'https://api.mindcraft.com.cn/static/agent/4a312ef1f4b7422bb6e88ba034132c0c/2.mp3',
      z_index: 1,
    },
    agent_name: 'chat_bot_v3',
  },
  {
    socket_type: 'agent_event',
    socket_message: 'request_completed',
    socket_status: 1003,
    event_name: 'agent_action',
    agent_output: {
      output_type: 'tts',
      audio_seconds: 4.47,
      tts_audio: 'https://api.mindcraft.com.cn/static/agent/4a312ef1f4b7422bb6e88ba034132c0c/3.mp3',
      z_index: 2,
    },
    agent_name: 'chat_bot_v3',
  },
  { socket_type: 'agent_event', socket_message: 'agent_stop', socket_status: 1006, event_name: 'agent_action', agent_name: 'chat_bot_v3' },
];

let seq = 0;
const at = (e: NewEvent): SessionEvent => ({
  seq: ++seq,
  t: seq * 5,
  at: new Date(Date.UTC(2026, 0, 1) + seq * 5).toISOString(),
  dir: e.dir,
  kind: e.kind,
  summary: e.summary,
  data: e.data,
});
const local = (kind: string, data: unknown): SessionEvent => at({ kind, dir: 'local', summary: kind, data });

let mounted: Mounted<Record<string, unknown>> | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

describe('Mindcraft panel: the document example stream', () => {
  it('shows the recognised text from asr_content, the segments in z_index order and the turn figures', async () => {
    window.parley = { invoke: (async () => ({})) as never, on: () => () => undefined };
    mounted = mount(Extras, { profileId: 'p', sessionId: 'doc', operation: 'chat_bot_v3', payload: {} });
    const sessions = useSessionsStore();
    sessions.upsertSummary({
      id: 'doc',
      vendor: 'mindcraft',
      operation: 'chat_bot_v3',
      profileId: 'p',
      target: 'live',
      startedAt: '',
      endedAt: '',
      durationMs: 1,
      state: 'running',
      outcome: '',
      eventCount: 1,
    });
    sessions.ingest('doc', [
      at({ kind: 'ws.open', dir: 'in', summary: 'open', data: {} }),
      local('mindcraft.auth', { method: 'api_key', confirmedBy: null, documented: true }),
      at({
        kind: 'ws.frame',
        dir: 'out',
        summary: 'start',
        data: { socket_type: 'agent_event', event_name: 'agent_action', event_params: { agent_name: 'chat_bot_v3', mode: 'customize' } },
      }),
      at({ kind: 'ws.frame', dir: 'out', summary: 'stop upload', data: { socket_type: 'intervent_event', event_name: 'stream_asr' } }),
      ...DOC_STREAM.map((f) => at(toEvent(parseServerFrame(JSON.stringify(f))))),
      local('metric', { name: 'mindcraft.first_asr_ms', value: 412, unit: 'ms', turn: 1, source: 'measured' }),
      local('metric', { name: 'mindcraft.first_llm_ms', value: 412, unit: 'ms', turn: 1, source: 'measured' }),
      local('mindcraft.turn', { turn: 1, state: 'done' }),
    ]);
    await until(() => !!mounted!.el.querySelector('[data-test=asr]'));
    const turn = mounted.el.querySelector('[data-test=turn-1]')!;
    expect(turn.querySelector('[data-test=asr]')!.textContent).toBe('你好啊');
    expect(turn.querySelector('[data-test=emotion]')!.textContent).toContain('happy');
    expect([...turn.querySelectorAll('[data-test=segment] .seg-text')].map((s) => s.textContent)).toEqual([
      '林小宅你好呀!',
      '(*^▽^*) 今天过得怎么样呢?',
      '我刚刚发现了一部超好看的热血动漫,想不想知道是哪一部?',
    ]);
    expect([...turn.querySelectorAll('[data-test=segment]')].map((s) => s.textContent)).toEqual([
      expect.stringContaining('1.26 s'),
      expect.stringContaining('2.13 s'),
      expect.stringContaining('4.47 s'),
    ]);
    expect(turn.querySelector('[data-metric="mindcraft.first_asr_ms"]')!.textContent).toBe('412 ms');
    expect(mounted.el.querySelector('[data-test=auth]')!.textContent).toBe('API key (Authorization header) · no ack expected');
  });
});
