import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/src/i18n/en.ts';
import zhCN from '../../src-renderer/src/i18n/zh-CN.ts';
import { detectLocale, localized } from '../../src-renderer/src/i18n/index.ts';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('i18n', () => {
  it('has the same keys, all non-empty, in en and zh-CN', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    for (const k of keys(zhCN)) expect(k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], zhCN)).not.toBe('');
  });
  it('follows the browser language by default and falls back to English', () => {
    expect(detectLocale('zh-CN')).toBe('zh-CN');
    expect(detectLocale('zh-TW')).toBe('zh-CN');
    expect(detectLocale('en-US')).toBe('en');
    expect(detectLocale('de')).toBe('en');
    expect(localized({ en: 'Send', zh: '发送' }, 'zh-CN')).toBe('发送');
    expect(localized({ en: 'Send', zh: '' }, 'zh-CN')).toBe('Send');
  });
});
