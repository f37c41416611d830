/**
 * NetEase Yunxin RTC-AI payload schemas (docs/vendors/netease.md#request-body). The single source of the field
 * rules: the form, validate(), the inspector and the sandbox all read these objects.
 */
import { sourceMarks, type JsonSchema, type Localized } from '../../../schema.ts';

/** Constraint sources: entries of docs/vendors/netease.md. */
const { documented, inferred, source } = sourceMarks('netease');
const body = documented('request-body');
/** The doc types ids and counts as Number; that they are whole numbers is inferred (docs/vendors/netease.md#numbers). */
const wholeNumber = { type: 'number', multipleOf: 1, 'x-constraint-sources': { multipleOf: source('inferred', 'numbers') } } as const;

/** Shared by the schema's if/then and the validate() rule, so the form, main and the sandbox say the same. */
export const INTERRUPT_WORDS_MESSAGE = 'pipeline.interruptWords: required when interruptMode is 4 (custom interrupt words)';

const doc = (en: string, zh: string): Pick<JsonSchema, 'description'> => ({ description: { en, zh } });
const label = (en: string, zh: string): Localized => ({ en, zh });

/**
 * Vendor numbers whose tables are not public (the doc's list cells were stripped). They stay free integers; the
 * values seen in the doc examples carry labels saying where they come from. A profile adds its own names
 * (settings.vendorLabels, see `vendorNumberLabels`).
 */
export const KNOWN_VENDOR_NUMBERS = {
  asrVendor: {
    '5': label('5 · seen in doc table (name not published)', '5 · 文档取值示例 (名称未公开)'),
    '6': label('6 · seen in doc examples (name not published)', '6 · 文档请求示例 (名称未公开)'),
  },
  llmVendor: {
    '1': label('1 · doc example (name not published)', '1 · 文档示例 (名称未公开)'),
    '5': label('5 · seen in a third-party demo', '5 · 第三方示例中出现'),
  },
  ttsVendor: {
    '3': label('3 · doc example, voice "longaotian" (likely Alibaba CosyVoice, inferred)', '3 · 文档示例, 音色 longaotian (推测为阿里 CosyVoice)'),
    '6': label('6 · doc example, "…_bigtts" voices (likely Volcengine, inferred)', '6 · 文档示例, bigtts 音色 (推测为火山引擎)'),
  },
  agentVendor: { '1': label('1 · doc example (name not published)', '1 · 文档示例 (名称未公开)') },
  interruptMode: {
    '2': label('2 · default', '2 · 默认'),
    '4': label('4 · custom interrupt words (interruptWords required)', '4 · 自定义打断词 (需填写 interruptWords)'),
  },
} satisfies Record<string, Record<string, Localized>>;

export type VendorNumberField = keyof typeof KNOWN_VENDOR_NUMBERS;
export const VENDOR_NUMBER_FIELDS = Object.keys(KNOWN_VENDOR_NUMBERS) as VendorNumberField[];

export const ROLE_PRESETS: Record<string, Localized> = {
  '0': label(
    '0 · custom prompt (customPrompt, or customPromptKeyWord + customPromptFormat)',
    '0 · 自定义提示词 (customPrompt 或 customPromptKeyWord + customPromptFormat)',
  ),
  '1': label('1 · Voice assistant', '1 · 语音助手'),
  '2': label('2 · Chinese teacher', '2 · 中文老师'),
  '3': label('3 · English teacher', '3 · 英文老师'),
  '4': label('4 · Doctor', '4 · 医生'),
  '5': label('5 · Director', '5 · 导演'),
  '6': label('6 · Counsellor', '6 · 心理咨询师'),
  '7': label('7 · Child education expert', '7 · 儿童教育专家'),
  '8': label('8 · E-commerce live seller', '8 · 电商带货主播'),
  '9': label('9 · Product presenter', '9 · 产品介绍员'),
  '10': label('10 · Bank clerk', '10 · 银行业务办理员'),
  '11': label('11 · Meeting host', '11 · 会议主持人'),
  '12': label('12 · News anchor', '12 · 新闻主持人'),
  '13': label('13 · Zhuge Liang', '13 · 诸葛亮'),
  '14': label('14 · Girlfriend Xiaole', '14 · 女友小乐'),
};

