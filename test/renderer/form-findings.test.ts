import { afterEach, describe, expect, it } from 'vitest';
import PayloadBuilder from '../../src-renderer/src/components/form/PayloadBuilder.vue';
import type { JsonSchema } from '../../src-main/core/schema.ts';
import type { PayloadError } from '../../src-main/core/vendors/types.ts';
import { connectSchema, connectExample, ADD_WAV_HEADER_NO_EFFECT } from '../../src-main/core/vendors/convai/common/schema.ts';
import { chatBotV3Schema, CHAT_BOT_V3_EXAMPLE } from '../../src-main/core/vendors/mindcraft/common/schema.ts';
import { createSchema, MODE_EXAMPLES } from '../../src-main/core/vendors/netease/common/schema.ts';
import { EXAMPLES, SCHEMAS } from '../../src-main/core/vendors/tencent/common/schemas.ts';
import { mount, setInput, tick, type Mounted } from './support/mount.ts';

/**
 * The form under the fidelity rule, with each vendor's real schema: a documented constraint is a red error with
 * its "documented" tag, an inferred one an amber warning tagged "inferred · sent anyway", a field the vendor does not
 * document an amber warning on its parent; findings from main or the vendor's answer land on their field.
 */
type Props = {
  schema: JsonSchema;
  modelValue: Record<string, unknown>;
  errors: PayloadError[];
  secretNames: string[];
  'onUpdate:modelValue': (v: Record<string, unknown>) => void;
};
let m: Mounted<Props>;
afterEach(() => m?.unmount());

function builder(schema: JsonSchema, value: Record<string, unknown>, errors: PayloadError[] = []) {
  m = mount(
    PayloadBuilder,
    {
      schema,
      modelValue: structuredClone(value),
      errors,
      secretNames: [],
      'onUpdate:modelValue': (v: Record<string, unknown>) => (m.props.modelValue = v),
    } as Props,
    {
      style: 'height: 900px; width: 1300px; display: block',
    },
  );
}
const field = (path: string) => m.el.querySelector<HTMLElement>(`.field[data-path="${path}"]`)!;
const findings = (el: Element, kind: 'error' | 'warning') =>
  [...el.querySelectorAll(`:scope > .findings [data-test=finding-${kind}]`)].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
const stray = (kind: 'error' | 'warning') =>
  [...m.el.querySelectorAll(`[data-test=stray-findings] [data-test=finding-${kind}]`)].map((li) => li.getAttribute('data-path'));
const counts = () => [m.el.querySelector('[data-test=error-count]')?.textContent ?? '', m.el.querySelector('[data-test=warning-count]')?.textContent ?? ''];

describe('errors and warnings, per vendor', () => {
  it('Mindcraft: max_tokens out of range is an error, an empty asr_text a warning, temperature undocumented', async () => {
    builder(chatBotV3Schema, { ...CHAT_BOT_V3_EXAMPLE, max_tokens: 5, asr_text: '', temperature: 0.5 });
    await tick();
    expect(field('/max_tokens').classList.contains('invalid')).toBe(true);
    expect(findings(field('/max_tokens'), 'error')).toEqual(['/max_tokens: expected a number >= 20 documented']);
    expect(field('/max_tokens').querySelector('.tag')!.getAttribute('title')).toBe('docs/vendors/mindcraft.md#chat-bot-v3-parameters');
    expect(field('/asr_text').classList.contains('warned')).toBe(true);
    expect(field('/asr_text').classList.contains('invalid')).toBe(false);
    expect(findings(field('/asr_text'), 'warning')).toEqual(['⚠ /asr_text: must NOT have fewer than 1 characters inferred · sent anyway']);
    expect(stray('warning')).toEqual(['/temperature']);
    expect(counts()).toEqual(['1 error', '2 warnings']);
    // Fixing the documented one leaves only warnings: "Valid" is not claimed, the warnings stay.
    setInput(field('/max_tokens').querySelector('input'), '100');
    await tick();
    expect(counts()).toEqual(['', '2 warnings']);
    expect(m.el.querySelector('.ok-count')).toBeNull();
  });

  it('Convai: add_wav_header with audio_only stays editable with a note; the "no effect" warning from main is amber', async () => {
    const payload = { ...connectExample, audio_config: { output: { audio_routing: 'audio_only', add_wav_header: true } }, dynamic_info: { mood: 'calm' } };
    builder(connectSchema, payload, [
      {
        path: '/audio_config/output/add_wav_header',
        message: ADD_WAV_HEADER_NO_EFFECT,
        severity: 'warning',
        source: { kind: 'documented', ref: 'docs/vendors/convai.md#add-wav-header' },
      },
    ]);
    await tick();
    const header = field('/audio_config/output/add_wav_header');
    expect(header.querySelector<HTMLInputElement>('input[type=checkbox]')!.disabled).toBe(false);
    expect(header.querySelector('[data-test=note]')!.textContent).toContain('no effect');
    expect(header.classList.contains('warned')).toBe(true);
    expect(findings(header, 'warning')).toEqual([expect.stringMatching(/has no effect .* note · sent anyway$/)]);
    // dynamic_info: the example key missing is a warning; the extra key a warning on the object.
    expect(findings(field('/dynamic_info'), 'warning')).toEqual([]);
    expect(stray('warning')).toEqual(['/dynamic_info/mood']);
    expect(findings(field('/dynamic_info/text'), 'warning')).toEqual(['⚠ /dynamic_info/text: required inferred · sent anyway']);
    expect(counts()[0]).toBe('');
  });

  it('NetEase: role may be empty (an option), a field the agent mode does not document is a warning on data', async () => {
    builder(createSchema, { ...MODE_EXAMPLES.agent, data: { ...(MODE_EXAMPLES.agent.data as Record<string, unknown>), asr: { asrVendor: 5 } } });
    await tick();
    expect(stray('warning')).toEqual(['/data/asr']);
    expect(counts()).toEqual(['', '1 warning']);
    m.unmount();
    builder(createSchema, MODE_EXAMPLES.parameters);
    await tick();
    const role = field('/data/llm/role').querySelector('select')!;
    expect([...role.options].map((o) => o.textContent)).toContain('empty (置空) · custom prompt (null)');
  });

  it('Tencent: an unknown TTSType gets the "Other TTSType" sub-form; a vendor field error lands on its field', async () => {
    const payload = { ...EXAMPLES.StartAIConversation, BotMood: 'calm', TTSConfig: { TTSType: 'azure', SubscriptionKey: 'k' } };
    builder(SCHEMAS.StartAIConversation, payload, [
      { path: '/RoomId', message: 'InvalidParameter.RoomId: The value of the parameter `RoomId` is invalid', severity: 'error' },
    ]);
    await tick();
    const branch = field('/TTSConfig').querySelector<HTMLSelectElement>('[data-test=branch]')!;
    expect(branch.options[branch.selectedIndex]!.textContent).toBe('Other TTSType');
    expect(findings(field('/TTSConfig/TTSType'), 'warning')).toEqual([]); // the "no sub-form" warning comes from main's rules
    // An undocumented parameter is warned; an open type's own settings are not each warned.
    expect(stray('warning')).toEqual(['/BotMood']);
    expect(field('/RoomId').classList.contains('invalid')).toBe(true);
    expect(findings(field('/RoomId'), 'error')).toEqual(['InvalidParameter.RoomId: The value of the parameter `RoomId` is invalid']);
  });
});
