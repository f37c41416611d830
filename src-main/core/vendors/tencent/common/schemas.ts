/**
 * Payload schemas of the TRTC AI conversation APIs (2019-07-22). The single source for the form, core validation
 * and the sandbox's parameter checks. Facts and their sources: docs/vendors/tencent.md.
 */
import { sourceMarks, type JsonSchema, type Localized } from '../../../schema.ts';
import type { PayloadError, PayloadRules } from '../../types.ts';

/** Constraint sources: entries of docs/vendors/tencent.md. */
const { documented, inferred, source } = sourceMarks('tencent');

const doc = (en: string, zh: string): Pick<JsonSchema, 'description'> => ({ description: { en, zh } });
const labels = (map: Record<string, [string, string]>): Record<string, Localized> =>
  Object.fromEntries(Object.entries(map).map(([k, [en, zh]]) => [k, { en, zh }]));

export const API_VERSION = '2019-07-22';
export const ACTIONS = ['StartAIConversation', 'StopAIConversation', 'DescribeAIConversation', 'UpdateAIConversation', 'ControlAIConversation'] as const;
export type TencentAction = (typeof ACTIONS)[number];

/** The regions the StartAIConversation document says the API supports (docs/vendors/tencent.md#regions). */
export const REGIONS = ['ap-guangzhou', 'ap-singapore', 'ap-tokyo', 'na-siliconvalley'] as const;
/** Regions other Tencent pages name for the AI APIs; still outside the captured document, so a warning. */
export const OTHER_PAGE_REGIONS = ['na-ashburn', 'ap-beijing', 'ap-shanghai'] as const;
export const REGION_LABELS = labels({
  'ap-guangzhou': ['Guangzhou', '广州'],
  'ap-singapore': ['Singapore', '新加坡'],
  'ap-tokyo': ['Tokyo', '东京'],
  'na-siliconvalley': ['Silicon Valley', '硅谷'],
});

/** A region outside the document's four is sent as typed, with this warning (null when it is one of the four). */
export function regionWarning(region: string): string | null {
  if ((REGIONS as readonly string[]).includes(region)) return null;
  const elsewhere = (OTHER_PAGE_REGIONS as readonly string[]).includes(region) ? ' (other Tencent pages list it for the AI APIs)' : '';
  return `region ${region}: the StartAIConversation document lists only ${REGIONS.join(', ')}${elsewhere}; sent as is, Tencent may answer UnsupportedRegion`;
}
export const HOSTS = ['trtc.tencentcloudapi.com', 'trtc.intl.tencentcloudapi.com', 'custom'] as const;

const taskId: JsonSchema = {
  type: 'string',
  minLength: 1,
  ...documented('task-actions'),
  'x-constraint-sources': { minLength: source('inferred', 'task-actions') },
  ...doc('Task id returned by StartAIConversation.', 'StartAIConversation 返回的任务 ID。'),
};
const sdkAppId: JsonSchema = {
  type: 'integer',
  minimum: 1,
  ...documented('start-parameters'),
  'x-constraint-sources': { minimum: source('inferred', 'start-parameters') },
  ...doc('TRTC SdkAppId: the same SdkAppId as the room the conversation runs in.', 'TRTC 的 SdkAppId，与开启对话任务的房间使用的 SdkAppId 相同。'),
};

const interruptMode: JsonSchema = {
  type: 'integer',
  enum: [0, 1],
  ...documented('agentconfig'),
  default: 0,
  'x-enum-labels': labels({ 0: ['Server interrupts automatically', '服务端自动打断'], 1: ['Client sends the interrupt signal', '客户端发送打断信令'] }),
  ...doc('How the bot is interrupted while speaking.', '智能打断模式。'),
};
const interruptSpeechDuration: JsonSchema = {
  type: 'integer',
  minimum: 300,
  maximum: 5000,
  ...documented('agentconfig'),
  default: 500,
  'x-unit': 'ms',
  ...doc('Voice duration that triggers an interrupt when InterruptMode is 0.', 'InterruptMode 为 0 时，用户说话持续多久触发打断。'),
};
const welcomeMessage: JsonSchema = { type: 'string', ...documented('agentconfig'), ...doc('Greeting the bot speaks when it joins.', '机器人的欢迎语。') };