function vendorNumber(field: VendorNumberField, en: string, zh: string, extra: JsonSchema = {}): JsonSchema {
  const known = KNOWN_VENDOR_NUMBERS[field];
  return {
    ...wholeNumber,
    ...body,
    minimum: 0,
    'x-constraint-sources': { multipleOf: source('inferred', 'numbers'), minimum: source('inferred', 'vendor-numbers') },
    ...doc(en, zh),
    examples: Object.keys(known).map(Number),
    'x-enum-labels': known,
    ...extra,
  };
}

const bool = (def: boolean, en: string, zh: string): JsonSchema => ({ type: 'boolean', default: def, ...body, ...doc(en, zh) });
const text = (extra: JsonSchema): JsonSchema => ({ type: 'string', ...body, ...extra });
const customAppkey = (module: string) =>
  bool(false, `Use your own ${module} vendor developer account's appkey.`, `是否使用您自己的 ${module} 供应商开发者账号的 appkey。默认为 false。`);

export const asrSchema: JsonSchema = {
  type: 'object',
  title: { en: 'ASR', zh: 'ASR' },
  ...doc('Speech recognition (ASR) task parameters.', '自动语音识别 ASR 任务参数信息。'),
  required: ['asrVendor'],
  ...body,
  properties: {
    asrVendor: vendorNumber('asrVendor', 'ASR vendor number (the vendor table is not public; see the labels).', 'ASR 供应商,取值请参考 AI 供应商。'),
    srcLan: text({
      default: 'AUTO',
      examples: ['AUTO', 'zh', 'en'],
      ...doc('Source language, default AUTO (see the AI captions language list).', '源语言,默认为 AUTO。取值请参考 AI 字幕和翻译语言列表。'),
    }),
    maxSentenceSilence: {
      ...wholeNumber,
      ...body,
      minimum: 0,
      'x-constraint-sources': { multipleOf: source('inferred', 'numbers'), minimum: source('inferred', 'numbers') },
      default: 0,
      examples: [500],
      'x-unit': 'ms',
      ...doc('Silence that ends a sentence, in ms. 0 = system default.', '断句静音时长,单位 ms。默认为 0,代表由系统配置决定。'),
    },
    enableCustomAppkey: customAppkey('ASR'),
    enableSemanticVad: bool(false, 'Semantic sentence segmentation.', '是否启用语义断句。默认为 false。'),
    vocabularyId: text({ examples: ['yourVocabularyId'], ...doc('ASR hot-word vocabulary id. Empty by default.', 'ASR 的热词库 ID。默认为空。') }),
  },
};

const realTimeParamSchema: JsonSchema = {
  type: 'object',
  title: { en: 'realTimeParam', zh: 'realTimeParam' },
  ...doc('Realtime (speech-to-speech) model parameters, used when enableRealtime is true.', 'realTime 相关参数。'),
  ...body,
  properties: {
    vadThreshold: {
      type: 'number',
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.5,
      ...body,
      ...doc(
        'Model VAD threshold, (0, 1), default 0.5: what counts as speech rather than background noise.',
        '大模型语音活动检测(VAD)阈值,取值范围(0, 1.0),默认 0.5。',
      ),
    },
    vadSilenceDuration: {
      ...wholeNumber,
      ...body,
      minimum: 0,
      'x-constraint-sources': { multipleOf: source('inferred', 'numbers'), minimum: source('inferred', 'numbers') },
      default: 500,
      'x-unit': 'ms',
      ...doc('Model VAD silence that ends a sentence, ms, default 500.', '大模型 VAD 断句静音时长,单位 ms,默认 500。'),
    },
    voice: {
      type: 'string',
      ...body,
      examples: ['elan', 'amuch', 'dan', 'marilyn', 'meadow', 'breeze', 'cove', 'ember', 'jupiter', 'alloy', 'echo', 'shimmer'],
      ...doc(
        'Realtime voice; depends on llmVendor (OpenAI: amuch, dan, elan, marilyn, meadow, breeze, cove, ember, jupiter, alloy, echo, shimmer).',
        'realTime 音色。取值请参考具体供应商(llmVendor)支持的音色。',
      ),
    },
  },
};

