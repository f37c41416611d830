import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clientMessages, parseServerFrame, socketUrl, toEvent } from '../../../src-main/core/vendors/mindcraft/protocol.ts';
import { SOCKET_STATUSES, statusInfo } from '../../../src-main/core/vendors/mindcraft/status.ts';

// The four examples from docs/mindcraft-chatbot-v3.txt, verbatim.
const DOC = [
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "emotion", "emotion_output": "happy"}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "llm", "asr_content": "你好啊", "llm_response": "林小宅你好呀!", "z_index": 0}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "request_completed", "socket_status": 1003, "event_name": "agent_action", "agent_output": {"output_type": "tts", "audio_seconds": 1.26, "tts_audio": "https://api.mindcraft.com.cn/v1/data/get_stream_tts/4a312ef1f4b7422bb6e88ba034132c0c.mp3", "z_index": 0}, "agent_name": "chat_bot_v3"}',
  '{"socket_type": "agent_event", "socket_message": "agent_stop", "socket_status": 1006, "event_name": "agent_action", "agent_name": "chat_bot_v3"}',
];

describe('server frame parsing', () => {
  it('parses the doc examples (agent_output at top level, 1003)', () => {
    const [emotion, llm, tts, stop] = DOC.map(parseServerFrame);
    expect(emotion).toMatchObject({ type: 'emotion', emotion: 'happy', placement: 'top-level', status: { code: 1003, name: 'request_completed' } });
    expect(llm).toMatchObject({ type: 'llm', zIndex: 0, text: '林小宅你好呀!', asrContent: '你好啊', placement: 'top-level' });
    expect(tts).toMatchObject({ type: 'tts', zIndex: 0, audioSeconds: 1.26, url: expect.stringMatching(/get_stream_tts\/4a31.*\.mp3$/) });
    expect(stop).toMatchObject({ type: 'agent_stop', forced: false, status: { code: 1006, name: 'agent_stop', severity: 'info' } });
  });

  it('parses the V3 demo placement (socket_data.agent_output, 1007) and says which placement it was', () => {
    const m = parseServerFrame(
      JSON.stringify({
        socket_status: 1007,
        socket_data: { agent_output: { output_type: 'tts', tts_audio: 'https://x/1.mp3', z_index: '2', audio_seconds: '2.5' } },
      }),
    );
    expect(m).toMatchObject({ type: 'tts', zIndex: 2, audioSeconds: 2.5, placement: 'socket_data', status: { code: 1007, name: 'agent_return' } });
    expect(toEvent(m)).toMatchObject({ kind: 'mindcraft.tts', data: { placement: 'socket_data', z_index: 2 } });
  });

  it('parses ASR text (1004 socket_data.text), forced stops, V2 emotion_value and auth confirmations', () => {
    expect(parseServerFrame('{"socket_status":1004,"socket_data":{"text":"你好","is_final":true}}')).toMatchObject({ type: 'asr', text: '你好', final: true });
    expect(parseServerFrame('{"socket_status":1006,"socket_message":"agent_stop_force"}')).toMatchObject({ type: 'agent_stop', forced: true });
    expect(parseServerFrame('{"socket_status":1003,"agent_output":{"emotion_value":"sad","to_sleep":false}}')).toMatchObject({
      type: 'emotion',
      emotion: 'sad',
    });
    expect(parseServerFrame('{"socket_status":1008,"socket_message":"connection_established"}')).toMatchObject({
      type: 'connected',
      via: 'connected_with_token',
    });
    expect(parseServerFrame('{"socket_status":2002}')).toMatchObject({ type: 'connected', via: 'auth_succeeded' });
  });

  it('turns error statuses into errors with the vendor message and echoed socket_id', () => {
    const m = parseServerFrame('{"socket_status":3001,"socket_message":"error","socket_id":"parley-7","socket_data":{"error":"no recognisable speech"}}');
    expect(m).toMatchObject({
      type: 'error',
      code: '3001',
      message: 'no recognisable speech',
      socketId: 'parley-7',
      status: { name: 'param_error', severity: 'error' },
    });
    expect(parseServerFrame('{"socket_status":4006,"socket_data":{"message":"agent crashed"}}')).toMatchObject({
      type: 'error',
      code: '4006',
      message: 'agent crashed',
    });
    expect(parseServerFrame('{"socket_status":2003}')).toMatchObject({
      type: 'error',
      status: { fatal: true },
      message: 'auth request timed out (the demo reports: wrong API key)',
    });
    const e = toEvent(parseServerFrame('{"socket_status":2001,"socket_data":{"error":"bad key"}}'));
    expect(e).toMatchObject({ kind: 'mindcraft.error', summary: '2001 auth_failed · bad key' });
  });

  it('keeps an unknown agent_output and unknown statuses instead of dropping them', () => {
    expect(parseServerFrame('{"socket_status":1003,"agent_output":{"output_type":"image","url":"x"}}')).toMatchObject({
      type: 'agent_output',
      outputType: 'image',
    });
    expect(parseServerFrame('{"socket_status":1999}')).toMatchObject({ type: 'status', status: { name: 'unknown_1999', severity: 'warn' } });
    expect(parseServerFrame('{"socket_status":7777}')).toMatchObject({ type: 'error', status: { name: 'unknown_7777', severity: 'error' } });
  });

  it('never throws: anything that is not a JSON object becomes a bad_frame event', () => {
    expect(parseServerFrame('{"socket_status": 10')).toMatchObject({ type: 'bad_frame', reason: expect.stringMatching(/^not JSON/) });
    expect(parseServerFrame('[1,2]')).toMatchObject({ type: 'bad_frame', reason: 'expected a JSON object' });
    expect(toEvent(parseServerFrame('null'))).toMatchObject({ kind: 'mindcraft.bad_frame', data: { severity: 'error' } });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const event = toEvent(parseServerFrame(text));
        expect(event.kind).toMatch(/^mindcraft\./);
        expect(typeof event.summary).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});

describe('socket_status table', () => {
  it('gives every documented code a name and a severity', () => {
    const codes = [0, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 2001, 2002, 2003, 2004, 3001, 3002, 3003, 4001, 4002, 4006, 4008, 5001, 5002, 5003, 5004];
    expect(SOCKET_STATUSES.map((s) => s.code)).toEqual(codes);
    for (const code of codes) {
      const s = statusInfo(code);
      expect(s.name).toMatch(/^[a-z_]+$/);
      expect(['info', 'warn', 'error']).toContain(s.severity);
      expect(s.meaning.zh.length).toBeGreaterThan(0);
    }
    expect(codes.filter((c) => statusInfo(c).fatal)).toEqual([2001, 2003, 2004, 3002, 5001, 5002, 5003, 5004]);
  });
});

describe('client messages and URL', () => {
  it('builds the documented client messages', () => {
    expect(clientMessages.authToken('k')).toEqual({ socket_type: 'agent_event', event_name: 'auth_token', event_params: { token: 'k' } });
    expect(clientMessages.start({ agent_name: 'chat_bot_v3' })).toEqual({
      socket_type: 'agent_event',
      event_name: 'agent_action',
      event_params: { agent_name: 'chat_bot_v3' },
    });
    expect(clientMessages.stopUpload('stream_asr')).toEqual({ socket_type: 'intervent_event', event_name: 'stream_asr' });
    expect(clientMessages.stopUpload('agent_action')).toEqual({ socket_type: 'intervent_event', event_name: 'agent_action' });
    expect(clientMessages.stopOutput()).toEqual({ socket_type: 'intervent_event', event_name: 'stream_output' });
  });

  it('puts the device token and extra query on the URL, URL-encoded', () => {
    expect(socketUrl('wss://api.mindcraft.com.cn/socket-v1/', '')).toBe('wss://api.mindcraft.com.cn/socket-v1/');
    expect(socketUrl('wss://api.mindcraft.com.cn/socket-v1/', 'type=mcu&response_detail=1', 'a b&c')).toBe(
      'wss://api.mindcraft.com.cn/socket-v1/?type=mcu&response_detail=1&token=a+b%26c',
    );
    expect(() => socketUrl('not a url', '')).toThrow();
  });
});
