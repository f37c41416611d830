import { sourceMarks, type JsonSchema } from '../../../schema.ts';
import type { PayloadError, PayloadRules } from '../../types.ts';

/** Constraint sources: entries of docs/vendors/mindcraft.md. */
const { documented, inferred, source } = sourceMarks('mindcraft');
const param = documented('chat-bot-v3-parameters');

/**
 * chat_bot_v3 start parameters (docs/vendors/mindcraft.md#chat-bot-v3-parameters). The one source for the form,
 * the console's validation and the sandbox's 3001 checks. `asr_text` is the demo's text-turn field (inferred).
 */
export const TTS_MODELS = [
  'TX_TTSP_realtime',
  'TX_TTSL_realtime',
  'MM_TTSL_realtime_speech-01-turbo',
  'ZJ_TTSL_realtime',
  'ALI_TTSL_realtime_cosyvoice-v1',
  'XF_TTS_realtime',
  'BD_TTS_realtime_zh',
] as const;

export const chatBotV3Schema: JsonSchema = {
  type: 'object',
  title: { en: 'chat_bot_v3', zh: 'chat_bot_v3' },
  description: {
    en: 'Parameters of the chat_bot_v3 start message (event_params of agent_event / agent_action).',
    zh: 'chat_bot_v3 初始创建消息的参数(agent_event / agent_action 的 event_params)。',
  },
  // agent_name has a documented default and is not marked required; only mode is.
  required: ['mode'],
  ...param,
  'x-order': [
    'agent_name',
    'mode',
    'character_uuid',
    'profile_uuid',
    'voice_id',
    'speed',
    'tts_model',
    'emotion_output',
    'upload_format',
    'upload_sample_rate',
    'language',
    'llm_model',
    'max_tokens',
    'user_name',
    'user_age',
    'bot_name',
    'bot_character_description',
    'bot_personality',
    'bot_tone',
    'session_token',
    'asr_text',
  ],
  properties: {
    agent_name: {
      type: 'string',
      ...param,
      enum: ['chat_bot_v3'],
      default: 'chat_bot_v3',
      title: { en: 'Agent', zh: '智能体名称' },
      description: { en: 'Name of the agent to call.', zh: '调用智能体名称' },
    },
    mode: {
      type: 'string',
      ...param,
      enum: ['pro', 'standard', 'customize'],
      default: 'pro',
      title: { en: 'Mode', zh: '模式' },
      description: { en: 'Agent mode. customize uses the persona fields below.', zh: '智能体模式;customize 使用下方的人设字段。' },
      'x-enum-labels': {
        pro: { en: 'Pro', zh: '专业版' },
        standard: { en: 'Standard', zh: '标准版' },
        customize: { en: 'Customize', zh: '自定义' },
      },
    },
    character_uuid: {
      type: 'string',
      ...param,
      title: { en: 'Character UUID', zh: '角色 UUID' },
      description: { en: 'Character to talk to. When set, its voice replaces voice_id.', zh: '角色 UUID;设置后自动使用该角色的音色,voice_id 无效。' },
      examples: ['mc20250326a54kf'],
    },
    profile_uuid: {
      type: 'string',
      ...param,
      title: { en: 'Profile UUID', zh: '档案 UUID' },
      description: { en: 'User profile UUID.', zh: '用户档案 UUID。' },
      examples: ['mc20250327a58srl'],
    },
    voice_id: {
      type: 'string',
      ...param,
      default: 'female-tianmei',
      title: { en: 'Voice', zh: '音色' },
      description: {
        en: "Bot voice (see the TTS voice list). Required unless character_uuid is set, which picks the character's voice.",
        zh: '机器人的语音音色,对应的音色请参考 TTS 音色列表。若是调用 character_uuid 则此字段无效,自动选择 character_uuid 中的音色。',
      },
      examples: ['cute_boy', 'female-tianmei'],
    },
    speed: {
      type: 'number',
      ...param,
      default: 0,
      title: { en: 'Speech speed', zh: '语速' },
      description: { en: "TTS speed adjustment (0: the voice's normal speed).", zh: '语速调节(0 为音色默认语速)。' },
      examples: [0],
    },
    tts_model: {
      type: 'string',
      ...param,
      enum: [...TTS_MODELS],
      default: 'TX_TTSP_realtime',
      title: { en: 'TTS model', zh: 'TTS 模型' },
      description: { en: 'Speech synthesis model.', zh: '语音合成模型。' },
      'x-enum-labels': {
        TX_TTSP_realtime: { en: 'Tencent TTS (premium, realtime)', zh: '腾讯 TTS 精品(实时)' },
        TX_TTSL_realtime: { en: 'Tencent TTS (large model, realtime)', zh: '腾讯 TTS 大模型(实时)' },
        'MM_TTSL_realtime_speech-01-turbo': { en: 'MiniMax speech-01-turbo (realtime)', zh: 'MiniMax speech-01-turbo(实时)' },
        ZJ_TTSL_realtime: { en: 'ZJ TTS (large model, realtime)', zh: 'ZJ TTS 大模型(实时)' },
        'ALI_TTSL_realtime_cosyvoice-v1': { en: 'Alibaba CosyVoice v1 (realtime)', zh: '阿里 CosyVoice v1(实时)' },
        XF_TTS_realtime: { en: 'iFlytek TTS (realtime)', zh: '讯飞 TTS(实时)' },
        BD_TTS_realtime_zh: { en: 'Baidu TTS, Chinese (realtime)', zh: '百度 TTS 中文(实时)' },
      },
      examples: ['MM_TTSL_realtime_speech-01-turbo'],
    },
    emotion_output: {
      type: 'boolean',
      ...param,
      title: { en: 'Emotion output', zh: '情绪识别' },
      description: { en: 'Detect the emotion and send it as an emotion output before the answer.', zh: '是否启动识别情绪。' },
    },
    upload_format: {
      type: 'string',
      ...param,
      enum: ['pcm', 'wav', 'opus', 'speex', 'aac', 'amr'],
      default: 'pcm',
      title: { en: 'Upload format', zh: '语音识别格式' },
      description: { en: 'Format of the binary speech frames. Parley sends PCM s16le mono (pcm).', zh: '上传语音帧的格式;Parley 发送 PCM s16le 单声道(pcm)。' },
      'x-enum-labels': {
        pcm: { en: 'PCM s16le', zh: 'PCM s16le' },
        wav: { en: 'WAV', zh: 'WAV' },
        opus: { en: 'Opus', zh: 'Opus' },
        speex: { en: 'Speex', zh: 'Speex' },
        aac: { en: 'AAC', zh: 'AAC' },
        amr: { en: 'AMR', zh: 'AMR' },
      },
    },
    upload_sample_rate: {
      type: 'integer',
      ...param,
      enum: [8000, 16000],
      default: 16000,
      title: { en: 'Upload sample rate', zh: '语音识别采样率' },
      description: {
        en: 'Sample rate of the uploaded speech. Microphone and WAV input are resampled to it.',
        zh: '语音识别采样率;麦克风与 WAV 输入会重采样到该采样率。',
      },
      'x-unit': 'Hz',
      'x-enum-labels': { '8000': { en: '8 kHz', zh: '8 kHz' }, '16000': { en: '16 kHz', zh: '16 kHz' } },
    },
    language: {
      type: 'string',
      ...param,
      enum: ['auto', 'zh', 'en', 'ja', 'yue', 'ko'],
      default: 'auto',
      title: { en: 'Language', zh: '语言' },
      description: { en: 'Recognition and answer language.', zh: '识别与回答语言。' },
      'x-enum-labels': {
        auto: { en: 'Auto detect', zh: '自动' },
        zh: { en: 'Chinese (Mandarin)', zh: '中文(普通话)' },
        en: { en: 'English', zh: '英语' },
        ja: { en: 'Japanese', zh: '日语' },
        yue: { en: 'Cantonese', zh: '粤语' },
        ko: { en: 'Korean', zh: '韩语' },
      },
    },
    llm_model: {
      type: 'string',
      ...param,
      enum: ['GLM-4-Air', 'Doubao-1.5-lite-32k', 'abab6.5s-chat'],
      default: 'abab6.5s-chat',
      title: { en: 'LLM model', zh: 'LLM 大语言模型' },
      description: { en: 'Large language model that writes the answer.', zh: 'LLM 大语言模型。' },
      'x-enum-labels': {
        'GLM-4-Air': { en: 'Zhipu GLM-4-Air', zh: '智谱 GLM-4-Air' },
        'Doubao-1.5-lite-32k': { en: 'Doubao 1.5 lite 32k', zh: '豆包 1.5 lite 32k' },
        'abab6.5s-chat': { en: 'MiniMax abab6.5s-chat', zh: 'MiniMax abab6.5s-chat' },
      },
    },
    max_tokens: {
      type: 'integer',
      ...param,
      minimum: 20,
      maximum: 8000,
      default: 100,
      title: { en: 'Max tokens', zh: '最大 token 数' },
      description: { en: 'Upper limit of the answer length in tokens (20-8000).', zh: '回答最大 token 数(20-8000)。' },
    },
    user_name: {
      type: 'string',
      ...param,
      default: 'user_name',
      title: { en: 'User name', zh: '用户名' },
      description: { en: 'How the bot addresses the user.', zh: '用户名称。' },
      examples: ['小明'],
    },
    user_age: {
      type: 'integer',
      ...param,
      default: 5,
      title: { en: 'User age', zh: '用户年龄' },
      description: { en: 'User age, used to pitch the answers.', zh: '用户年龄设置。' },
    },
    bot_name: {
      type: 'string',
      ...param,
      default: '智酱',
      title: { en: 'Bot name', zh: '机器人名称' },
      description: { en: 'Name of the bot persona.', zh: '机器人名称。' },
    },
    bot_character_description: {
      type: 'string',
      ...param,
      title: { en: 'Character description', zh: '角色描述' },
      description: { en: 'Who the bot is.', zh: '机器人角色描述。' },
      examples: ['智酱是一个彩色史莱姆生物。这是一个搞笑的魔法生物,充满活力,喜欢探索新事物,喜欢帮助小朋友学习。'],
    },
    bot_personality: {
      type: 'string',
      ...param,
      default: '活泼,好奇,乐观,善良',
      title: { en: 'Personality', zh: '性格' },
      description: { en: 'Personality traits of the bot.', zh: '机器人性格。' },
    },
    bot_tone: {
      type: 'string',
      ...param,
      title: { en: 'Tone', zh: '语气' },
      description: { en: 'How the bot speaks.', zh: '机器人说话语气。' },
      examples: ['用拟人和口语化的方式回答用户,说话习惯附带emoji表情。'],
    },
    session_token: {
      type: 'string',
      ...param,
      title: { en: 'Session token', zh: '会话 token' },
      description: {
        en: 'Conversation to continue (from the session list / create-session API). Empty: a new conversation.',
        zh: '对话 session(通过获取对话列表 / 创建新对话接口得到);为空则新建对话。',
      },
      examples: ['0886a1f1-cd25-445a-9f3a-767032da9b84'],
    },
    asr_text: {
      type: 'string',
      minLength: 1,
      ...inferred('text-turn'),
      title: { en: 'Text turn', zh: '文本输入' },
      description: {
        en: "Send this text instead of speech: the session starts with a text turn (the demo's asr_text).",
        zh: '以文本代替语音输入:会话以一次文本对话开始(对应 demo 的 asr_text)。',
      },
    },
  },
};