type Mark = ReturnType<typeof documented>;
const secretString = (mark: Mark, en: string, zh: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  ...mark,
  'x-constraint-sources': { minLength: source('inferred', 'llmconfig') },
  ...doc(en, zh),
});
const timeout = (mark: Mark): JsonSchema => ({
  type: 'number',
  exclusiveMinimum: 0,
  default: 3,
  'x-unit': 's',
  ...mark,
  ...doc('LLM request timeout.', 'LLM 请求超时时间。'),
});
const streaming = (mark: Mark): JsonSchema => ({ type: 'boolean', default: true, ...mark, ...doc('Use the streaming API.', '是否使用流式接口。') });
const apiUrl = (mark: Mark, en: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  ...mark,
  'x-constraint-sources': { minLength: source('inferred', 'llmconfig') },
  ...doc(en, 'LLM 接口地址。'),
});

export const KNOWN_LLM_TYPES = ['openai', 'dify', 'coze'] as const;
export const KNOWN_TTS_TYPES = ['flow', 'tencent'] as const;

/** The form's "other type" branch: any type name the known branches do not cover, with free-form settings. */
function otherType(tag: 'LLMType' | 'TTSType', known: readonly string[], mark: Mark): JsonSchema {
  return {
    type: 'object',
    title: { en: `Other ${tag}`, zh: `其他 ${tag}` },
    ...mark,
    required: [tag],
    'x-open-object': true,
    properties: {
      [tag]: {
        type: 'string',
        minLength: 1,
        not: { enum: [...known] },
        ...mark,
        'x-constraint-sources': { minLength: source('inferred', 'open-types') },
        examples: tag === 'TTSType' ? ['azure', 'cartesia', 'elevenlabs', 'minimax'] : [],
        ...doc(`A ${tag} Parley has no sub-form for; its settings go as typed.`, `Parley 暂无子表单的 ${tag}，其配置按原样发送。`),
      },
    },
    ...doc(
      `Any other ${tag}: the document gives its known types as examples, so other types are sent as typed (with a warning).`,
      `其他 ${tag}：文档仅举例已知类型，其他类型按原样发送（并给出提示）。`,
    ),
  };
}

/**
 * LLMConfig: a JSON string on the wire, one sub-form per known LLMType in the builder. The document names LLMType
 * "such as openai", so any other type is sent as typed (docs/vendors/tencent.md#open-types). Extra keys pass through.
 */
const llm = documented('llmconfig');
const llmOther = inferred('llmconfig-other-types');
export const llmConfigSchema: JsonSchema = {
  type: 'object',
  'x-wire': 'json-string',
  title: { en: 'LLMConfig', zh: 'LLMConfig' },
  ...llm,
  ...doc('LLM configuration (a JSON string on the wire).', 'LLM 配置（在请求中为 JSON 字符串）。'),
  required: ['LLMType'],
  oneOf: [
    {
      type: 'object',
      'x-selects': { required: ['LLMType'], properties: { LLMType: { const: 'openai' } } },
      title: { en: 'OpenAI-compatible', zh: 'OpenAI 兼容' },
      ...llm,
      required: ['LLMType', 'Model', 'APIKey', 'APIUrl'],
      'x-order': ['LLMType', 'Model', 'APIUrl', 'APIKey', 'Streaming', 'SystemPrompt', 'History', 'HistoryMode', 'Timeout', 'MetaInfo'],
      properties: {
        LLMType: { const: 'openai', type: 'string', ...llm, ...doc('Any OpenAI-compatible chat completions API.', '任何兼容 OpenAI 协议的大模型。') },
        Model: {
          type: 'string',
          minLength: 1,
          ...llm,
          'x-constraint-sources': { minLength: source('inferred', 'llmconfig') },
          examples: ['gpt-4o-mini'],
          ...doc('Model name.', '模型名称。'),
        },
        APIKey: secretString(llm, 'LLM API key: use a {{secret:LLM_API_KEY}} reference.', 'LLM 的 API Key，建议使用 {{secret:LLM_API_KEY}} 引用。'),
        APIUrl: apiUrl(llm, 'Chat completions URL, e.g. https://api.openai.com/v1/chat/completions.'),
        Streaming: streaming(llm),
        SystemPrompt: { type: 'string', ...llm, ...doc('System prompt.', '系统提示词。') },
        History: { type: 'integer', minimum: 0, maximum: 50, default: 0, ...llm, ...doc('Rounds of history sent to the LLM.', '携带的历史对话轮数。') },
        HistoryMode: {
          type: 'integer',
          enum: [0, 1],
          default: 0,
          ...llm,
          'x-enum-labels': labels({ 0: ['Full text', '完整文本'], 1: ['Sync context with the audio actually played', '按实际播放的音频同步上下文'] }),
          ...doc('How history is kept after an interrupt.', '历史上下文模式。'),
        },
        Timeout: timeout(llm),
        MetaInfo: { type: 'object', ...llm, ...doc('Passed through in the LLM request body.', '透传到 LLM 请求体中。') },
      },
    },
    {
      type: 'object',
      'x-selects': { required: ['LLMType'], properties: { LLMType: { const: 'dify' } } },
      title: { en: 'Dify', zh: 'Dify' },
      ...llmOther,
      required: ['LLMType', 'APIKey', 'APIUrl'],
      properties: {
        LLMType: { const: 'dify', type: 'string', ...llm, ...doc('Dify application.', 'Dify 应用。') },
        APIKey: secretString(llmOther, 'Dify API key: use a {{secret:LLM_API_KEY}} reference.', 'Dify API Key，建议使用 {{secret:LLM_API_KEY}} 引用。'),
        APIUrl: apiUrl(llmOther, 'Dify chat-messages URL.'),
        Streaming: streaming(llmOther),
        Inputs: { type: 'object', ...llmOther, ...doc('Dify app input variables.', 'Dify 应用的输入变量。') },
        User: { type: 'string', ...llmOther, ...doc('Dify end-user id.', 'Dify 用户标识。') },
        ConversationId: { type: 'string', ...llmOther, ...doc('Continue an existing Dify conversation.', '继续已有的 Dify 会话。') },
        Timeout: timeout(llmOther),
      },
    },
    {
      type: 'object',
      'x-selects': { required: ['LLMType'], properties: { LLMType: { const: 'coze' } } },
      title: { en: 'Coze', zh: 'Coze' },
      ...llmOther,
      required: ['LLMType', 'APIKey', 'APIUrl', 'BotId'],
      properties: {
        LLMType: { const: 'coze', type: 'string', ...llm, ...doc('Coze bot.', 'Coze 智能体。') },
        APIKey: secretString(
          llmOther,
          'Coze personal access token: use a {{secret:LLM_API_KEY}} reference.',
          'Coze 访问令牌，建议使用 {{secret:LLM_API_KEY}} 引用。',
        ),
        APIUrl: apiUrl(llmOther, 'Coze chat URL.'),
        BotId: { type: 'string', minLength: 1, ...llmOther, ...doc('Coze bot id.', 'Coze 智能体 ID。') },
        UserId: { type: 'string', ...llmOther, ...doc('Coze user id.', 'Coze 用户 ID。') },
        Streaming: streaming(llmOther),
        Timeout: timeout(llmOther),
      },
    },
    otherType('LLMType', KNOWN_LLM_TYPES, documented('open-types')),
  ],
};

