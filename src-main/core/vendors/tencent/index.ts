import type {
  CredentialField,
  OperationDescriptor,
  OperationOutcome,
  RoomCredential,
  RoomCredentialContext,
  RoomCredentialRequest,
  RoomJoinContext,
  RoomJoinInfo,
  SessionContext,
  VendorDescriptor,
} from '../types.ts';
import type { JsonSchema, Localized } from '../../schema.ts';
import { ACTIONS, EXAMPLES, HOSTS, REGIONS, REGION_LABELS, PAYLOAD_RULES, SCHEMAS, type TencentAction } from './common/schemas.ts';
import { ENDPOINTS, inspectAction, runAction } from './client.ts';
import { SANDBOX_CREDENTIALS, TencentSandbox } from './sandbox.ts';
import { DEFAULT_USERSIG_EXPIRE_S, genUserSig } from './usersig.ts';

const cred = (name: string, en: string, zh: string, secret: boolean, description?: Localized): CredentialField => ({
  name,
  label: { en, zh },
  secret,
  ...(description ? { description } : {}),
});

const CREDENTIALS: CredentialField[] = [
  cred('SECRET_ID', 'SecretId', 'SecretId', true, { en: 'Tencent Cloud API key id (signs every API call).', zh: '腾讯云 API 密钥 ID（用于签名）。' }),
  cred('SECRET_KEY', 'SecretKey', 'SecretKey', true, { en: 'Tencent Cloud API secret key.', zh: '腾讯云 API 密钥 Key。' }),
  cred('SDK_APP_ID', 'TRTC SDKAppID', 'TRTC SDKAppID', false, { en: 'TRTC application id, for UserSig.', zh: 'TRTC 应用 ID，用于生成 UserSig。' }),
  cred('SDK_SECRET_KEY', 'TRTC SDK secret key', 'TRTC SDK 密钥', true, {
    en: 'TRTC application secret key: mints UserSig for the bot and the console user.',
    zh: 'TRTC 应用密钥，用于为机器人和控制台用户生成 UserSig。',
  }),
  cred('LLM_API_KEY', 'LLM API key', 'LLM API Key', true, {
    en: 'Referenced as {{secret:LLM_API_KEY}} in LLMConfig.APIKey.',
    zh: '在 LLMConfig.APIKey 中以 {{secret:LLM_API_KEY}} 引用。',
  }),
  cred('TTS_SECRET_ID', 'TTS SecretId', 'TTS SecretId', true, {
    en: 'Tencent Cloud TTS SecretId, referenced in TTSConfig.',
    zh: '腾讯云 TTS SecretId，在 TTSConfig 中引用。',
  }),
  cred('TTS_SECRET_KEY', 'TTS SecretKey', 'TTS SecretKey', true, {
    en: 'Tencent Cloud TTS SecretKey, referenced in TTSConfig.',
    zh: '腾讯云 TTS SecretKey，在 TTSConfig 中引用。',
  }),
];

