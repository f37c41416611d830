import type { VendorDescriptor } from '../types.ts';

// Placeholder descriptor: the convai vendor issue replaces it with schemas, client, sandbox and CLI.
export const convai: VendorDescriptor = {
  id: 'convai',
  title: { en: 'Convai Connect', zh: 'Convai 实时连接' },
  credentials: [{ name: 'API_KEY', label: { en: 'API key', zh: 'API 密钥' }, env: 'PARLEY_CONVAI_API_KEY', secret: true }],
  settingsSchema: { type: 'object', properties: { endpoint: { type: 'string', description: 'Base URL for live mode' } } },
  defaultSettings: () => ({ endpoint: 'https://live.convai.com' }),
  operations: [],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
};
