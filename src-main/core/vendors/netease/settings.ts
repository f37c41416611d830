import type { JsonSchema } from '../../schema.ts';
import { LIVE_ENDPOINT } from './client.ts';
import { VENDOR_NUMBER_FIELDS } from './common/schema.ts';

const labelMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string', minLength: 1, maxLength: 80 } };

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  'x-order': ['variant', 'endpoint', 'uid', 'botUid', 'captionLanguage', 'vendorLabels'],
  properties: {
    variant: {
      title: { en: 'API variant', zh: 'API 类型' },
      type: 'string',
      enum: ['server', 'client'],
      default: 'server',
      'x-enum-labels': {
        server: { en: 'Server API (CheckSum)', zh: '服务端 API (CheckSum)' },
        client: { en: 'Client API (room Token)', zh: '客户端 API (房间 Token)' },
      },
      description: {
        en: 'Default API variant for create/close; a call may override it with its own `variant` field.',
        zh: '创建/停止任务默认使用的 API 类型;单次调用可用 variant 字段覆盖。',
      },
    },
    endpoint: {
      title: { en: 'Live endpoint', zh: '正式环境地址' },
      type: 'string',
      format: 'uri',
      default: LIVE_ENDPOINT,
      examples: [LIVE_ENDPOINT],
      description: { en: 'Base URL in live mode (the sandbox target ignores it).', zh: '正式环境的服务地址 (沙盒目标忽略此项)。' },
    },
    uid: {
      title: { en: 'Console uid', zh: '控制台 uid' },
      type: 'string',
      pattern: '^[0-9]{1,19}$',
      default: '10001',
      description: {
        en: "The console user's uid in the room: the uid the TOKEN was issued for (client API header Uid).",
        zh: '控制台用户在房间中的 uid,即获取 Token 时使用的 uid (客户端 API 的 Uid 请求头)。',
      },
    },
    botUid: {
      title: { en: 'Bot uid', zh: '机器人 uid' },
      type: 'string',
      pattern: '^[0-9]{0,19}$',
      default: '',
      description: {
        en: "The AI bot's uid, for aiManualInterrupt and caption attribution. Empty: the first remote user.",
        zh: 'AI 机器人的 uid,用于 aiManualInterrupt 及字幕归属。留空: 第一个远端用户。',
      },
    },
    captionLanguage: {
      title: { en: 'Caption language', zh: '字幕语言' },
      type: 'string',
      default: 'AUTO',
      examples: ['AUTO', 'zh', 'en'],
      description: { en: 'sourceLan for startAsrCaptions.', zh: 'startAsrCaptions 的源语言。' },
    },
    vendorLabels: {
      title: { en: 'Vendor number names', zh: '供应商编号名称' },
      type: 'object',
      additionalProperties: false,
      description: {
        en: 'Your team\'s names for the vendor numbers NetEase does not publish, e.g. {"ttsVendor": {"6": "Volcengine"}}.',
        zh: '团队对未公开的供应商编号的命名,例如 {"ttsVendor": {"6": "火山引擎"}}。',
      },
      properties: Object.fromEntries(VENDOR_NUMBER_FIELDS.map((f) => [f, labelMap])),
    },
  },
};

export function defaultSettings(_target: 'sandbox' | 'live'): Record<string, unknown> {
  return { variant: 'server', endpoint: LIVE_ENDPOINT, uid: '10001', botUid: '', captionLanguage: 'AUTO', vendorLabels: {} };
}