const settingsSchema: JsonSchema = {
  type: 'object',
  properties: {
    endpoint: {
      title: { en: 'API endpoint', zh: 'API 地址' },
      type: 'string',
      enum: [...ENDPOINTS, 'custom'],
      default: ENDPOINTS[0],
      'x-enum-labels': {
        [ENDPOINTS[0]]: { en: `${HOSTS[0]} (China site)`, zh: `${HOSTS[0]}（中国站）` },
        [ENDPOINTS[1]]: { en: `${HOSTS[1]} (international)`, zh: `${HOSTS[1]}（国际站）` },
        custom: { en: 'Custom URL', zh: '自定义地址' },
      },
      description: { en: 'API endpoint for live mode.', zh: '真实模式下的 API 地址。' },
    },
    customEndpoint: {
      title: { en: 'Custom endpoint URL', zh: '自定义地址' },
      type: 'string',
      description: { en: 'Endpoint URL when "Custom URL" is chosen.', zh: '选择“自定义地址”时使用的 URL。' },
      examples: ['https://trtc.ap-guangzhou.tencentcloudapi.com'],
    },
    region: {
      title: { en: 'Region', zh: '地域' },
      type: 'string',
      pattern: '^[a-z]+(-[a-z0-9]+)+$',
      default: 'ap-guangzhou',
      // The document's four regions as suggestions; any other is sent as typed, with a warning (docs/vendors/tencent.md#regions).
      examples: [...REGIONS],
      'x-allow-custom': true,
      'x-enum-labels': REGION_LABELS,
      description: {
        en: 'X-TC-Region. The document lists ap-guangzhou, ap-singapore, ap-tokyo and na-siliconvalley; another region is sent with a warning.',
        zh: '地域（X-TC-Region）。文档列出 ap-guangzhou、ap-singapore、ap-tokyo、na-siliconvalley；其他地域会附带提示照常发送。',
      },
    },
    language: {
      title: { en: 'Error message language', zh: '错误信息语言' },
      type: 'string',
      enum: ['', 'zh-CN', 'en-US'],
      default: '',
      'x-enum-labels': { '': { en: 'Not sent', zh: '不发送' }, 'zh-CN': { en: 'Chinese', zh: '中文' }, 'en-US': { en: 'English', zh: '英文' } },
      description: { en: 'X-TC-Language: language of error messages.', zh: 'X-TC-Language：错误信息的语言。' },
    },
    signedHeaders: {
      title: { en: 'Signed headers', zh: '签名的请求头' },
      type: 'string',
      enum: ['content-type;host;x-tc-action', 'content-type;host'],
      default: 'content-type;host;x-tc-action',
      'x-enum-labels': {
        'content-type;host;x-tc-action': { en: 'content-type;host;x-tc-action (current official demos)', zh: 'content-type;host;x-tc-action（官方示例）' },
        'content-type;host': { en: 'content-type;host (older SDKs)', zh: 'content-type;host（旧版 SDK）' },
      },
      description: { en: 'Headers covered by the TC3 signature.', zh: 'TC3 签名覆盖的请求头。' },
    },
    timestampOverride: {
      title: { en: 'Sign with a fixed timestamp', zh: '固定签名时间戳' },
      type: 'integer',
      minimum: 0,
      default: 0,
      'x-unit': 's',
      description: {
        en: 'For testing: sign with this Unix timestamp instead of the clock (0 = use the clock). An old value reproduces AuthFailure.SignatureExpire.',
        zh: '测试用：以该 Unix 时间戳签名（0 表示使用当前时间）。过旧的值可复现 AuthFailure.SignatureExpire。',
      },
    },
  },
  additionalProperties: false,
};

const TITLES: Record<TencentAction, [Localized, Localized]> = {
  StartAIConversation: [
    { en: 'Start AI conversation', zh: '启动 AI 对话' },
    {
      en: 'The bot joins the TRTC room and talks with TargetUserId. Then join the room from the Tencent panel.',
      zh: '机器人进入 TRTC 房间与 TargetUserId 对话，随后可在面板中进房。',
    },
  ],
  StopAIConversation: [
    { en: 'Stop AI conversation', zh: '停止 AI 对话' },
    { en: 'End a task by TaskId.', zh: '按 TaskId 结束任务。' },
  ],
  DescribeAIConversation: [
    { en: 'Describe AI conversation', zh: '查询 AI 对话' },
    { en: 'Task status: Idle, Preparing, InProgress or Stopped.', zh: '任务状态：Idle、Preparing、InProgress 或 Stopped。' },
  ],
  UpdateAIConversation: [
    { en: 'Update AI conversation', zh: '更新 AI 对话' },
    { en: 'Change a running task; omitted fields are kept.', zh: '更新运行中的任务，未填写的字段不变。' },
  ],
  ControlAIConversation: [
    { en: 'Control AI conversation', zh: '控制 AI 对话' },
    { en: 'Push text for the bot to speak, or send content to the LLM.', zh: '推送文本让机器人播报，或向 LLM 发送内容。' },
  ],
};

