import { roundToNearest, sourceMarks, type JsonSchema } from '../../../schema.ts';
import type { PayloadError, PayloadRules } from '../../types.ts';

/** Constraint sources: entries of docs/vendors/convai.md. */
const { documented, inferred, source } = sourceMarks('convai');

/** Base URLs of the Connect API (docs/vendors/convai.md#endpoint-and-auth): the doc's host and the official SDK's default. */
export const CONVAI_BASE_URLS = ['https://live.convai.com', 'https://realtime-api.convai.com'] as const;
export const DEFAULT_BASE_URL = CONVAI_BASE_URLS[0];

export const AUDIO_ROUTINGS = ['audio_only', 'data_only', 'both'] as const;
export type AudioRouting = (typeof AUDIO_ROUTINGS)[number];

/**
 * Convai rounds the chunk duration to the nearest 10 ms, half up (四舍五入; 95 → 100, 45 → 50, 91 → 90): see
 * docs/vendors/convai.md#max-chunk-duration-ms. Every place that shows the effective value uses this.
 */
export function roundChunkDuration(ms: number): number {
  return roundToNearest(ms, 10);
}

/** A key the doc only shows inside an example object: missing or extra keys around it are warnings (docs/vendors/convai.md#example-objects). */
const exampleKey = (title: string, zh: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  title: { en: title, zh },
  ...inferred('example-objects'),
  ...extra,
});

const outputSchema: JsonSchema = {
  type: 'object',
  title: { en: 'Output', zh: '输出' },
  ...documented('audio-config'),
  properties: {
    audio_routing: {
      type: 'string',
      title: { en: 'Audio routing', zh: '音频路由' },
      enum: [...AUDIO_ROUTINGS],
      default: 'audio_only',
      ...documented('audio-config'),
      description: {
        en: 'How the character audio is delivered: "audio_only" (default) a standard WebRTC audio track (recommended); "data_only" audio-data messages on the data channel for custom processing; "both" the track and the data channel. Only with the LiveKit transport.',
        zh: '控制音频传送方式："audio_only"（默认）标准 WebRTC 音频轨道（推荐）；"data_only" 通过数据通道接收音频数据消息以进行自定义处理；"both" 同时通过音频轨道和数据通道接收。仅支持 LiveKit 传输。',
      },
      'x-enum-labels': {
        audio_only: { en: 'Audio track only (default)', zh: '仅音频轨道（默认）' },
        data_only: { en: 'Data channel only', zh: '仅数据通道' },
        both: { en: 'Track and data channel', zh: '音频轨道和数据通道' },
      },
    },
    max_chunk_duration_ms: {
      type: 'integer',
      title: { en: 'Max chunk duration', zh: '最大分块时长' },
      minimum: 10,
      maximum: 1000,
      default: 100,
      'x-unit': 'ms',
      ...documented('max-chunk-duration-ms'),
      // The renderer shows "Convai uses N ms" next to the field (rounded to the nearest 10 ms, half up).
      'x-hint': 'round-nearest-10',
      description: {
        en: 'Audio chunk size on the data channel, 10-1000 ms (default 100). Lower = lower latency, more overhead; higher = better on unstable networks. Convai rounds it to the nearest 10 ms: 95 ms → 100 ms, 45 ms → 50 ms, 91 ms → 90 ms.',
        zh: '音频分块大小（10-1000 毫秒，默认 100 毫秒）。值越低延迟越低、开销越大；值越高更适合不稳定的网络。四舍五入到最接近的 10 毫秒：95 毫秒 → 100 毫秒，45 毫秒 → 50 毫秒，91 毫秒 → 90 毫秒。',
      },
    },
    add_wav_header: {
      type: 'boolean',
      title: { en: 'Add WAV header', zh: '添加 WAV 头' },
      default: false,
      ...documented('add-wav-header'),
      description: {
        en: 'Prefix every data-channel audio chunk with a 44-byte WAV header (default false). Only has an effect with "data_only" or "both" routing.',
        zh: '在数据通道分块中包含 44 字节 WAV 头（默认：false）。仅在使用 data_only 或 both 路由时有效。',
      },
    },
  },
  // With audio_only routing add_wav_header is ignored by Convai (not an error): the form shows a note, and
  // validateConnect() a warning. The note is a form annotation only; it constrains nothing.
  if: { properties: { audio_routing: { const: 'audio_only' } } },
  then: {
    properties: {
      add_wav_header: {
        'x-note': {
          en: 'Has no effect with audio_routing audio_only: it only applies to data_only or both.',
          zh: 'audio_routing 为 audio_only 时无效：仅适用于 data_only 或 both。',
        },
      },
    },
  },
};

