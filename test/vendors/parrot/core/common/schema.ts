import { sourceMarks, type JsonSchema } from '../../../../../src-main/core/schema.ts';

const { documented, inferred } = sourceMarks('parrot', 'test/vendors/parrot/PROTOCOL.md');

/** The `config` of the hello message (test/vendors/parrot/PROTOCOL.md#config). */
export const talkSchema: JsonSchema = {
  type: 'object',
  properties: {
    voice: {
      type: 'string',
      enum: ['low', 'high'],
      default: 'low',
      ...documented('voice'),
      description: { en: 'Reply voice: high answers in upper case, low in lower case.', zh: '回复音色:high 以大写回复,low 以小写回复。' },
    },
    repeat: {
      type: 'integer',
      minimum: 1,
      maximum: 3,
      default: 1,
      ...documented('repeat'),
      description: { en: 'Reply frames per turn.', zh: '每轮回复帧数。' },
    },
    greeting: { type: 'string', maxLength: 200, ...documented('greeting') },
    style: { type: 'string', enum: ['plain', 'shout'], ...inferred('style') },
  },
};

export const TALK_EXAMPLE: Record<string, unknown> = { voice: 'high', repeat: 2 };

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { endpoint: { type: 'string', pattern: '^wss?://', default: 'wss://parrot.invalid/v1/talk', title: { en: 'Endpoint', zh: '接入地址' } } },
};