/**
 * TTSConfig: a JSON string on the wire, one sub-form per known TTSType. The document gives Tencent Cloud TTS as one
 * example of the JSON string; other types (azure, cartesia, elevenlabs, minimax …) are sent as typed.
 */
const tts = documented('ttsconfig');
const flow = inferred('ttsconfig-flow');
export const ttsConfigSchema: JsonSchema = {
  type: 'object',
  'x-wire': 'json-string',
  title: { en: 'TTSConfig', zh: 'TTSConfig' },
  ...tts,
  ...doc('TTS configuration (a JSON string on the wire).', 'TTS 配置（在请求中为 JSON 字符串）。'),
  required: ['TTSType'],
  oneOf: [
    {
      type: 'object',
      'x-selects': { required: ['TTSType'], properties: { TTSType: { const: 'flow' } } },
      title: { en: 'TRTC built-in (flow)', zh: 'TRTC 内置（flow）' },
      ...flow,
      required: ['TTSType', 'VoiceId'],
      properties: {
        TTSType: { const: 'flow', type: 'string', ...tts, ...doc('TRTC built-in TTS.', 'TRTC 内置 TTS。') },
        VoiceId: { type: 'string', minLength: 1, ...flow, examples: ['v-female-R2s4N9qJ'], ...doc('Voice id.', '音色 ID。') },
        Model: { type: 'string', default: 'flow_01_turbo', ...flow, ...doc('TTS model.', 'TTS 模型。') },
        Speed: { type: 'number', minimum: 0.5, maximum: 2, default: 1, ...flow, ...doc('Speaking speed (0.5–2).', '语速（0.5–2）。') },
        Volume: { type: 'number', minimum: 0, maximum: 10, default: 1, ...flow, ...doc('Volume (0–10).', '音量（0–10）。') },
        Pitch: { type: 'integer', minimum: -12, maximum: 12, default: 0, ...flow, ...doc('Pitch in semitones (−12..12).', '音调（−12..12）。') },
        Language: {
          type: 'string',
          ...flow,
          enum: ['zh', 'en', 'yue'],
          'x-enum-labels': labels({ zh: ['Chinese', '中文'], en: ['English', '英文'], yue: ['Cantonese', '粤语'] }),
          ...doc('Language.', '语言。'),
        },
      },
    },
    {
      type: 'object',
      'x-selects': { required: ['TTSType'], properties: { TTSType: { const: 'tencent' } } },
      title: { en: 'Tencent Cloud TTS', zh: '腾讯云 TTS' },
      ...tts,
      required: ['TTSType', 'AppId', 'SecretId', 'SecretKey', 'VoiceType'],
      'x-order': ['TTSType', 'AppId', 'SecretId', 'SecretKey', 'VoiceType', 'Speed', 'Volume', 'PrimaryLanguage'],
      properties: {
        TTSType: { const: 'tencent', type: 'string', ...tts, ...doc('Tencent Cloud TTS.', '腾讯云语音合成。') },
        AppId: {
          type: 'integer',
          minimum: 1,
          ...tts,
          'x-constraint-sources': { minimum: source('inferred', 'ttsconfig') },
          ...doc('Tencent Cloud application id.', '腾讯云应用 ID。'),
        },
        SecretId: secretString(
          tts,
          'Tencent Cloud TTS SecretId: use a {{secret:TTS_SECRET_ID}} reference.',
          '腾讯云 TTS 的 SecretId，建议使用 {{secret:TTS_SECRET_ID}} 引用。',
        ),
        SecretKey: secretString(
          tts,
          'Tencent Cloud TTS SecretKey: use a {{secret:TTS_SECRET_KEY}} reference.',
          '腾讯云 TTS 的 SecretKey，建议使用 {{secret:TTS_SECRET_KEY}} 引用。',
        ),
        VoiceType: { type: 'integer', ...tts, examples: [101001, 1008], ...doc('Voice id (standard or premium voice).', '音色 ID，包括标准音色与精品音色。') },
        Speed: {
          // The document says "Integer" but shows 1.25 and allows two decimals: a number (docs/vendors/tencent.md#ttsconfig).
          type: 'number',
          minimum: -2,
          maximum: 6,
          default: 0,
          ...tts,
          ...doc('Speaking speed: −2 = 0.6×, −1 = 0.8×, 0 = 1.0×, 1 = 1.2×, 2 = 1.5×, 6 = 2.5×.', '语速：-2 为 0.6 倍，0 为正常，6 为 2.5 倍。'),
        },
        Volume: { type: 'number', minimum: 0, maximum: 10, default: 0, ...tts, ...doc('Volume (0–10, 0 = normal).', '音量（0–10，0 为正常）。') },
        PrimaryLanguage: { type: 'string', ...tts, examples: ['zh-CN', 'en-US'], ...doc('Primary language.', '主要语言。') },
      },
    },
    otherType('TTSType', KNOWN_TTS_TYPES, documented('open-types')),
  ],
};