const operation = (action: TencentAction): OperationDescriptor => ({
  id: action,
  title: TITLES[action][0],
  description: TITLES[action][1],
  // Start is a room session: after the control-plane call the renderer joins the TRTC room until the user stops it.
  transport: action === 'StartAIConversation' ? 'room' : 'http',
  schema: SCHEMAS[action],
  example: EXAMPLES[action],
  run: (ctx) => runAction(action, ctx),
  inspect: (ctx) => inspectAction(action, ctx),
  validate: PAYLOAD_RULES[action],
  ...(action === 'StartAIConversation' ? { closeTask: stopStartedTask, perRunIds: startPerRunIds } : {}),
});

/** Stop: end the task this StartAIConversation session started (StopAIConversation with its TaskId). */
async function stopStartedTask(ctx: SessionContext, result: unknown): Promise<OperationOutcome> {
  const taskId = (result as { TaskId?: unknown } | undefined)?.TaskId;
  if (typeof taskId !== 'string' || !taskId) return { ok: false, summary: 'StartAIConversation returned no TaskId: nothing to stop' };
  return runAction('StopAIConversation', { ...ctx, resolvedPayloadWithSecrets: { TaskId: taskId }, payloadWithRefs: { TaskId: taskId } });
}

/** A run of its own: its own room (string RoomId suffixed; numeric RoomId drawn anew) and SessionId. */
function startPerRunIds(payload: Record<string, unknown>, runId: string): ReturnType<NonNullable<OperationDescriptor['perRunIds']>> {
  const out = structuredClone(payload);
  const changed: { path: string; from: unknown; to: unknown }[] = [];
  const room = payload.RoomId;
  if (typeof room === 'string' && room) {
    // RoomIdType 0 is a numeric room (uint32, 1..4294967294): a suffix would make it invalid, so draw a number.
    const to = payload.RoomIdType === 1 ? `${room}-${runId}` : String(1 + (Number.parseInt(runId, 36) % 4294967293));
    out.RoomId = to;
    changed.push({ path: '/RoomId', from: room, to });
  }
  if (typeof payload.SessionId === 'string' && payload.SessionId) {
    out.SessionId = `${payload.SessionId}-${runId}`;
    changed.push({ path: '/SessionId', from: payload.SessionId, to: out.SessionId });
  }
  return { payload: out, changed };
}

/** UserSig lifetime for the console's own room user: one join, so a day is plenty. */
const JOIN_USERSIG_EXPIRE_S = 24 * 3600;

/** What the console joins a TRTC room with: its own user, the room (numeric or string), the bot, the task. */
export interface TencentJoinParams {
  sdkAppId: number;
  userId: string;
  userSig: string;
  roomId?: number;
  strRoomId?: string;
  botUserId: string;
  subtitleMode: number;
  taskId: string;
  expiresAt: string;
  /** A sandbox profile's room: the loopback sandbox room service (the room frame then uses the sandbox SDK). */
  sandboxRoom?: string;
}

/** Join parameters for the console user (AgentConfig.TargetUserId, the user the bot listens to), minted per join. */
export async function tencentRoomJoin(ctx: RoomJoinContext): Promise<RoomJoinInfo<'tencent', TencentJoinParams>> {
  const p = ctx.payload as {
    SdkAppId?: number;
    RoomId?: string;
    RoomIdType?: number;
    AgentConfig?: { UserId?: string; TargetUserId?: string; SubtitleMode?: number };
  };
  if (!p.SdkAppId || !p.RoomId || !p.AgentConfig?.TargetUserId)
    throw new Error('room.join: the StartAIConversation payload has no SdkAppId, RoomId or AgentConfig.TargetUserId');
  const userId = p.AgentConfig.TargetUserId;
  const userSig = genUserSig({ sdkAppId: p.SdkAppId, userId, secretKey: await ctx.credential('SDK_SECRET_KEY'), expireSeconds: JOIN_USERSIG_EXPIRE_S });
  const stringRoom = p.RoomIdType === 1;
  if (!stringRoom && !/^\d+$/.test(p.RoomId)) throw new Error(`room.join: RoomId "${p.RoomId}" is not numeric but RoomIdType is 0 (numeric)`);
  return {
    vendor: 'tencent',
    params: {
      sdkAppId: p.SdkAppId,
      userId,
      userSig,
      ...(stringRoom ? { strRoomId: p.RoomId } : { roomId: Number(p.RoomId) }),
      botUserId: p.AgentConfig.UserId ?? '',
      subtitleMode: p.AgentConfig.SubtitleMode ?? 0,
      taskId: (ctx.result as { TaskId?: string } | undefined)?.TaskId ?? '',
      expiresAt: new Date(Date.now() + JOIN_USERSIG_EXPIRE_S * 1000).toISOString(),
      // A sandbox profile's room is the sandbox room service; the room frame then uses the sandbox TRTC.
      ...(ctx.sandboxUrl ? { sandboxRoom: ctx.sandboxUrl } : {}),
    },
    sensitive: ['userSig'],
  };
}

