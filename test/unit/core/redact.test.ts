import { describe, expect, it } from 'vitest';
import { Redactor, REDACTED, isCredentialKey, lastFour, mask } from '../../../src-main/core/secrets/redact.ts';

describe('Redactor', () => {
  it('replaces a registered secret anywhere in nested data, also JSON-escaped and URL-encoded', () => {
    const r = new Redactor();
    const secret = 'sk-live/abc"def+ghi';
    r.add(secret);
    const out = r.value({
      summary: `key ${secret} used`,
      nested: [{ note: encodeURIComponent(secret) }],
      escaped: JSON.stringify({ v: secret }).slice(1, -1),
    });
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(JSON.stringify(out)).not.toContain(encodeURIComponent(secret));
    expect(out.summary).toBe(`key ${REDACTED} used`);
  });

  it('redacts credential-named keys and headers whatever they hold', () => {
    const r = new Redactor();
    const out = r.value({ headers: { Authorization: 'TC3-HMAC-SHA256 Credential=x', 'X-API-Key': 'k1', CheckSum: 'abc', 'content-type': 'json' }, UserSig: 'sig' });
    expect(out).toEqual({ headers: { Authorization: REDACTED, 'X-API-Key': REDACTED, CheckSum: REDACTED, 'content-type': 'json' }, UserSig: REDACTED });
  });

  it('redacts credential keys inside JSON-string fields (Tencent LLMConfig)', () => {
    const r = new Redactor();
    const llm = JSON.stringify({ LLMType: 'openai', APIKey: 'sk-unregistered-value', Model: 'gpt' });
    const out = r.value({ LLMConfig: llm });
    expect(JSON.parse(out.LLMConfig)).toEqual({ LLMType: 'openai', APIKey: REDACTED, Model: 'gpt' });
  });

  it('ignores values too short to be secrets, so ordinary text survives', () => {
    const r = new Redactor();
    r.add('abc');
    expect(r.text('abc def')).toBe('abc def');
    expect(r.size).toBe(0);
  });

  it('matches credential keys case- and separator-insensitively', () => {
    for (const k of ['x-api-key', 'X_API_KEY', 'apiKey', 'SecretKey', 'secret_key', 'AppSecret']) expect(isCredentialKey(k)).toBe(true);
    for (const k of ['model', 'voice', 'tokens', 'max_tokens']) expect(isCredentialKey(k)).toBe(false);
  });

  it('shows only the last four characters', () => {
    expect(lastFour('AKIDabcdef1234')).toBe('1234');
    expect(lastFour('abcd')).toBe('');
    expect(mask('secret-9876')).toBe('••••9876');
  });

  it('pre-checks serialised events so only those with a credential key or a known secret are walked', () => {
    const r = new Redactor();
    expect(r.mayNeedRedaction(JSON.stringify({ llm_response: 'hello', max_tokens: 100, z_index: 1 }))).toBe(false);
    expect(r.mayNeedRedaction(JSON.stringify({ headers: { 'X-Api-Key': 'k' } }))).toBe(true);
    expect(r.mayNeedRedaction(JSON.stringify({ LLMConfig: JSON.stringify({ API_Key: 'k' }) }))).toBe(true);
    r.add('needle-secret-1234');
    expect(r.mayNeedRedaction(JSON.stringify({ note: 'has needle-secret-1234 inside' }))).toBe(true);
    expect(r.mayNeedRedaction(JSON.stringify({ nested: JSON.stringify({ note: 'needle-secret-1234' }) }))).toBe(true);
  });

  it('keeps a value already masked for display, and nothing longer than four characters behind the bullets', () => {
    const r = new Redactor();
    expect(r.value({ 'X-API-Key': '••••0001', SecretKey: '••••abcdefgh' })).toEqual({ 'X-API-Key': '••••0001', SecretKey: REDACTED });
    expect(r.value({ APIKey: '{{secret:LLM_API_KEY}}', Token: '{{secret:A}} plus text' })).toEqual({ APIKey: '{{secret:LLM_API_KEY}}', Token: REDACTED });
  });
});
