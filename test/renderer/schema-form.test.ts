import { afterEach, describe, expect, it } from 'vitest';
import { EditorView } from '@codemirror/view';
import PayloadBuilder from '../../src-renderer/src/components/form/PayloadBuilder.vue';
import { toWire } from '../../src-main/core/payload.ts';
import type { PayloadError } from '../../src-main/core/vendors/types.ts';
import { kitchenSink, sinkExample } from './support/schemas.ts';
import { mount, setInput, tick, until, type Mounted } from './support/mount.ts';

type Props = {
  schema: typeof kitchenSink;
  modelValue: Record<string, unknown>;
  errors: PayloadError[];
  secretNames: string[];
  'onUpdate:modelValue': (v: Record<string, unknown>) => void;
};
let m: Mounted<Props>;

function builder(value: Record<string, unknown> = structuredClone(sinkExample), errors: PayloadError[] = []) {
  m = mount(
    PayloadBuilder,
    {
      schema: kitchenSink,
      modelValue: value,
      errors,
      secretNames: ['API_KEY', 'SECRET_KEY'],
      'onUpdate:modelValue': (v: Record<string, unknown>) => {
        m.props.modelValue = v;
      },
    } as Props,
    { style: 'height: 700px; width: 1200px; display: block' },
  );
  return m;
}
const field = (path: string) => m.el.querySelector<HTMLElement>(`.field[data-path="${path}"]`);
const control = (path: string, sel = 'input') => field(path)?.querySelector<HTMLInputElement>(`:scope > .control ${sel}`) ?? null;
const editor = () => EditorView.findFromDOM(m.el.querySelector('.cm-editor') as HTMLElement)!;

afterEach(() => m?.unmount());