/** A UserSig for any user of the profile's TRTC app (the bot's AgentConfig.UserSig), with the SdkAppId it is for. */
export async function tencentMintUserSig(ctx: RoomCredentialContext, request: RoomCredentialRequest): Promise<RoomCredential> {
  const appIdText = await ctx.credential('SDK_APP_ID');
  const sdkAppId = Number(appIdText);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new Error(`credential SDK_APP_ID: expected a positive integer, got "${appIdText}"`);
  const expireSeconds = request.expireSeconds ?? DEFAULT_USERSIG_EXPIRE_S;
  const credential = genUserSig({ sdkAppId, userId: request.userId, secretKey: await ctx.credential('SDK_SECRET_KEY'), expireSeconds });
  return { credential, expiresAt: new Date(Date.now() + expireSeconds * 1000).toISOString(), params: { sdkAppId, userId: request.userId } };
}

/**
 * trtc-sdk-v5 5.17 schedules over https on schedule.cloud-rtc.com / .net (mainland) and schedule.rtc-web.com / .io,
 * intl-schedule.cloud-rtc.com (overseas), then opens the signalling socket on the host the schedule returns; the SDK
 * suffixes bare names with `.rtc.qq.com` and falls back to wss://trtc.rtc.qq.com and wss://webrtc.qq.com (read from
 * the SDK sources in node_modules). Every join ends with a key-point report and key-metric stats sent by sendBeacon
 * to yun.tim.qq.com (apisgp.my-imcloud.com for SDKAppIDs below 1400000000), whatever the SDK's options: Tencent's own
 * servers, receiving what its room already knows (support asks for these reports), so they are allowed too. The
 * volume meter (audio-volume) is an AudioWorklet the SDK loads from a blob: URL.
 */
const TRTC_ROOM = {
  sdk: 'trtc',
  connectSources: [
    'https://schedule.cloud-rtc.com',
    'https://schedule.cloud-rtc.net',
    'https://schedule.rtc-web.com',
    'https://schedule.rtc-web.io',
    'https://intl-schedule.cloud-rtc.com',
    'wss://*.rtc.qq.com',
    'wss://webrtc.qq.com',
    'wss://*.rtc-web.com',
    'wss://*.rtc-web.io',
    'wss://*.cloud-rtc.com',
    'https://yun.tim.qq.com',
    'https://apisgp.my-imcloud.com',
  ],
  blobScripts: true,
} as const;

export const tencent = {
  id: 'tencent',
  title: { en: 'Tencent TRTC AI Conversation', zh: '腾讯云 TRTC AI 对话' },
  color: '#4f8ff7',
  docsHosts: ['cloud.tencent.com', 'console.cloud.tencent.com', 'www.tencentcloud.com', 'trtc.io'],
  credentials: CREDENTIALS,
  settingsSchema,
  defaultSettings: () => ({
    endpoint: ENDPOINTS[0],
    region: 'ap-guangzhou',
    language: '',
    signedHeaders: 'content-type;host;x-tc-action',
    timestampOverride: 0,
  }),
  operations: ACTIONS.map(operation),
  mountSandbox: (host) => new TencentSandbox().mount(host),
  sandboxCredentials: { ...SANDBOX_CREDENTIALS },
  room: TRTC_ROOM,
  roomJoin: tencentRoomJoin,
  voiceTurns: { via: 'agent' },
  mintRoomCredential: tencentMintUserSig,
  cli: async () => (await import('./cli.ts')).tencentCommands,
} satisfies VendorDescriptor<'tencent'>;