/** The doc's example body (apifox "示例"). */
export const CHAT_BOT_V3_EXAMPLE: Record<string, unknown> = {
  agent_name: 'chat_bot_v3',
  mode: 'customize',
  profile_uuid: 'mc20250327a58srl',
  character_uuid: 'mc20250326a54kf',
  tts_model: 'MM_TTSL_realtime_speech-01-turbo',
  speed: 0,
  max_tokens: 100,
  emotion_output: true,
  session_token: '0886a1f1-cd25-445a-9f3a-767032da9b84',
  upload_format: 'pcm',
  upload_sample_rate: 16000,
  language: 'auto',
};

/**
 * Rules the schema cannot say: voice_id is documented as required, and as ignored when character_uuid is set (the
 * doc's own example has a character and no voice_id), so it is required unless a character is chosen.
 */
export function validateChatBotV3(payload: Record<string, unknown>): PayloadError[] {
  const errors: PayloadError[] = [];
  const hasCharacter = typeof payload.character_uuid === 'string' && payload.character_uuid.trim() !== '';
  const hasVoice = typeof payload.voice_id === 'string' && payload.voice_id.trim() !== '';
  if (!hasCharacter && !hasVoice)
    errors.push({
      path: '/voice_id',
      message: '/voice_id: required unless character_uuid is set',
      severity: 'error',
      source: source('documented', 'voice-id'),
    });
  return errors;
}