const agentParamSchema: JsonSchema = {
  type: 'object',
  title: { en: 'agentParam', zh: 'agentParam' },
  ...doc('Agent parameters (agent + parameters mode).', 'Agent 相关参数。'),
  ...body,
  properties: {
    agentVendor: vendorNumber('agentVendor', 'AI agent vendor number.', '使用的 AI Agent。', { default: 1 }),
    userId: text({ examples: ['user123'], ...doc('End-user id towards the agent.', '用户标识,用于定义与 Agent 交互的终端用户的身份。') }),
    agentId: text({ examples: ['agent456'], ...doc('Agent id.', '智能体标识,使用的智能体 ID。') }),
  },
};

/** role: a preset, or 0 / empty (置空) for your own prompt (docs/vendors/netease.md#role). */
const ROLE_VALUES = [null, ...Object.keys(ROLE_PRESETS).map(Number)];

function llmSchema(agentMode: boolean): JsonSchema {
  return {
    type: 'object',
    title: { en: 'LLM', zh: 'LLM' },
    ...doc('LLM task parameters.', 'LLM AI 任务参数信息。'),
    ...body,
    // llmVendor is required in both modes that send llm (the table marks it required); role is not, because the doc
    // lets it be 0 or empty (置空) for a custom prompt (docs/vendors/netease.md#role). Agent + parameters mode also
    // needs enableAgent and agentParam (docs/vendors/netease.md#request-modes).
    required: agentMode ? ['llmVendor', 'enableAgent', 'agentParam'] : ['llmVendor'],
    properties: {
      llmVendor: vendorNumber('llmVendor', 'LLM vendor number.', 'LLM 供应商,取值请参考 AI 供应商。'),
      role: {
        type: ['number', 'null'],
        enum: ROLE_VALUES,
        default: 1,
        ...documented('role'),
        'x-enum-labels': { null: label('empty (置空) · custom prompt', '置空 · 自定义提示词'), ...ROLE_PRESETS },
        ...doc(
          'Preset role (server-side prompt). 0 or empty = your own prompt: customPrompt, or customPromptKeyWord + customPromptFormat.',
          'LLM 角色,默认为 1。0 或置空表示使用 customPrompt,或 customPromptKeyWord + customPromptFormat。',
        ),
      },
      customPrompt: text({ examples: ['自定义完整提示词'], ...documented('role'), ...doc('Your complete prompt (role 0).', '您自行提供的完整的提示词。') }),
      customPromptKeyWord: {
        type: 'object',
        ...documented('role'),
        additionalProperties: { type: 'string', ...inferred('role') },
        examples: [
          {
            name: 'AI 女友小乐',
            sex: '女生',
            age: '24 岁',
            hobby: '旅游、小说、追星',
            characteristic: '体贴、乖巧、善解人意的,女朋友,日常嘘寒问暖,在生活中提供情绪价值',
          },
        ],
        ...doc('Key words the server fills into customPromptFormat ({{key}} placeholders).', '您仅提供关键词,由网易云信服务端结合模板合成提示词。'),
      },
      customPromptFormat: text({
        examples: ['当前角色: {{name}}\n 性别: {{sex}}\n 年龄: {{age}} \n 兴趣爱好: {{hobby}}\n 其他特征: {{characteristic}}'],
        'x-hint': 'netease-prompt-preview',
        ...documented('role'),
        ...doc('Template with {{key}} placeholders; the server composes the prompt from customPromptKeyWord.', '您自行提供的,用于服务端合成提示词的模板。'),
      }),
      temperature: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.8,
        ...body,
        ...doc('LLM temperature, [0, 1], default 0.8.', 'LLM 温度配置,取值范围 [0, 1],默认 0.8。'),
      },
      contextSize: {
        ...wholeNumber,
        ...body,
        exclusiveMinimum: 0,
        maximum: 20,
        default: 3,
        examples: [10],
        ...doc('Context turns kept, (0, 20], default 3.', 'LLM 关联上下文大小,取值范围 (0, 20],默认 3。'),
      },
      enableVision: bool(false, 'Enable model vision.', '是否开启大模型视觉,默认为 false。'),
      enableWebSearch: {
        type: 'boolean',
        examples: [true],
        ...inferred('example-only-fields'),
        ...doc('Web search (appears in the doc examples, not in its table).', '联网搜索 (出现在文档示例中,参数表未列出)。'),
      },
      enableRealtime: bool(false, 'Realtime (speech-to-speech) mode.', '是否开启实时音(realTime)模式,默认为 false。'),
      realTimeParam: realTimeParamSchema,
      enableAgent: agentMode
        ? {
            type: 'boolean',
            const: true,
            default: true,
            ...documented('request-modes'),
            ...doc('Agent + parameters mode: true.', '智能体+参数配置模式: true。'),
          }
        : {
            type: 'boolean',
            const: false,
            default: false,
            ...documented('request-modes'),
            ...doc('Use an agent: switch the mode to "Agent + parameters" instead.', '是否使用智能体: 请切换到"智能体+参数配置模式"。'),
          },
      ...(agentMode ? { agentParam: agentParamSchema } : {}),
      enableCustomAppkey: customAppkey('LLM'),
    },
  };
}