export const connectSchema: JsonSchema = {
  type: 'object',
  title: { en: 'Connect to a character', zh: '连接到角色' },
  required: ['character_id'],
  ...documented('request-body'),
  'x-order': [
    'character_id',
    'connection_type',
    'character_session_id',
    'end_user_id',
    'dynamic_info',
    'scene_description',
    'audio_config',
    'debug',
    'speaker_id',
  ],
  properties: {
    character_id: {
      type: 'string',
      title: { en: 'Character ID', zh: '角色 ID' },
      minLength: 1,
      ...documented('request-body'),
      'x-constraint-sources': { minLength: source('inferred', 'request-body') },
      description: { en: 'Unique ID of the character to connect to.', zh: '要连接的角色的唯一 ID。' },
    },
    connection_type: {
      type: 'string',
      title: { en: 'Connection type', zh: '连接类型' },
      enum: ['audio', 'video'],
      default: 'audio',
      ...documented('request-body'),
      description: { en: 'Connection mode of the session: "audio" (default) or "video".', zh: '会话的连接模式。支持的值："audio"（默认）或 "video"。' },
      'x-enum-labels': { audio: { en: 'Audio (default)', zh: '音频（默认）' }, video: { en: 'Video', zh: '视频' } },
    },
    character_session_id: {
      type: 'string',
      title: { en: 'Character session ID', zh: '角色会话 ID' },
      minLength: 1,
      ...documented('request-body'),
      'x-constraint-sources': { minLength: source('inferred', 'request-body') },
      description: {
        en: 'Existing session ID to keep the conversation going. Omit it to start a new conversation without previous context; reuse the returned one to keep context.',
        zh: '用于保持对话连续性的现有会话 ID。如省略，将生成一个新的（无先前上下文）；复用返回的值以保持上下文。',
      },
    },
    dynamic_info: {
      type: 'object',
      title: { en: 'Dynamic info', zh: '动态信息' },
      ...documented('dynamic-info'),
      'x-constraint-sources': { required: source('inferred', 'example-objects') },
      required: ['text'],
      properties: { text: exampleKey('Text', '文本', { description: { en: 'Real-time context text.', zh: '实时上下文文本。' } }) },
      description: { en: 'Real-time context data that influences the conversation flow.', zh: '用于影响对话流程的实时上下文数据。' },
    },
    scene_description: {
      type: 'array',
      title: { en: 'Scene description', zh: '场景描述' },
      ...documented('scene-description'),
      description: {
        en: 'Description of the current scene or environment, as a list of named entries.',
        zh: '当前场景或环境上下文的描述（名称与描述的列表）。',
      },
      items: {
        type: 'object',
        ...inferred('example-objects'),
        required: ['name', 'description'],
        properties: { name: exampleKey('Name', '名称'), description: exampleKey('Description', '描述') },
      },
    },
    end_user_id: {
      type: 'string',
      title: { en: 'End user ID', zh: '最终用户 ID' },
      minLength: 1,
      ...documented('request-body'),
      'x-constraint-sources': { minLength: source('inferred', 'request-body') },
      description: {
        en: 'Your own unique identifier of the end user; tags the session and enables long-term memory.',
        zh: '用户管理的唯一标识符，用于标记会话并使用长期记忆。',
      },
    },
    speaker_id: {
      type: 'string',
      title: { en: 'Speaker ID (legacy)', zh: '说话人 ID（旧版）' },
      minLength: 1,
      ...inferred('legacy-speaker-id'),
      description: {
        en: 'Older revision of end_user_id. The official SDK still sends it next to end_user_id.',
        zh: 'end_user_id 的旧版字段。官方 SDK 在设置 end_user_id 时仍会发送。',
      },
    },
    debug: {
      type: 'boolean',
      title: { en: 'Debug metrics', zh: '调试指标' },
      default: false,
      ...documented('request-body'),
      description: {
        en: 'Enable RTVI metrics (ttfb, processing, custom) on the data channel.',
        zh: '在数据通道上启用 RTVI 指标（ttfb、processing、custom）。',
      },
    },
    audio_config: {
      type: 'object',
      title: { en: 'Audio config', zh: '音频配置' },
      ...documented('audio-config'),
      description: {
        en: 'Audio output behaviour. Only supported with the LiveKit transport (the default).',
        zh: '音频输出行为的配置。仅支持 LiveKit 传输（默认）。',
      },
      properties: { output: outputSchema },
    },
  },
};

