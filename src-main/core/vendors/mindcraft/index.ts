import type { VendorDescriptor } from '../types.ts';
import { CHAT_BOT_V3_EXAMPLE, chatBotV3Schema, defaultSettings, settingsSchema, PAYLOAD_RULES } from './common/schema.ts';
import { Conversation, sandboxSocketUrl } from './session.ts';
import { mountMindcraftSandbox, SANDBOX_API_KEY, SANDBOX_DEVICE_TOKEN } from './sandbox.ts';
import { readSettings } from './common/schema.ts';
import { sampleSchema } from './samples.ts';
import { inspectChatBot } from './inspect.ts';

export const mindcraft: VendorDescriptor<'mindcraft'> = {
  id: 'mindcraft',
  title: { en: 'Mindcraft chat_bot_v3', zh: 'Mindcraft 智能体 V3' },
  color: '#7fd36b',
  // Its API reference is published on apifox.
  docsHosts: ['mindcraft.com.cn', 'www.mindcraft.com.cn', 'apifox.com'],
  credentials: [
    {
      name: 'API_KEY',
      label: { en: 'API key', zh: 'API 密钥' },
      secret: true,
      description: {
        en: 'Permanent API key, sent as the Authorization: Bearer header of the WebSocket upgrade (or as a first auth_token message when the profile says so).',
        zh: '永久有效的 ApiKey;在 WebSocket 握手时以 Authorization: Bearer 请求头发送(或按配置作为首条消息 auth_token 发送)。',
      },
    },
    {
      name: 'DEVICE_TOKEN',
      label: { en: 'Device token', zh: 'DeviceToken' },
      secret: true,
      description: {
        en: 'access_token (valid 7 days), sent as ?token= when authentication is "device token". Status 2004: fetch a new one.',
        zh: 'access_token(有效期 7 天);认证方式为 DeviceToken 时以 ?token= 发送。状态 2004 表示需重新获取。',
      },
    },
  ],
  settingsSchema,
  defaultSettings: () => ({ ...defaultSettings() }),
  voiceTurns: { via: 'core', open: async (...args) => (await import('./conversation.ts')).openMindcraftConversation(...args), text: true },
  operations: [
    {
      id: 'chat_bot_v3',
      title: { en: 'ChatBot V3 conversation (socket)', zh: 'ChatBot 智能体 V3 对话(socket)' },
      description: {
        en: 'Opens the socket, authenticates, then runs turns: speech from the microphone or a WAV file (stop upload ends the question) or text. Answers stream back as emotion, llm text and tts mp3 segments ordered by z_index.',
        zh: '建立 socket 并认证,然后进行对话:麦克风或 WAV 语音(停止上传结束提问)或文本。回答以情绪、llm 文本和按 z_index 排序的 tts mp3 片段流式返回。',
      },
      transport: 'socket',
      schema: chatBotV3Schema,
      example: { ...CHAT_BOT_V3_EXAMPLE },
      validate: PAYLOAD_RULES.chat_bot_v3,
      actions: [
        {
          id: 'audio',
          title: { en: 'Microphone frame', zh: '麦克风音频帧' },
          schema: {
            type: 'object',
            required: ['pcm'],
            properties: {
              pcm: { type: 'string', description: { en: 'PCM16 little-endian samples, base64', zh: 'PCM16 小端采样,base64' } },
              sampleRate: { type: 'integer', minimum: 8000, maximum: 192000, default: 48000, 'x-unit': 'Hz' },
              channels: { type: 'integer', enum: [1, 2], default: 1 },
            },
          },
        },
        {
          id: 'send_wav',
          title: { en: 'Send a WAV file', zh: '发送 WAV 文件' },
          schema: {
            type: 'object',
            properties: {
              sample: {
                type: 'string',
                description: { en: 'A sample utterance (resources/utterances)', zh: '示例语音(resources/utterances)' },
                ...sampleSchema(),
              },
              path: { type: 'string', description: { en: 'Path of a .wav file', zh: '.wav 文件路径' } },
              base64: { type: 'string', description: { en: 'WAV file bytes, base64', zh: 'WAV 文件内容,base64' } },
              realtime: {
                type: 'boolean',
                default: true,
                description: { en: 'Pace frames in real time (false: as fast as possible)', zh: '按实时节奏发送(否:尽快发送)' },
              },
              frameMs: { type: 'integer', minimum: 5, maximum: 1000, default: 20, 'x-unit': 'ms' },
              stopUpload: { type: 'boolean', default: true, description: { en: 'Send stop upload after the file', zh: '发送完后停止语音上传' } },
            },
          },
        },
        {
          id: 'text',
          title: { en: 'Text turn (asr_text)', zh: '文本对话(asr_text)' },
          schema: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
        },
        { id: 'stop_upload', title: { en: 'Stop upload', zh: '停止语音上传' } },
        { id: 'stop_output', title: { en: 'Stop output (interrupt)', zh: '终止流式返回(打断)' } },
        {
          id: 'wait_turn',
          title: { en: 'Wait for the current turn to end', zh: '等待本轮结束' },
          schema: { type: 'object', properties: { timeoutMs: { type: 'integer', minimum: 100 } } },
        },
      ],
      inspect: inspectChatBot,
      run(ctx) {
        const endpoint = ctx.sandboxUrl ? sandboxSocketUrl(ctx.sandboxUrl) : readSettings(ctx.profile.settings).endpoint;
        return new Conversation(ctx, endpoint).run();
      },
    },
  ],
  mountSandbox: mountMindcraftSandbox,
  sandboxCredentials: { API_KEY: SANDBOX_API_KEY, DEVICE_TOKEN: SANDBOX_DEVICE_TOKEN },
  cli: async () => (await import('./cli.ts')).mindcraftCommands,
};