export const ttsSchema: JsonSchema = {
  type: 'object',
  title: { en: 'TTS', zh: 'TTS' },
  ...doc('Text-to-speech (TTS) task parameters.', '文字转语音 TTS AI 任务参数信息。'),
  required: ['ttsVendor'],
  ...body,
  properties: {
    ttsVendor: vendorNumber('ttsVendor', 'TTS vendor number.', 'TTS 供应商,取值请参考 AI 供应商。'),
    voice: text({
      examples: ['longaotian', 'zh_female_qingxinnvsheng_mars_bigtts'],
      ...doc('Voice name, or a cloned voice id.', 'TTS 音色名称,或者是克隆音色的 ID。'),
    }),
    language: text({
      enum: ['Chinese', 'English'],
      'x-enum-labels': { Chinese: label('Chinese', '中文'), English: label('English', '英文') },
      ...doc('TTS language.', 'TTS 语言,可选值:Chinese、English。'),
    }),
    gender: text({
      enum: ['Female', 'Male'],
      'x-enum-labels': { Female: label('Female', '女'), Male: label('Male', '男') },
      ...doc('Voice gender.', 'TTS 音色性别,可选值:Female、Male。'),
    }),
    speed: { type: 'number', minimum: 0.8, maximum: 2, default: 1, ...body, ...doc('Speaking rate, 0.8-2, default 1.', 'TTS 语速,范围 0.8-2,默认 1。') },
    volume: { type: 'number', minimum: 0.5, maximum: 2, default: 1, ...body, ...doc('Volume, 0.5-2, default 1.', 'TTS 音量,范围 0.5-2,默认 1。') },
    ignoreBracketTextSet: {
      type: 'array',
      ...body,
      items: {
        type: 'integer',
        minimum: 0,
        ...inferred('vendor-numbers'),
        'x-enum-labels': {
          '1': label('1 · Chinese brackets （） (inferred)', '1 · 中文括号 （） (推测)'),
          '2': label('2 · English brackets () (inferred)', '2 · 英文括号 () (推测)'),
        },
      },
      examples: [[1, 2]],
      ...doc(
        'Drop text inside these bracket kinds from the LLM answer before TTS (1/2 meanings inferred, table not public).',
        '过滤大模型返回内容中指定标点符号中的文字后,再进行 TTS。',
      ),
    },
    enableCustomAppkey: customAppkey('TTS'),
  },
};

