import type { VendorDescriptor } from '../types.ts';

// Placeholder descriptor: the mindcraft vendor issue replaces it with schemas, client, sandbox and CLI.
export const mindcraft: VendorDescriptor = {
  id: 'mindcraft',
  title: { en: 'Mindcraft chat_bot_v3', zh: 'Mindcraft 智能体 V3' },
  credentials: [{ name: 'API_KEY', label: { en: 'API key', zh: 'API 密钥' }, env: 'PARLEY_MINDCRAFT_API_KEY', secret: true }],
  settingsSchema: { type: 'object', properties: { endpoint: { type: 'string', description: 'Base URL for live mode' } } },
  defaultSettings: () => ({ endpoint: 'wss://api.mindcraft.com.cn/socket-v1/' }),
  operations: [],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
};
