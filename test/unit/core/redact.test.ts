import { describe, expect, it } from 'vitest';
import { encodedForms, Redactor, REDACTED, isCredentialKey, lastFour, mask } from '../../../src-main/core/secrets/redact.ts';
import { SecretScanner } from '../../../src-main/core/workflows/secret-scan.ts';

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
    const out = r.value({
      headers: { Authorization: 'TC3-HMAC-SHA256 Credential=x', 'X-API-Key': 'k1', CheckSum: 'abc', 'content-type': 'json' },
      UserSig: 'sig',
    });
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

describe('encoded forms of a secret', () => {
  const secret = "dev tok!'(x)*~+/é-1234";
  const carriers: Record<string, string> = {
    'URL (encodeURIComponent)': `wss://h/socket-v1/?token=${encodeURIComponent(secret)}`,
    'form (URLSearchParams)': `wss://h/?${new URLSearchParams({ token: secret })}`,
    'RFC 3986': encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    hex: Buffer.from(secret).toString('hex'),
    HEX: Buffer.from(secret).toString('hex').toUpperCase(),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
    'base64 at offset 1': Buffer.from(`a${secret}zz`).toString('base64'),
    'base64 at offset 2': Buffer.from(`ab${secret}z`).toString('base64'),
    'JWT claim (a LiveKit token)': `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ video: { room: 'r' }, sub: 'u', end_user_id: secret })).toString('base64url')}.sig`,
    'JSON in JSON': JSON.stringify({ cfg: JSON.stringify({ v: secret }) }),
  };
  it.each(Object.entries(carriers))('%s is redacted and found by the secret scan', (_name, text) => {
    const r = new Redactor();
    r.add(secret);
    expect(r.contains(text)).toBe(true);
    expect(r.text(text)).toContain(REDACTED);
    expect(new SecretScanner([{ label: 'profile "Mindcraft" · DEVICE_TOKEN', value: secret }]).scan(text)).toEqual(['profile "Mindcraft" · DEVICE_TOKEN']);
  });

  it('short secrets only match whole forms (no 4-character base64 runs that would hit ordinary text)', () => {
    for (const form of encodedForms('abcd')) expect(form.length).toBeGreaterThanOrEqual(4);
    expect(encodedForms('abcd')).not.toContain('YWJj');
  });

  it('scrub() replaces secret values only, leaving credential-named fields the renderer needs (a room token)', () => {
    const r = new Redactor();
    r.add('stored-secret-value');
    const result = { token: 'room-token-minted', note: 'echo stored-secret-value', nested: [{ k: Buffer.from('stored-secret-value').toString('base64') }] };
    const out = r.scrub(result);
    expect(out.token).toBe('room-token-minted');
    expect(out.note).toBe(`echo ${REDACTED}`);
    expect(JSON.stringify(out)).not.toContain(Buffer.from('stored-secret-value').toString('base64'));
    const clean = { a: 1 };
    expect(r.scrub(clean)).toBe(clean);
  });

  it('keeps a masked value under a credential key, also after an auth scheme, but never a real one', () => {
    const r = new Redactor();
    expect(r.value({ Authorization: 'Bearer ••••ab12', 'X-API-Key': '••••cd34' })).toEqual({ Authorization: 'Bearer ••••ab12', 'X-API-Key': '••••cd34' });
    expect(r.value({ Authorization: 'Bearer sk-live-0123456789' })).toEqual({ Authorization: '«redacted»' });
    expect(r.value({ Authorization: 'Bearer ••••too-long-tail' })).toEqual({ Authorization: '«redacted»' });
  });
});
