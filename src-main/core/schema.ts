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
 * - `x-hint`: a computed hint id the renderer knows how to show (e.g. `round-up-10`).
 * - `x-order`: field order in the form when it differs from property order.
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

export interface Localized {
  en: string;
  zh: string;
}