export const PRODUCTION_URL = 'wss://api.mindcraft.com.cn/socket-v1/';
export const GRAY_URL = 'wss://grayapi.mindcraft.com.cn/socket-v1/';

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint', 'authMethod'],
  properties: {
    endpoint: {
      type: 'string',
      pattern: '^wss?://',
      default: PRODUCTION_URL,
      title: { en: 'Socket URL', zh: 'Socket 地址' },
      description: { en: 'WebSocket URL for live mode. The gray (staging) host is offered as an alternative.', zh: '线上模式的 WebSocket 地址;可选灰度地址。' },
      examples: [PRODUCTION_URL, GRAY_URL],
      'x-enum-labels': { [PRODUCTION_URL]: { en: 'Production', zh: '正式' }, [GRAY_URL]: { en: 'Gray (staging)', zh: '灰度' } },
    },
    authMethod: {
      type: 'string',
      enum: ['api_key', 'api_key_message', 'device_token'],
      default: 'api_key',
      title: { en: 'Authentication', zh: '认证方式' },
      description: {
        en: 'API key: the documented "Authorization: Bearer <API key>" header on the WebSocket upgrade. The other two are seen in Mindcraft\'s own clients, not in the document: the API key as a first auth_token message, or a device token as ?token= on the URL.',
        zh: 'ApiKey:文档中的请求头 Authorization: Bearer <API key>(WebSocket 握手时发送)。另两种见于 Mindcraft 自己的客户端,文档未写:首条 auth_token 消息携带 ApiKey,或 URL 参数 ?token= 携带 DeviceToken。',
      },
      'x-enum-labels': {
        api_key: { en: 'API key (Authorization: Bearer header, documented)', zh: 'ApiKey(Authorization: Bearer 请求头,文档)' },
        api_key_message: { en: 'API key as first message auth_token (inferred)', zh: 'ApiKey 首条消息 auth_token(推断)' },
        device_token: { en: 'Device token (?token= on the URL, inferred)', zh: 'DeviceToken(URL ?token=,推断)' },
      },
    },
    stopUploadMessage: {
      type: 'string',
      enum: ['stream_asr', 'agent_action'],
      default: 'stream_asr',
      title: { en: 'Stop-upload message', zh: '停止语音上传消息' },
      description: {
        en: 'intervent_event stream_asr (V3 demo) or agent_action (older V2 firmware).',
        zh: 'intervent_event 的 stream_asr(V3 demo)或 agent_action(旧版 V2 固件)。',
      },
      'x-enum-labels': {
        stream_asr: { en: 'stream_asr (V3 demo)', zh: 'stream_asr(V3 demo)' },
        agent_action: { en: 'agent_action (V2 firmware)', zh: 'agent_action(V2 固件)' },
      },
    },
    query: {
      type: 'string',
      default: '',
      pattern: '^[^?#]*$',
      title: { en: 'Extra query parameters', zh: '附加 URL 参数' },
      description: {
        en: 'Added to the URL, e.g. type=mcu&response_detail=1&not_stream_asr=1 (seen in device firmware; meaning undocumented).',
        zh: '附加到 URL 的参数,例如 type=mcu&response_detail=1&not_stream_asr=1(设备固件中出现,含义未公开)。',
      },
      examples: ['type=mcu&response_detail=1&not_stream_asr=1'],
    },
    // Profiles saved before auth stopped waiting for an acknowledgement still carry it; nothing reads it.
    authAckMs: {
      type: 'integer',
      'x-hidden': true,
      description: {
        en: 'No longer used: Parley does not wait for an auth acknowledgement (the document shows none).',
        zh: '已不再使用：Parley 不等待鉴权确认（文档未给出）。',
      },
    },
    socketId: {
      type: 'boolean',
      default: false,
      title: { en: 'Send socket_id', zh: '发送 socket_id' },
      description: {
        en: 'Add a socket_id correlation id to every JSON message; the server echoes it (used as the request id).',
        zh: '每条 JSON 消息附带 socket_id,服务端会回传(作为请求 ID 显示)。',
      },
    },
  },
};