/**
 * STT languages as listed in trtc_models.ts. The list is advisory (`examples`, not `enum`): the vendor's own
 * StartAIConversation example uses "en-US", which the list does not contain, and the API accepts it.
 */
export const STT_LANGUAGES = [
  'zh',
  'zh-TW',
  'en',
  '16k_zh_edu',
  '16k_zh_medical',
  '16k_zh_court',
  '8k_zh_large',
  '16k_zh_large',
  '16k_multi_lang',
  '16k_zh_en',
  'zh-dialect',
  'zh-yue',
  'vi',
  'ja',
  'ko',
  'id',
  'th',
  'pt',
  'tr',
  'ar',
  'es',
  'hi',
  'fr',
  'ms',
  'fil',
  'de',
  'it',
  'ru',
  'sv',
  'da',
  'no',
];

export const sttConfigSchema: JsonSchema = {
  type: 'object',
  ...documented('sttconfig'),
  ...doc('Speech recognition configuration.', '语音识别配置。'),
  properties: {
    Language: {
      type: 'string',
      ...documented('sttconfig'),
      default: 'zh',
      examples: STT_LANGUAGES,
      ...doc('Recognition language / engine.', '识别语言或引擎。'),
    },
    AlternativeLanguage: {
      type: 'array',
      ...documented('sttconfig'),
      items: { type: 'string', ...documented('sttconfig'), examples: STT_LANGUAGES },
      ...doc('Extra languages (billed as advanced; large/edu/dialect engines not allowed).', '额外识别语言（按高级版计费）。'),
    },
    CustomParam: { type: 'string', ...documented('sttconfig'), ...doc('Custom parameters for the recognition engine.', '自定义识别参数。') },
    VadSilenceTime: {
      type: 'integer',
      ...documented('sttconfig'),
      minimum: 240,
      maximum: 2000,
      default: 1000,
      'x-unit': 'ms',
      ...doc('Silence that ends a sentence.', '断句静音时长。'),
    },
    HotWordList: {
      type: 'string',
      ...documented('sttconfig'),
      // "词|权重" entries joined by commas; weight 1–11 or 100 (at most 128 words of ≤ 30 characters).
      pattern: '^$|^[^|,]{1,30}\\|(?:[1-9]|1[01]|100)(?:,[^|,]{1,30}\\|(?:[1-9]|1[01]|100)){0,127}$',
      examples: ['腾讯云|10,语音识别|5'],
      ...doc(
        'Hot words: "word|weight" joined by commas; weight 1–11 or 100; at most 128 words of ≤ 30 characters.',
        '热词："词|权重"，以逗号分隔；权重 1–11 或 100；最多 128 个，每个不超过 30 字。',
      ),
    },
    VadLevel: {
      type: 'integer',
      ...documented('sttconfig'),
      minimum: 0,
      maximum: 5,
      default: 0,
      ...doc('VAD level 0–5; 2 is recommended for far-field noise.', 'VAD 等级 0–5，远场降噪建议 2。'),
    },
  },
};

