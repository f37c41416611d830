/**
 * JSON Schema as Parley uses it: draft-07 plus the `x-` annotations of SCHEMA_VOCABULARY below, the one place
 * they are defined (ajv ignores them; test/unit/core/schema-vocabulary.test.ts fails on a key that is not listed).
 * One difference from plain draft-07: `title` and `description` are `{ en, zh }` objects, never strings, so a schema
 * documents a field once in both languages (the form shows the user's language, the other on hover); the meta-schema
 * ajv checks schemas against says so (validation/codegen.ts), and the vocabulary test fails on a bare string.
 */
export const SCHEMA_VOCABULARY = {
  'x-enum-labels': '`{ "<value>": { en, zh } }` labels for enum values. Read by the form and the Mindcraft sample list.',
  'x-note': '`{ en, zh }` shown under the field as information; never blocks anything. Read by the form.',
  'x-unit': 'A unit shown next to the field (`ms`, `s`, `%`). Read by the form.',
  'x-order': 'Field order in the form when it differs from property order. Read by the form.',
  'x-hint': 'A computed hint the form knows how to show (`round-nearest-10`: see roundToNearest). Read by the form and vendor panels.',
  'x-hidden': 'A field the form does not show (kept in the schema so old payloads still validate). Read by the form.',
  'x-allow-custom': 'A string field whose `examples` are suggestions; any other value may be typed. Read by the form.',
  'x-wire':
    '`"json-string"`: an object in the builder, a JSON string on the wire (Tencent LLMConfig, TTSConfig). Read by toWire / fromWire (payload.ts) and the form.',
  'x-local': "Parley's own choice, never sent (NetEase's per-call variant): toWire leaves it out of the wire form.",
  'x-selects': 'On a oneOf branch: a schema the value must match for this branch to be the one it is written for. Read by payload.ts.',
  'x-error-messages': '`{ keyword: text }`: the schema words its own error for that keyword. Read by payload.ts.',
  'x-source':
    "Where the node's constraints come from, `{ kind: documented | inferred, ref }`, ref an entry of docs/vendors/<vendor>.md: documented constraints are errors, inferred ones warnings. Read by payload.ts.",
  'x-constraint-sources': '`{ keyword: source }`: x-source per keyword (`minLength: …`). Read by payload.ts.',
  'x-required-source': 'The source of the property being required, when it differs from its x-source. Read by payload.ts.',
  'x-open-object':
    "The object's fields are the user's own (an unknown TTSType's settings): no \"not in the vendor's documentation\" warnings below it. Read by payload.ts.",
  'x-arg': 'Contract arguments only: what the argument is (`id`, `path`, `payload`), for reviewers and the contract-wide hostile-input test.',
} as const;

export type SchemaKeyword = keyof typeof SCHEMA_VOCABULARY;

/** Secret fields are not marked in schemas: a field is secret when its name is a credential key (secrets/redact.ts). */
export interface JsonSchema {
  $id?: string;
  type?: string | string[];
  /** The field's label, in both languages (never a bare string: the form shows either, the docs both). */
  title?: Localized;
  /** The field's documentation, in both languages, as `title`. */
  description?: Localized;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  multipleOf?: number;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  discriminator?: { propertyName: string };
  'x-enum-labels'?: Record<string, Localized>;
  'x-wire'?: 'json-string';
  'x-unit'?: string;
  'x-hint'?: string;
  'x-order'?: string[];
  [key: `x-${string}`]: unknown;
}

/** `value` rounded to the nearest multiple of `step`, halves up (四舍五入): 95 → 100, 45 → 50, 91 → 90 for step 10. */
export function roundToNearest(value: number, step: number): number {
  return Math.floor(value / step + 0.5) * step;
}

/**
 * `x-source` marks for one vendor's schemas: `documented('max-chunk-duration-ms')` points at
 * docs/vendors/<vendor>.md#max-chunk-duration-ms (or at `doc`, the page that states the vendor's facts).
 */
export function sourceMarks(vendor: string, doc = `docs/vendors/${vendor}.md`) {
  const mark = (kind: 'documented' | 'inferred') => (anchor: string) => ({ 'x-source': { kind, ref: `${doc}#${anchor}` } }) as const;
  const source = (kind: 'documented' | 'inferred', anchor: string) => ({ kind, ref: `${doc}#${anchor}` });
  return { documented: mark('documented'), inferred: mark('inferred'), source };
}

export interface Localized {
  en: string;
  zh: string;
}