describe('payload builder form', () => {
  it('shows enum labels and keeps the enum value type', async () => {
    builder();
    await tick();
    const select = control('/Mode', 'select') as unknown as HTMLSelectElement;
    const labels = [...select.options].map((o) => o.textContent);
    expect(labels).toContain('Numeric room (1)');
    expect(labels).toContain('String room (2)');
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    await tick();
    expect(m.props.modelValue.Mode).toBe(2);
  });

  it('shows the range with its unit and a range error on the field before sending', async () => {
    builder();
    await tick();
    expect(field('/Volume')!.querySelector('[data-test="range"]')!.textContent).toBe('0 – 100 %');
    expect(field('/Volume')!.classList.contains('invalid')).toBe(false);
    setInput(control('/Volume'), '150');
    await tick();
    expect(m.props.modelValue.Volume).toBe(150);
    expect(field('/Volume')!.classList.contains('invalid')).toBe(true);
    expect(field('/Volume')!.querySelector('.findings')!.textContent).toContain('/Volume: expected a number <= 100');
    expect(m.el.querySelector('[data-test="error-count"]')!.textContent).toBe('1 error');
  });

  it('marks a missing required field and shows server errors keyed by JSON pointer', async () => {
    builder({ ...structuredClone(sinkExample), RoomId: undefined } as Record<string, unknown>, [
      { path: '/LLMConfig/Model', message: 'vendor 422: model not available', severity: 'error' },
    ]);
    await tick();
    expect(field('/RoomId')!.querySelector('.findings')!.textContent).toContain('/RoomId: required');
    expect(field('/LLMConfig/Model')!.querySelector('.findings')!.textContent).toContain('model not available');
  });

  it('edits nested objects and arrays of objects (add, reorder, remove)', async () => {
    builder();
    await tick();
    (field('/Timing')!.querySelector('.control > button') as HTMLButtonElement).click();
    await tick();
    expect(m.props.modelValue.Timing).toEqual({});
    setInput(control('/Timing/SilenceMs'), '800');
    await tick();
    expect(m.props.modelValue.Timing).toEqual({ SilenceMs: 800 });

    const add = () => (field('/Actions')!.querySelector('button.add') as HTMLButtonElement).click();
    add();
    await tick();
    add();
    await tick();
    expect(m.props.modelValue.Actions).toEqual([{ name: '' }, { name: '' }]);
    setInput(control('/Actions/0/name'), 'greet');
    setInput(control('/Actions/1/name'), 'bye');
    await tick();
    (field('/Actions/0')!.querySelector('[title="Move down"]') as HTMLButtonElement).click();
    await tick();
    expect((m.props.modelValue.Actions as { name: string }[]).map((a) => a.name)).toEqual(['bye', 'greet']);
    (field('/Actions/0')!.querySelector('[title="Remove item"]') as HTMLButtonElement).click();
    await tick();
    expect(m.props.modelValue.Actions).toEqual([{ name: 'greet' }]);
  });

  it('edits a json-string field as a sub-form and round-trips through the wire string', async () => {
    builder();
    await tick();
    setInput(control('/LLMConfig/Temperature'), '0.7');
    await tick();
    expect(m.props.modelValue.LLMConfig).toEqual({ LLMType: 'openai', Model: 'gpt-4o', Temperature: 0.7 });
    const wire = toWire(kitchenSink, m.props.modelValue) as Record<string, unknown>;
    expect(typeof wire.LLMConfig).toBe('string');
    expect(JSON.parse(wire.LLMConfig as string)).toEqual(m.props.modelValue.LLMConfig);
    expect(field('/LLMConfig')!.querySelector('.wire')!.textContent).toContain('"Temperature":0.7');

    // A wire string pasted in the JSON editor is shown as the same sub-form.
    m.props.modelValue = { ...m.props.modelValue, LLMConfig: wire.LLMConfig };
    await tick();
    expect(control('/LLMConfig/Model')!.value).toBe('gpt-4o');
    setInput(control('/LLMConfig/Model'), 'abab6.5s');
    await tick();
    expect(m.props.modelValue.LLMConfig).toEqual({ LLMType: 'openai', Model: 'abab6.5s', Temperature: 0.7 });
  });

  it('hides optional fields with "required only"', async () => {
    builder();
    await tick();
    expect(field('/Debug')).not.toBeNull();
    const toggle = m.el.querySelector('[data-test="required-only"] input') as HTMLInputElement;
    toggle.click();
    await tick();
    expect(field('/Debug')).toBeNull();
    expect(field('/Timing')).toBeNull();
    expect(field('/RoomId')).not.toBeNull();
    expect(field('/LLMConfig/LLMType')).not.toBeNull();
    toggle.click();
    await tick();
    expect(field('/Debug')).not.toBeNull();
  });

  it('offers the profile credentials as secret references in credential-named fields (as the redactor defines them), nowhere else', async () => {
    builder();
    await tick();
    expect(control('/RoomId', 'select')).toBeNull();
    expect((control('/ApiKey', 'input') as unknown as HTMLInputElement).type).toBe('password');
    const select = control('/ApiKey', 'select') as unknown as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', '{{secret:API_KEY}}', '{{secret:SECRET_KEY}}']);
    select.value = '{{secret:API_KEY}}';
    select.dispatchEvent(new Event('change'));
    await tick();
    expect(m.props.modelValue.ApiKey).toBe('{{secret:API_KEY}}');
  });

  it('switches oneOf variants', async () => {
    builder({ ...structuredClone(sinkExample), Auth: { kind: 'key', key: 'k' } });
    await tick();
    const select = field('/Auth')!.querySelector('[data-test="branch"]') as HTMLSelectElement;
    expect(select.value).toBe('0');
    expect(control('/Auth/key')!.value).toBe('k');
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    await tick();
    expect(m.props.modelValue.Auth).toEqual({ kind: 'token', token: '' });
    expect(field('/Auth/token')).not.toBeNull();
  });

  it('keeps the JSON editor and the form in sync both ways', async () => {
    builder();
    await until(() => !!m.el.querySelector('.cm-editor'));
    setInput(control('/RoomId'), 'room-42');
    await tick();
    expect(JSON.parse(editor().state.doc.toString()).RoomId).toBe('room-42');

    const doc = JSON.parse(editor().state.doc.toString());
    doc.Volume = 70;
    editor().dispatch({ changes: { from: 0, to: editor().state.doc.length, insert: JSON.stringify(doc, null, 2) } });
    await tick();
    expect(m.props.modelValue.Volume).toBe(70);
    expect(control('/Volume')!.value).toBe('70');
  });

  it('shows a parse error for bad JSON and keeps the last good value', async () => {
    builder();
    await until(() => !!m.el.querySelector('.cm-editor'));
    const before = JSON.parse(JSON.stringify(m.props.modelValue));
    editor().dispatch({ changes: { from: 0, to: editor().state.doc.length, insert: '{"RoomId": "x",' } });
    await tick();
    expect(m.el.querySelector('[data-test="parse-error"]')!.textContent).toMatch(/Invalid JSON/);
    expect(m.props.modelValue).toEqual(before);
    expect(control('/RoomId')!.value).toBe('room-1');
  });
});