const inferredLength = { 'x-constraint-sources': { minLength: source('inferred', 'agentconfig') } };

export const agentConfigSchema: JsonSchema = {
  type: 'object',
  ...documented('agentconfig'),
  required: ['UserId', 'UserSig', 'TargetUserId'],
  ...doc('Bot parameters.', '机器人参数。'),
  'x-order': [
    'UserId',
    'UserSig',
    'TargetUserId',
    'MaxIdleTime',
    'WelcomeMessage',
    'WelcomeMessagePriority',
    'InterruptMode',
    'InterruptSpeechDuration',
    'InterruptWordList',
    'TurnDetectionMode',
    'TurnDetection',
    'SubtitleMode',
    'FilterOneWord',
    'FilterBracketsContent',
    'AmbientSound',
    'VoicePrint',
  ],
  properties: {
    UserId: {
      type: 'string',
      ...documented('agentconfig'),
      // The UserSig SDKs' limits for any TRTC user id, not stated for this field (docs/vendors/tencent.md#user-ids).
      'x-constraint-sources': { minLength: source('inferred', 'user-ids'), maxLength: source('inferred', 'user-ids'), pattern: source('inferred', 'user-ids') },
      minLength: 1,
      maxLength: 32,
      pattern: '^[A-Za-z0-9_-]+$',
      ...doc("Bot's UserId in the room; unique in the room and across concurrent tasks.", '机器人在房间内的 UserId，需在房间内及并发任务间唯一。'),
    },
    UserSig: {
      type: 'string',
      ...documented('agentconfig'),
      ...inferredLength,
      minLength: 1,
      'x-hint': 'tencent-usersig',
      ...doc(
        'UserSig for the bot UserId. {{usersig}} (the default) mints one from the profile\'s SDK secret key at send time, so no credential is stored in the payload; "Fill UserSig" writes a literal one.',
        '机器人 UserId 对应的 UserSig。{{usersig}}（默认）在发送时用配置的 SDK 密钥生成，负载中不保存凭证；“生成 UserSig”则写入字面值。',
      ),
    },
    TargetUserId: {
      type: 'string',
      ...documented('agentconfig'),
      ...inferredLength,
      minLength: 1,
      ...doc('UserId whose audio the bot listens to (the console joins as this user).', '机器人拉流的用户 UserId（控制台以此用户进房）。'),
    },
    MaxIdleTime: {
      type: 'integer',
      ...documented('agentconfig'),
      'x-constraint-sources': { minimum: source('inferred', 'agentconfig') },
      minimum: 1,
      default: 60,
      'x-unit': 's',
      ...doc('The task stops after this long with no stream in the room.', '房间内无推流超过该时长后任务自动结束。'),
    },
    WelcomeMessage: welcomeMessage,
    InterruptMode: interruptMode,
    InterruptSpeechDuration: interruptSpeechDuration,
    TurnDetectionMode: {
      type: 'integer',
      ...documented('agentconfig'),
      enum: [0, 1, 3],
      default: 0,
      'x-enum-labels': labels({
        0: ['Server ASR end of sentence', '服务端 ASR 断句'],
        1: ['Client sends a chat signal', '客户端发送对话信令'],
        3: ['Semantic turn detection', '语义断句'],
      }),
      ...doc('What starts a new turn.', '新一轮对话的触发方式。'),
    },
    FilterOneWord: { type: 'boolean', ...documented('agentconfig'), default: true, ...doc('Ignore one-character utterances.', '过滤单字。') },
    WelcomeMessagePriority: {
      type: 'integer',
      ...documented('agentconfig'),
      enum: [0, 1],
      default: 0,
      'x-enum-labels': labels({ 0: ['Normal', '普通'], 1: ['High (cannot be interrupted)', '高（不可打断）'] }),
      ...doc('Welcome message priority.', '欢迎语优先级。'),
    },
    FilterBracketsContent: {
      type: 'integer',
      ...documented('agentconfig'),
      enum: [1, 2, 3, 4, 5],
      'x-enum-labels': labels({ 1: ['Chinese （）', '中文括号（）'], 2: ['English ()', '英文括号()'], 3: ['【】', '【】'], 4: ['[]', '[]'], 5: ['{}', '{}'] }),
      ...doc('Do not speak text inside these brackets.', '不播报该类括号内的内容。'),
    },
    AmbientSound: {
      type: 'object',
      ...documented('agentconfig'),
      required: ['Scene'],
      ...doc('Background ambience.', '背景环境音。'),
      properties: {
        Scene: { type: 'string', ...documented('agentconfig'), ...inferredLength, minLength: 1, ...doc('Ambience scene.', '环境音场景。') },
        Volume: { type: 'number', ...documented('agentconfig'), minimum: 0, maximum: 2, default: 1, ...doc('Ambience volume (0–2).', '环境音音量（0–2）。') },
      },
    },
    VoicePrint: {
      type: 'object',
      ...documented('agentconfig'),
      ...doc('Voiceprint gating.', '声纹配置。'),
      properties: {
        Mode: {
          type: 'integer',
          ...documented('agentconfig'),
          enum: [0, 1],
          default: 0,
          'x-enum-labels': labels({ 0: ['Off', '关闭'], 1: ['On', '开启'] }),
          ...doc('Voiceprint mode.', '声纹模式。'),
        },
        IdList: {
          type: 'array',
          ...documented('agentconfig'),
          maxItems: 1,
          items: { type: 'string', ...documented('agentconfig'), ...inferredLength, minLength: 1 },
          ...doc('Registered voiceprint id (one).', '声纹 ID（一个）。'),
        },
      },
    },
    TurnDetection: {
      type: 'object',
      ...documented('agentconfig'),
      ...doc('Semantic turn detection (TurnDetectionMode 3).', '语义断句配置（TurnDetectionMode 为 3 时生效）。'),
      properties: {
        SemanticEagerness: {
          type: 'string',
          ...documented('agentconfig'),
          enum: ['low', 'medium', 'high', 'auto'],
          default: 'auto',
          'x-enum-labels': labels({
            low: ['Low (waits longer)', '低'],
            medium: ['Medium', '中'],
            high: ['High (answers sooner)', '高'],
            auto: ['Auto (= medium)', '自动（等同中）'],
          }),
          ...doc('How eagerly a turn ends.', '断句积极程度。'),
        },
      },
    },
    SubtitleMode: {
      type: 'integer',
      ...documented('agentconfig'),
      enum: [0, 1],
      default: 0,
      'x-enum-labels': labels({
        0: ['Immediate, full text so far', '实时全量'],
        1: ['Sentence-level, synced to audio, incremental', '按句、与音频同步、增量'],
      }),
      ...doc('How subtitles (custom message 10000) are delivered.', '字幕（自定义消息 10000）的下发方式。'),
    },
    InterruptWordList: {
      type: 'array',
      ...documented('agentconfig'),
      items: { type: 'string', ...documented('agentconfig'), ...inferredLength, minLength: 1 },
      ...doc('Only these words interrupt the bot; they do not trigger a reply.', '仅这些词可打断机器人，且不触发回复。'),
    },
  },
};

