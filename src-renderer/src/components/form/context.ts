import { inject, provide, type ComputedRef, type InjectionKey, type Ref } from 'vue';
import type { PayloadError } from '../../../../src-main/core/vendors/types.ts';

export interface FormContext {
  value: Ref<unknown>;
  set(path: string, value: unknown): void;
  /** Errors and warnings by JSON pointer. */
  findings: ComputedRef<Map<string, PayloadError[]>>;
  /** Credential names of the profile, offered as `{{secret:NAME}}` in credential-named fields (secrets/redact.ts isCredentialKey). */
  secretNames: ComputedRef<string[]>;
  requiredOnly: Ref<boolean>;
  locale: Ref<string>;
}

const KEY: InjectionKey<FormContext> = Symbol('parley-form');

export function provideForm(ctx: FormContext): void {
  provide(KEY, ctx);
}
export function useForm(): FormContext {
  const ctx = inject(KEY);
  if (!ctx) throw new Error('SchemaField must be inside SchemaForm');
  return ctx;
}