export const pipelineSchema: JsonSchema = {
  type: 'object',
  title: { en: 'Pipeline', zh: 'Pipeline' },
  ...doc('Conversation pipeline settings.', '实时对话的传输设置。'),
  ...body,
  properties: {
    interruptMode: vendorNumber(
      'interruptMode',
      'Interrupt mode, default 2. 4 = custom interrupt words (interruptWords required). Meanings of 1 and 3 are not published.',
      '打断模式,默认为 2。为 4 时需填写自定义打断词 interruptWords。',
      { default: 2 },
    ),
    interruptWords: {
      type: 'array',
      ...body,
      items: { type: 'string', minLength: 1, ...body, 'x-constraint-sources': { minLength: source('inferred', 'request-body') } },
      examples: [['停止', '打断']],
      ...doc('Custom interrupt words; required when interruptMode is 4.', '自定义打断词,打断模式(interruptMode)为 4 时,必填。'),
    },
    enableWelcomeMessage: bool(true, 'Say a welcome message.', '是否启用开场白,默认为 true。'),
    welcomeMessage: text({
      default: '',
      examples: ['您好,我是 AI 助手,很高兴为您服务'],
      ...doc('Welcome message; empty with enableWelcomeMessage true lets the system pick one.', '自定义的欢迎词。默认为空字符串,为空时由系统随机定义开场白。'),
    }),
  },
  if: { properties: { interruptMode: { const: 4 } }, required: ['interruptMode'] },
  then: {
    required: ['interruptWords'],
    ...body,
    'x-error-messages': { required: INTERRUPT_WORDS_MESSAGE },
    properties: { interruptWords: { minItems: 1, ...body, 'x-error-messages': { minItems: INTERRUPT_WORDS_MESSAGE } } },
  },
};

const agentSchema: JsonSchema = {
  type: 'object',
  title: { en: 'agent', zh: 'agent' },
  ...doc('NetEase agent: the whole configuration comes from the agent platform.', '网易云信智能体参数信息,全量配置均从智能体管理平台获取。'),
  required: ['agentId', 'userId'],
  ...body,
  properties: {
    agentId: text({
      minLength: 1,
      'x-constraint-sources': { minLength: source('inferred', 'request-body') },
      examples: ['a261501186xxxxxxcba'],
      ...doc('NetEase agent id.', '网易云信智能体 ID。'),
    }),
    userId: text({
      minLength: 1,
      'x-constraint-sources': { minLength: source('inferred', 'request-body') },
      examples: ['9527'],
      ...doc('User id configured on the agent platform.', '使用网易云信智能体的用户 ID。'),
    }),
  },
};

export const MODES = ['parameters', 'agent', 'agentParameters'] as const;
export type CreateMode = (typeof MODES)[number];