const start = documented('start-parameters');
const startSchema: JsonSchema = {
  type: 'object',
  ...start,
  required: ['SdkAppId', 'RoomId', 'AgentConfig'],
  'x-order': ['SdkAppId', 'RoomId', 'RoomIdType', 'SessionId', 'AgentConfig', 'STTConfig', 'LLMConfig', 'TTSConfig', 'AvatarConfig', 'ExperimentalParams'],
  properties: {
    SdkAppId: sdkAppId,
    RoomId: {
      type: 'string',
      minLength: 1,
      ...start,
      'x-constraint-sources': { minLength: source('inferred', 'start-parameters') },
      ...doc('Room the bot joins.', '开启对话任务的房间号。'),
    },
    RoomIdType: {
      type: 'integer',
      enum: [0, 1],
      ...start,
      default: 0,
      'x-enum-labels': labels({ 0: ['Numeric room id', '数字房间号'], 1: ['String room id', '字符串房间号'] }),
      ...doc('Type of RoomId.', '房间号类型。'),
    },
    SessionId: {
      type: 'string',
      ...start,
      ...doc('Caller-chosen unique id: prevents duplicate tasks and can be used with Describe.', '调用方传入的唯一 ID，可防止重复发起任务并用于查询任务状态。'),
    },
    AgentConfig: agentConfigSchema,
    STTConfig: sttConfigSchema,
    LLMConfig: llmConfigSchema,
    TTSConfig: ttsConfigSchema,
    AvatarConfig: {
      type: 'object',
      'x-wire': 'json-string',
      ...inferred('start-parameters'),
      ...doc('Digital human configuration (allow-listed accounts only; JSON string on the wire).', '数字人配置（需开通白名单，请求中为 JSON 字符串）。'),
    },
    ExperimentalParams: { type: 'string', ...inferred('start-parameters'), ...doc('Experimental parameters.', '实验参数。') },
  },
};

