/** Rules JSON Schema cannot say clearly. Messages name the field the way the vendor doc does. */
import type { PayloadError, PayloadRules } from '../../types.ts';
import { validatePayload } from '../../../payload.ts';
import { sourceMarks } from '../../../schema.ts';
import { INTERRUPT_WORDS_MESSAGE, closeSchema, createSchema } from './schema.ts';

const { source } = sourceMarks('netease');
import { composePrompt } from './prompt.ts';

export { INTERRUPT_WORDS_MESSAGE };

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

export function validateCreate(payload: Record<string, unknown>): PayloadError[] {
  const errors: PayloadError[] = [];
  const data = obj(payload.data);
  const pipeline = obj(data?.pipeline);
  if (pipeline?.interruptMode === 4) {
    const words = pipeline.interruptWords;
    if (!Array.isArray(words) || words.filter((w) => typeof w === 'string' && w.trim() !== '').length === 0)
      errors.push({ path: '/data/pipeline/interruptWords', message: INTERRUPT_WORDS_MESSAGE, severity: 'error', source: source('documented', 'request-body') });
  }
  const llm = obj(data?.llm);
  // role 0 or empty (置空) means "my own prompt"; the doc does not say the server refuses one without a prompt.
  if (llm && llm.enableAgent !== true && (llm.role === 0 || llm.role === null)) {
    const hasPrompt = typeof llm.customPrompt === 'string' && llm.customPrompt.trim() !== '';
    const hasTemplate = obj(llm.customPromptKeyWord) !== undefined && typeof llm.customPromptFormat === 'string' && llm.customPromptFormat.trim() !== '';
    if (!hasPrompt && !hasTemplate)
      errors.push({
        path: '/data/llm/customPrompt',
        message: 'llm.customPrompt: expected with role 0 or empty (custom role), or customPromptKeyWord and customPromptFormat',
        severity: 'warning',
        source: source('inferred', 'role'),
      });
  }
  if (llm && typeof llm.customPromptFormat === 'string' && llm.customPromptKeyWord !== undefined) {
    const { missing } = composePrompt(obj(llm.customPromptKeyWord), llm.customPromptFormat);
    if (missing.length)
      errors.push({
        path: '/data/llm/customPromptKeyWord',
        message: `llm.customPromptKeyWord: no value for ${missing.map((k) => `{{${k}}}`).join(', ')} used in customPromptFormat`,
        severity: 'warning',
        source: source('inferred', 'role'),
      });
  }
  return errors;
}

/** Every finding of a create or close body: schema, undocumented fields and rules (the sandbox and the inspector use these). */
export const createBodyFindings = (body: unknown): PayloadError[] => validatePayload({ schema: createSchema, validate: PAYLOAD_RULES.create }, body);
export const closeBodyFindings = (body: unknown): PayloadError[] => validatePayload({ schema: closeSchema }, body);

/** The operations' rules beyond JSON Schema, run by main and by the renderer's form alike. */
export const PAYLOAD_RULES = { create: validateCreate } as const satisfies PayloadRules;