/** `data`: the three documented request modes as a oneOf switch (each branch excludes the others' shape). */
export const dataSchema: JsonSchema = {
  type: 'object',
  title: { en: 'data', zh: 'data' },
  ...doc('Request body: pick one of the three modes.', '请求体具体信息: 三种调用方式任选其一。'),
  ...documented('request-modes'),
  // The modes exclude each other by shape: `agent` only in the agent mode, llm.enableAgent true only in agent +
  // parameters (`x-selects` says which shape picks which mode; parameters is the fallback). Fields the chosen mode
  // does not document are warnings (payload.ts), not a reason to pick another mode.
  oneOf: [
    {
      title: { en: 'Parameters', zh: '参数配置模式' },
      ...doc('Set asr, llm, tts and pipeline one by one.', '在请求体中逐一设定 asr、llm、tts、pipeline 等参数。'),
      type: 'object',
      required: ['asr', 'llm', 'tts'],
      not: { required: ['agent'] },
      ...documented('request-modes'),
      properties: { asr: asrSchema, llm: llmSchema(false), tts: ttsSchema, pipeline: pipelineSchema },
    },
    {
      title: { en: 'NetEase agent', zh: '网易云信智能体模式' },
      ...doc('Everything comes from a NetEase agent.', '全量配置均从网易云信智能体管理平台获取。'),
      type: 'object',
      required: ['agent'],
      'x-selects': { required: ['agent'] },
      ...documented('request-modes'),
      properties: { agent: agentSchema },
    },
    {
      title: { en: 'Agent + parameters', zh: '智能体+参数配置模式' },
      ...doc(
        'llm.enableAgent = true with agentParam; asr/tts/pipeline given here override the agent.',
        'llm.enableAgent 为 true 并配置 agentParam;请求中的 asr、tts、pipeline 覆盖智能体配置。',
      ),
      type: 'object',
      required: ['llm'],
      not: { required: ['agent'] },
      'x-selects': { required: ['llm'], properties: { llm: { required: ['enableAgent'], properties: { enableAgent: { const: true } } } } },
      ...documented('request-modes'),
      properties: { asr: asrSchema, llm: llmSchema(true), tts: ttsSchema, pipeline: pipelineSchema },
    },
  ],
};

/**
 * Not sent: picks the API variant for this one call, overriding the profile's `variant` setting. Fields marked
 * `x-local` are left out of the wire form (payload.ts toWire) before signing.
 */
const variantField: JsonSchema = {
  type: 'string',
  enum: ['server', 'client'],
  'x-local': true,
  'x-enum-labels': {
    server: label('Server API · /v1/api/task/* · CheckSum', '服务端 API · /v1/api/task/* · CheckSum'),
    client: label('Client API · /ai/task/* · Token (joins the room first)', '客户端 API · /ai/task/* · Token (先加入房间)'),
  },
  ...doc('Not sent. API variant for this call; leave empty to use the profile setting.', '不发送。本次调用使用的 API 类型;留空则使用配置文件设置。'),
};

const cnameField: JsonSchema = text({
  minLength: 1,
  maxLength: 256,
  'x-constraint-sources': { minLength: source('inferred', 'request-body'), maxLength: source('inferred', 'request-body') },
  examples: ['meeting_name111'],
  ...doc('Room (channel) name.', '房间名称。'),
});
const taskTypeField: JsonSchema = {
  type: 'number',
  const: 7,
  default: 7,
  ...body,
  ...doc('AI task type: 7 for realtime conversation.', 'AI 任务类型。如果是实时对话,取值固定为 7。'),
};
const requestIdField: JsonSchema = text({
  maxLength: 128,
  'x-constraint-sources': { maxLength: source('inferred', 'request-body') },
  examples: ['f8f274c1-0e9f-4583-a243-c61c06a19475'],
  ...doc('Your id for tracing this request.', '任务 ID。您可以设置为随机字符串,用于问题排查。'),
});

export const createSchema: JsonSchema = {
  type: 'object',
  title: { en: 'Create realtime conversation task', zh: '开启实时对话' },
  required: ['cname', 'taskType', 'data'],
  ...body,
  'x-order': ['variant', 'cname', 'requestId', 'taskType', 'data'],
  properties: { variant: variantField, cname: cnameField, requestId: requestIdField, taskType: taskTypeField, data: dataSchema },
};

