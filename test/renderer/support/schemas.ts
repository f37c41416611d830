import type { JsonSchema } from '../../../src-main/core/schema.ts';
// The kitchen sink has no generated validator: this page compiles it at run time (support/runtime-compiler.ts).
import './runtime-compiler.ts';

/** A payload schema exercising every form feature (shaped like the vendors' real ones: Tencent, Convai, Mindcraft). */
export const kitchenSink: JsonSchema = {
  type: 'object',
  required: ['RoomId', 'Mode', 'Volume', 'LLMConfig'],
  'x-order': ['RoomId', 'Mode'],
  properties: {
    Mode: {
      type: 'integer',
      enum: [1, 2],
      description: { en: 'Room id type', zh: '房间号类型' },
      'x-enum-labels': { '1': { en: 'Numeric room', zh: '数字房间号' }, '2': { en: 'String room', zh: '字符串房间号' } },
    },
    RoomId: { type: 'string', minLength: 1, description: { en: 'TRTC room id', zh: 'TRTC 房间号' } },
    Volume: { type: 'integer', minimum: 0, maximum: 100, 'x-unit': '%', default: 50 },
    Debug: { type: 'boolean', description: { en: 'Verbose logs', zh: '详细日志' } },
    ApiKey: { type: 'string', description: { en: 'Key or a secret reference', zh: '密钥或密钥引用' } },
    Timing: {
      type: 'object',
      description: { en: 'Timing options', zh: '时间选项' },
      properties: { SilenceMs: { type: 'integer', minimum: 200, maximum: 5000, 'x-unit': 'ms' }, Vad: { type: 'boolean' } },
    },
    Actions: {
      type: 'array',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, weight: { type: 'number', minimum: 0, maximum: 1 } } },
    },
    LLMConfig: {
      type: 'object',
      'x-wire': 'json-string',
      required: ['LLMType'],
      description: { en: 'LLM settings, sent as a JSON string', zh: 'LLM 设置，以 JSON 字符串发送' },
      properties: {
        LLMType: { type: 'string', enum: ['openai', 'minimax'] },
        Model: { type: 'string' },
        Temperature: { type: 'number', minimum: 0, maximum: 2 },
      },
    },
    Auth: {
      oneOf: [
        {
          title: { en: 'API key', zh: 'API 密钥' },
          type: 'object',
          required: ['kind', 'key'],
          properties: { kind: { const: 'key' }, key: { type: 'string' } },
        },
        {
          title: { en: 'Device token', zh: '设备令牌' },
          type: 'object',
          required: ['kind', 'token'],
          properties: { kind: { const: 'token' }, token: { type: 'string' } },
        },
      ],
    },
  },
};

export const sinkExample = { RoomId: 'room-1', Mode: 1, Volume: 50, LLMConfig: { LLMType: 'openai', Model: 'gpt-4o' } };
