import type { VendorDescriptor } from '../types.ts';

// Placeholder descriptor: the tencent vendor issue replaces it with schemas, client, sandbox and CLI.
export const tencent: VendorDescriptor = {
  id: 'tencent',
  title: { en: 'Tencent TRTC AI Conversation', zh: '腾讯云 TRTC AI 对话' },
  credentials: [{ name: 'SECRET_ID', label: { en: 'SecretId', zh: 'SecretId' }, env: 'PARLEY_TENCENT_SECRET_ID', secret: true }, { name: 'SECRET_KEY', label: { en: 'SecretKey', zh: 'SecretKey' }, env: 'PARLEY_TENCENT_SECRET_KEY', secret: true }],
  settingsSchema: { type: 'object', properties: { endpoint: { type: 'string', description: 'Base URL for live mode' } } },
  defaultSettings: () => ({ endpoint: 'https://trtc.tencentcloudapi.com' }),
  operations: [],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
};
