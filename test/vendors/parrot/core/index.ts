import type { VendorDescriptor } from '../../../../src-main/core/vendors/types.ts';
import { settingsSchema, TALK_EXAMPLE, talkSchema } from './common/schema.ts';
import { runParrotTalk } from './session.ts';
import { mountParrotSandbox, SANDBOX_API_KEY } from './sandbox.ts';

/** The test-only fifth vendor (test/vendors/parrot/PROTOCOL.md): registered by the tests that use it, nowhere else. */
export const parrot: VendorDescriptor<'parrot'> = {
  id: 'parrot',
  title: { en: 'Parrot Voice (test vendor)', zh: 'Parrot 语音(测试厂商)' },
  color: '#5fd3c4',
  docsHosts: ['parrot.invalid'],
  credentials: [
    { name: 'API_KEY', label: { en: 'API key', zh: 'API 密钥' }, secret: true, description: { en: 'Sent in the hello message.', zh: '在 hello 消息中发送。' } },
  ],
  settingsSchema,
  defaultSettings: () => ({ endpoint: 'wss://parrot.invalid/v1/talk' }),
  operations: [
    {
      id: 'talk',
      title: { en: 'Talk (socket)', zh: '对话(socket)' },
      transport: 'socket',
      schema: talkSchema,
      example: TALK_EXAMPLE,
      actions: [
        { id: 'text', title: { en: 'Say', zh: '说' }, schema: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } } },
      ],
      run: runParrotTalk,
    },
  ],
  mountSandbox: mountParrotSandbox,
  sandboxCredentials: { API_KEY: SANDBOX_API_KEY },
  cli: async () => [(await import('./cli.ts')).parrotCommand],
};
