/**
 * JSON Schema as Parley uses it: plain draft-07 plus a few `x-` annotations that the form builder reads.
 *
 * - `x-description-zh`: Chinese field doc (the plain `description` is English).
 * - `x-title-zh`: Chinese label.
 * - `x-enum-labels`: `{ "<value>": { en, zh } }` labels for enum values.
 * - `x-secret`: the field normally holds a `{{secret:NAME}}` reference; the form offers the profile's secrets.
 * - `x-wire`: `"json-string"` means the value is an object in the builder but a JSON string on the wire
 *   (Tencent `LLMConfig`, `TTSConfig`); `toWire` in `payload.ts` does the conversion.
 * - `x-unit`: a unit shown next to the field (`ms`, `s`).
 * - `x-hint`: a computed hint id the renderer knows how to show (e.g. `round-nearest-10`, see `roundToNearest`).
 * - `x-order`: field order in the form when it differs from property order.
 * - `x-source`: where the node's constraints come from, `{ kind: 'documented' | 'inferred', ref }` with `ref` an
 *   entry of docs/vendors/<vendor>.md. Documented constraints are errors, inferred ones warnings (payload.ts).
 *   `x-constraint-sources` overrides it per keyword (`{ minLength: … }`), `x-required-source` for whether the
 *   property must be present. Every constraint of a vendor payload schema carries one (test/unit/core/sources.test.ts).
 * - `x-open-object`: the object's fields are the user's own (an unknown TTSType's settings): no "not in the
 *   vendor's documentation" warnings below it.
 * - `x-note`: `{ en, zh }` shown under the field as information (never blocks anything).
 * - `x-allow-custom`: a string field whose `examples` are suggestions; any other value may be typed.
 */
export interface JsonSchema {
  $id?: string;
  type?: string | string[];
  title?: string;
  description?: string;
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
  'x-title-zh'?: string;
  'x-description-zh'?: string;
  'x-enum-labels'?: Record<string, Localized>;
  'x-secret'?: boolean;
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
 * docs/vendors/<vendor>.md#max-chunk-duration-ms.
 */
export function sourceMarks(vendorDoc: 'convai' | 'netease' | 'mindcraft' | 'tencent') {
  const mark = (kind: 'documented' | 'inferred') => (anchor: string) => ({ 'x-source': { kind, ref: `docs/vendors/${vendorDoc}.md#${anchor}` } }) as const;
  const source = (kind: 'documented' | 'inferred', anchor: string) => ({ kind, ref: `docs/vendors/${vendorDoc}.md#${anchor}` });
  return { documented: mark('documented'), inferred: mark('inferred'), source };
}

export interface Localized {
  en: string;
  zh: string;
}
