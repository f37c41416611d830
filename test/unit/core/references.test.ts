import { describe, expect, it } from 'vitest';
import { findSecretRefs, resolveSecretRefs, secretRef } from '../../../src-main/core/secrets/references.ts';

describe('{{secret:NAME}} references', () => {
  const payload = { a: secretRef('API_KEY'), nested: { list: ['Bearer {{ secret:TOKEN }}', 'plain'] }, n: 3 };

  it('finds every referenced name', () => {
    expect([...findSecretRefs(payload)].sort()).toEqual(['API_KEY', 'TOKEN']);
  });

  it('resolves whole and embedded references and leaves other values alone', () => {
    const out = resolveSecretRefs(payload, (n) => ({ API_KEY: 'k-1234', TOKEN: 't-5678' })[n]);
    expect(out).toEqual({ a: 'k-1234', nested: { list: ['Bearer t-5678', 'plain'] }, n: 3 });
    expect(payload.a).toBe('{{secret:API_KEY}}');
  });

  it('names the field and the secret when a reference cannot be resolved', () => {
    expect(() => resolveSecretRefs(payload, () => undefined)).toThrow('/a: secret "API_KEY" is not set in this profile');
  });
});