const stopSchema: JsonSchema = { type: 'object', ...documented('task-actions'), required: ['TaskId'], properties: { TaskId: taskId } };

const describeSchema: JsonSchema = {
  type: 'object',
  ...documented('task-actions'),
  properties: {
    SdkAppId: sdkAppId,
    TaskId: taskId,
    SessionId: {
      type: 'string',
      minLength: 1,
      ...documented('task-actions'),
      'x-constraint-sources': { minLength: source('inferred', 'task-actions') },
      ...doc('SessionId given to StartAIConversation.', 'StartAIConversation 传入的 SessionId。'),
    },
  },
};

const updateSchema: JsonSchema = {
  type: 'object',
  ...documented('task-actions'),
  required: ['TaskId'],
  ...doc('Fields left out are not updated.', '未填写的字段不更新。'),
  properties: {
    TaskId: taskId,
    WelcomeMessage: welcomeMessage,
    InterruptMode: interruptMode,
    InterruptSpeechDuration: interruptSpeechDuration,
    LLMConfig: llmConfigSchema,
    TTSConfig: ttsConfigSchema,
  },
};

const controlSchema: JsonSchema = {
  type: 'object',
  ...documented('control'),
  required: ['TaskId', 'Command'],
  properties: {
    TaskId: taskId,
    Command: {
      type: 'string',
      ...documented('control'),
      enum: ['ServerPushText', 'InvokeLLM'],
      'x-enum-labels': labels({
        ServerPushText: ['Push text (or audio) for the bot to speak', '推送文本（或音频）让机器人播报'],
        InvokeLLM: ['Send content to the LLM', '向 LLM 发送内容'],
      }),
      ...doc('Control command.', '控制命令。'),
    },
    ServerPushText: {
      type: 'object',
      ...documented('control'),
      ...doc('Used when Command is ServerPushText.', 'Command 为 ServerPushText 时使用。'),
      properties: {
        Text: { type: 'string', ...documented('control'), ...doc('Text the bot speaks.', '机器人播报的文本。') },
        Interrupt: { type: 'boolean', ...documented('control'), default: true, ...doc('Interrupt what the bot is saying.', '是否打断当前播报。') },
        StopAfterPlay: { type: 'boolean', ...documented('control'), default: false, ...doc('End the task after playing.', '播报完成后结束任务。') },
        Audio: {
          type: 'string',
          ...documented('control'),
          contentEncoding: 'base64',
          ...doc('Base64 mono audio at the TTS sample rate; overrides Text.', 'Base64 单声道音频（与 TTS 采样率一致），优先于 Text。'),
        } as JsonSchema,
        DropMode: {
          type: 'integer',
          ...documented('control'),
          enum: [0, 1],
          default: 0,
          'x-enum-labels': labels({ 0: ['Drop if busy', '忙时丢弃'], 1: ['Queue', '排队播报'] }),
          ...doc('When Interrupt is false: drop or queue.', 'Interrupt 为 false 时：丢弃或排队。'),
        },
        Priority: {
          type: 'integer',
          ...documented('control'),
          enum: [0, 1],
          default: 0,
          'x-enum-labels': labels({ 0: ['Interruptible', '可被打断'], 1: ['Not interruptible (needs a ticket)', '不可打断（需提工单开通）'] }),
          ...doc('Playback priority.', '播报优先级。'),
        },
        AddHistory: { type: 'boolean', ...documented('control'), default: false, ...doc('Add the text to the LLM history.', '是否加入 LLM 历史上下文。') },
        MetaInfo: { type: 'string', ...documented('control'), ...doc('JSON string delivered with the subtitle.', '随字幕下发的 JSON 字符串。') },
      },
    },
    InvokeLLM: {
      type: 'object',
      ...documented('control'),
      ...doc('Used when Command is InvokeLLM (the LLM request carries X-Invoke-LLM: 1).', 'Command 为 InvokeLLM 时使用（LLM 请求带 X-Invoke-LLM: 1 头）。'),
      properties: {
        Content: { type: 'string', ...documented('control'), ...doc('Content sent to the LLM.', '发送给 LLM 的内容。') },
        Interrupt: { type: 'boolean', ...documented('control'), default: true, ...doc('Interrupt what the bot is saying.', '是否打断当前播报。') },
        ExperimentalParams: { type: 'string', ...documented('control'), ...doc('Experimental parameters.', '实验参数。') },
      },
    },
  },
  allOf: [
    { if: { required: ['Command'], properties: { Command: { const: 'ServerPushText' } } }, then: { required: ['ServerPushText'], ...documented('control') } },
    { if: { required: ['Command'], properties: { Command: { const: 'InvokeLLM' } } }, then: { required: ['InvokeLLM'], ...documented('control') } },
  ],
};