export const closeSchema: JsonSchema = {
  type: 'object',
  title: { en: 'Close realtime conversation task', zh: '停止实时对话' },
  // The stop page's own parameter table was not captured: its fields come from the API index and the guide's code.
  required: ['cname', 'taskId', 'taskType'],
  ...inferred('close-request'),
  'x-order': ['variant', 'cname', 'taskId', 'taskType', 'requestId', 'appkey'],
  properties: {
    variant: variantField,
    cname: { ...cnameField, ...inferred('close-request') },
    taskId: {
      type: 'string',
      minLength: 1,
      ...inferred('close-request'),
      examples: ['2a784467d647bb87b60b719f6fa56333'],
      ...doc('taskId returned by create.', '创建任务时返回的 taskId。'),
    },
    taskType: { ...taskTypeField, ...inferred('close-request') },
    requestId: { ...requestIdField, ...inferred('close-request') },
    appkey: {
      type: 'string',
      ...inferred('close-request'),
      ...doc("The guide's client examples also send the appkey in the body (optional).", '客户端示例中在请求体里也携带 appkey (可选)。'),
    },
  },
};

const paramsData = {
  asr: { asrVendor: 6, srcLan: 'AUTO', maxSentenceSilence: 500, enableSemanticVad: false, vocabularyId: 'yourVocabularyId' },
  llm: { llmVendor: 1, role: 1, temperature: 0.8, contextSize: 10, enableVision: true, enableWebSearch: true },
  tts: {
    ttsVendor: 6,
    voice: 'zh_female_qingxinnvsheng_mars_bigtts',
    language: 'Chinese',
    gender: 'Female',
    speed: 1.2,
    volume: 1.0,
    ignoreBracketTextSet: [1, 2],
  },
  pipeline: { interruptMode: 4, interruptWords: ['停止', '打断'], enableWelcomeMessage: true, welcomeMessage: '您好,我是 AI 助手,很高兴为您服务' },
};

/** The doc's three request examples (the third fixed: the doc copy misses a comma after enableWebSearch). */
export const MODE_EXAMPLES: Record<CreateMode, Record<string, unknown>> = {
  parameters: { cname: 'meeting_name111', requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475', taskType: 7, data: paramsData },
  agent: {
    cname: 'meeting_name111',
    requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475',
    taskType: 7,
    data: { agent: { agentId: 'a261501186xxxxxxcba', userId: '9527' } },
  },
  agentParameters: {
    cname: 'meeting_name111',
    requestId: 'f8f274c1-0e9f-4583-a243-c61c06a19475',
    taskType: 7,
    data: { ...paramsData, llm: { ...paramsData.llm, enableAgent: true, agentParam: { agentVendor: 1, agentId: 'a261501186xxxxxxcba', userId: '9527' } } },
  },
};

export const CLOSE_EXAMPLE = { cname: 'meeting_name111', taskId: '2a784467d647bb87b60b719f6fa56333', taskType: 7 };

/** Which of the three modes a `data` object is in (by shape, the same rule the oneOf expresses). */
export function createMode(data: unknown): CreateMode | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.agent !== undefined) return 'agent';
  const llm = d.llm as Record<string, unknown> | undefined;
  if (llm && llm.enableAgent === true) return 'agentParameters';
  return d.asr !== undefined || llm !== undefined || d.tts !== undefined ? 'parameters' : null;
}

/** Labels of the vendor numbers: the doc's known values, overlaid with the team's own (profile settings). */
export function vendorNumberLabels(settings: Record<string, unknown> | undefined): Record<VendorNumberField, Record<string, string>> {
  const own = (settings?.vendorLabels ?? {}) as Partial<Record<VendorNumberField, Record<string, string>>>;
  const out = {} as Record<VendorNumberField, Record<string, string>>;
  for (const field of VENDOR_NUMBER_FIELDS) {
    out[field] = {};
    for (const [n, l] of Object.entries(KNOWN_VENDOR_NUMBERS[field] as Record<string, Localized>)) out[field][n] = l.en;
    for (const [n, l] of Object.entries(own[field] ?? {})) out[field][n] = `${n} · ${l} (team label)`;
  }
  return out;
}