export type AuthMethod = 'api_key' | 'api_key_message' | 'device_token';

export interface MindcraftSettings {
  endpoint: string;
  authMethod: AuthMethod;
  stopUploadMessage: 'stream_asr' | 'agent_action';
  query: string;
  socketId: boolean;
}

export function defaultSettings(): MindcraftSettings {
  return { endpoint: PRODUCTION_URL, authMethod: 'api_key', stopUploadMessage: 'stream_asr', query: '', socketId: false };
}

export function readSettings(settings: Record<string, unknown>): MindcraftSettings {
  const { authAckMs: _ignored, ...rest } = settings as Partial<MindcraftSettings> & { authAckMs?: unknown };
  return { ...defaultSettings(), ...rest };
}

/** Which keychain credential an auth method sends, and how it is put on the wire (docs/vendors/mindcraft.md#authentication). */
export const AUTH_METHODS: Record<AuthMethod, { credential: 'API_KEY' | 'DEVICE_TOKEN'; label: string; documented: boolean }> = {
  api_key: { credential: 'API_KEY', label: 'API key (Authorization: Bearer header on the upgrade)', documented: true },
  api_key_message: { credential: 'API_KEY', label: 'API key (first message auth_token)', documented: false },
  device_token: { credential: 'DEVICE_TOKEN', label: 'device token (?token= on the URL)', documented: false },
};

/** The operations' rules beyond JSON Schema, run by main and by the renderer's form alike. */
export const PAYLOAD_RULES = { chat_bot_v3: validateChatBotV3 } as const satisfies PayloadRules;
