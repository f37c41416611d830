import type { VendorDescriptor } from '../types.ts';

// Placeholder descriptor: the netease vendor issue replaces it with schemas, client, sandbox and CLI.
export const netease: VendorDescriptor = {
  id: 'netease',
  title: { en: 'NetEase Yunxin RTC-AI', zh: '网易云信 RTC-AI' },
  credentials: [{ name: 'APP_KEY', label: { en: 'AppKey', zh: 'AppKey' }, env: 'PARLEY_NETEASE_APP_KEY', secret: false }, { name: 'APP_SECRET', label: { en: 'AppSecret', zh: 'AppSecret' }, env: 'PARLEY_NETEASE_APP_SECRET', secret: true }],
  settingsSchema: { type: 'object', properties: { endpoint: { type: 'string', description: 'Base URL for live mode' } } },
  defaultSettings: () => ({ endpoint: 'https://rtc-ai.yunxinapi.com' }),
  operations: [],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
};