export const SCHEMAS: Record<TencentAction, JsonSchema> = {
  StartAIConversation: startSchema,
  StopAIConversation: stopSchema,
  DescribeAIConversation: describeSchema,
  UpdateAIConversation: updateSchema,
  ControlAIConversation: controlSchema,
};

/**
 * Starting values of the forms. StartAIConversation follows the vendor doc example; LLMConfig/TTSConfig are the
 * doc's JSON strings as objects, with the keys replaced by secret references (never a literal key in a payload).
 */
export const EXAMPLES: Record<TencentAction, Record<string, unknown>> = {
  StartAIConversation: {
    SdkAppId: 12345678,
    RoomId: 'room_987654321',
    RoomIdType: 1,
    AgentConfig: { UserId: 'user_12345', UserSig: '{{usersig}}', MaxIdleTime: 120, TargetUserId: 'target_user_54321' },
    SessionId: 'session_1234567890abcdef',
    STTConfig: { Language: 'en-US', AlternativeLanguage: ['en-US', 'zh'] },
    LLMConfig: {
      LLMType: 'openai',
      Model: 'gpt-3.5-turbo',
      APIKey: '{{secret:LLM_API_KEY}}',
      APIUrl: 'http://xxxx-api.woa.com/v1/chat/completions',
      Streaming: true,
    },
    TTSConfig: {
      TTSType: 'tencent',
      AppId: 130000000,
      SecretId: '{{secret:TTS_SECRET_ID}}',
      SecretKey: '{{secret:TTS_SECRET_KEY}}',
      VoiceType: 1008,
      Speed: 1,
    },
  },
  StopAIConversation: { TaskId: '' },
  DescribeAIConversation: { TaskId: '' },
  UpdateAIConversation: { TaskId: '', WelcomeMessage: 'Hello again', InterruptMode: 0, InterruptSpeechDuration: 500 },
  ControlAIConversation: { TaskId: '', Command: 'ServerPushText', ServerPushText: { Text: '你好很高兴为您服务', Interrupt: true } },
};

/**
 * Rules JSON Schema cannot express here, shared by core validation and the sandbox: Describe names its task, and
 * an LLMType/TTSType without a sub-form goes out as typed, with a warning saying so.
 */
export function extraRules(action: TencentAction, payload: Record<string, unknown>): PayloadError[] {
  const findings: PayloadError[] = [];
  if (action === 'DescribeAIConversation' && !payload.TaskId && !payload.SessionId)
    findings.push({
      path: '/TaskId',
      message: '/TaskId: give TaskId or SessionId to say which task to describe',
      severity: 'error',
      source: source('documented', 'task-actions'),
    });
  for (const [field, tag, known] of [
    ['LLMConfig', 'LLMType', KNOWN_LLM_TYPES],
    ['TTSConfig', 'TTSType', KNOWN_TTS_TYPES],
  ] as const) {
    let config = payload[field];
    if (typeof config === 'string') {
      try {
        config = JSON.parse(config) as unknown;
      } catch {
        continue; // the schema reports it
      }
    }
    const type = config && typeof config === 'object' ? (config as Record<string, unknown>)[tag] : undefined;
    if (typeof type === 'string' && type !== '' && !(known as readonly string[]).includes(type))
      findings.push({
        path: `/${field}/${tag}`,
        message: `/${field}/${tag}: "${type}" has no sub-form in Parley (known: ${known.join(', ')}); its settings are sent as typed`,
        severity: 'warning',
        source: source('documented', 'open-types'),
      });
  }
  return findings;
}

/** The actions' rules beyond JSON Schema, run by main and by the renderer's form alike. */
export const PAYLOAD_RULES: PayloadRules = Object.fromEntries(
  ACTIONS.map((action) => [action, (payload: Record<string, unknown>) => extraRules(action, payload)]),
);