describe('schema hints', () => {
  it('shows the vendor rounding (nearest 10, halves up) next to a round-nearest-10 field and hides x-hidden state', async () => {
    const schema = {
      type: 'object',
      properties: {
        chunk: { type: 'integer', minimum: 10, maximum: 1000, 'x-unit': 'ms', 'x-hint': 'round-nearest-10' },
        remembered: { type: 'object', 'x-hidden': true, properties: { id: { type: 'string' } } },
      },
    };
    m = mount(
      PayloadBuilder,
      {
        schema,
        modelValue: { chunk: 95, remembered: { id: 'x' } },
        errors: [],
        secretNames: [],
        'onUpdate:modelValue': (v: Record<string, unknown>) => (m.props.modelValue = v),
      } as unknown as Props,
      { style: 'height: 500px; width: 900px; display: block' },
    );
    await tick();
    expect(field('/chunk')!.querySelector('[data-test="rounded"]')!.textContent).toContain('uses 100 (rounded to the nearest 10)');
    expect(field('/remembered')).toBeNull();
    setInput(control('/chunk'), '91');
    await tick();
    expect(field('/chunk')!.querySelector('[data-test="rounded"]')!.textContent).toContain('uses 90');
    setInput(control('/chunk'), '120');
    await tick();
    expect(field('/chunk')!.querySelector('[data-test="rounded"]')).toBeNull();
  });

  it('offers x-allow-custom examples as suggestions and keeps any typed value', async () => {
    const schema = {
      type: 'object',
      properties: {
        region: {
          type: 'string',
          examples: ['ap-guangzhou', 'ap-tokyo'],
          'x-allow-custom': true,
          'x-enum-labels': { 'ap-tokyo': { en: 'Tokyo', zh: '东京' } },
        },
      },
    };
    m = mount(
      PayloadBuilder,
      {
        schema,
        modelValue: { region: 'ap-guangzhou' },
        errors: [],
        secretNames: [],
        'onUpdate:modelValue': (v: Record<string, unknown>) => (m.props.modelValue = v),
      } as unknown as Props,
      { style: 'height: 500px; width: 900px; display: block' },
    );
    await tick();
    const input = control('/region')!;
    const list = document.getElementById(input.getAttribute('list')!) as HTMLDataListElement;
    expect([...list.options].map((o) => [o.value, o.textContent])).toEqual([
      ['ap-guangzhou', '"ap-guangzhou"'],
      ['ap-tokyo', 'Tokyo ("ap-tokyo")'],
    ]);
    setInput(input, 'eu-frankfurt');
    await tick();
    expect(m.props.modelValue.region).toBe('eu-frankfurt');
  });
});

describe('conditional annotations (if/then)', () => {
  it('shows a note while the condition holds and keeps the field editable; the note goes when the condition does', async () => {
    const schema = {
      type: 'object',
      properties: {
        routing: { type: 'string', enum: ['audio_only', 'data_only'] },
        header: { type: 'boolean' },
      },
      if: { properties: { routing: { const: 'audio_only' } } },
      then: { properties: { header: { 'x-note': { en: 'No effect with audio_only', zh: 'audio_only 时无效' } } } },
    };
    m = mount(
      PayloadBuilder,
      {
        schema,
        modelValue: { routing: 'audio_only', header: false },
        errors: [],
        secretNames: [],
        'onUpdate:modelValue': (v: Record<string, unknown>) => (m.props.modelValue = v),
      } as unknown as Props,
      { style: 'height: 500px; width: 900px; display: block' },
    );
    await tick();
    expect(control('/header')!.disabled).toBe(false);
    expect(field('/header')!.querySelector('[data-test="note"]')!.textContent).toContain('No effect with audio_only');
    control('/header')!.click();
    await tick();
    expect(m.props.modelValue.header).toBe(true);
    const select = control('/routing', 'select') as unknown as HTMLSelectElement;
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    await tick();
    expect(m.props.modelValue.routing).toBe('data_only');
    expect(field('/header')!.querySelector('[data-test="note"]')).toBeNull();
  });
});