/** A character the Convai sandbox knows (also the example's character). */
export const SANDBOX_CHARACTER_ID = '6b8f7c1e-0d1a-4c6e-9a57-3c1f0e2d9a11';

/** The doc's example request, with the sandbox character so it runs as is. */
export const connectExample: Record<string, unknown> = {
  character_id: SANDBOX_CHARACTER_ID,
  connection_type: 'audio',
  dynamic_info: { text: 'The user is standing at the museum entrance.' },
  scene_description: [{ name: 'Museum lobby', description: 'A bright hall with a ticket desk and a dinosaur skeleton.' }],
  debug: true,
  audio_config: { output: { audio_routing: 'both', max_chunk_duration_ms: 100, add_wav_header: false } },
};
connectSchema.examples = [connectExample];

export const ADD_WAV_HEADER_NO_EFFECT =
  '/audio_config/output/add_wav_header: has no effect with audio_routing "audio_only" (it only applies to "data_only" or "both"); sent as is';

/** Advice JSON Schema cannot phrase. Shared by the form (payload.validate), the CLI and the sandbox. */
export function validateConnect(payload: Record<string, unknown>): PayloadError[] {
  const findings: PayloadError[] = [];
  const output = (payload.audio_config as { output?: Record<string, unknown> } | undefined)?.output;
  if (output && typeof output === 'object' && output.add_wav_header === true && (output.audio_routing ?? 'audio_only') === 'audio_only')
    findings.push({
      path: '/audio_config/output/add_wav_header',
      message: ADD_WAV_HEADER_NO_EFFECT,
      severity: 'warning',
      source: source('documented', 'add-wav-header'),
    });
  return findings;
}

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  'x-order': ['endpoint', 'ice_transport_policy'],
  properties: {
    endpoint: {
      type: 'string',
      title: { en: 'Base URL', zh: '基础 URL' },
      default: DEFAULT_BASE_URL,
      pattern: '^https?://[^\\s/]+(:[0-9]+)?(/[^\\s]*)?$',
      // Two known hosts plus any custom URL (a proxy, a staging host): choices are suggestions, not an enum.
      examples: [...CONVAI_BASE_URLS],
      'x-enum-labels': {
        'https://live.convai.com': { en: 'live.convai.com (documented)', zh: 'live.convai.com（文档）' },
        'https://realtime-api.convai.com': { en: 'realtime-api.convai.com (official SDK default)', zh: 'realtime-api.convai.com（官方 SDK 默认）' },
      },
      'x-allow-custom': true,
      description: {
        en: 'Base URL for live mode; /connect is appended. Choose one of the known hosts or type a custom URL.',
        zh: '线上模式的基础 URL，会在后面追加 /connect。可选已知主机或输入自定义 URL。',
      },
    },
    ice_transport_policy: {
      type: 'string',
      title: { en: 'ICE transport policy', zh: 'ICE 传输策略' },
      enum: ['relay', 'all'],
      default: 'relay',
      description: {
        en: 'How the console joins the LiveKit room. The official SDK forces TURN relay; "all" also tries direct paths.',
        zh: '控制台加入 LiveKit 房间的方式。官方 SDK 强制使用 TURN 中继；"all" 也会尝试直连。',
      },
      'x-enum-labels': { relay: { en: 'TURN relay only (as the SDK)', zh: '仅 TURN 中继（与 SDK 相同）' }, all: { en: 'All candidates', zh: '全部候选' } },
    },
    conversations: {
      type: 'object',
      'x-hidden': true,
      description: {
        en: 'Remembered character_session_id per character (see conversations.ts).',
        zh: '按角色记住的 character_session_id（见 conversations.ts）。',
      },
      additionalProperties: {
        type: 'object',
        required: ['character_session_id', 'updated_at'],
        properties: { character_session_id: { type: 'string', minLength: 1 }, updated_at: { type: 'string' } },
      },
    },
  },
};

export function defaultSettings(_target: 'sandbox' | 'live'): Record<string, unknown> {
  return { endpoint: DEFAULT_BASE_URL, ice_transport_policy: 'relay' };
}

/** The operations' rules beyond JSON Schema, run by main and by the renderer's form alike. */
export const PAYLOAD_RULES = { connect: validateConnect } as const satisfies PayloadRules;
