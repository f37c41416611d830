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

describe('vendor UI text', () => {
  it('every registered vendor with UI text has it in both languages with the same keys, none empty, and renders each', async () => {
    const { vendorUis } = await import('../../src-renderer/src/vendors/registry.ts');
    const { i18n } = await import('../../src-renderer/src/i18n/index.ts');
    const withText = vendorUis().filter((u) => u.messages);
    expect(withText.map((u) => u.id)).toEqual(['convai', 'netease', 'mindcraft', 'tencent']);
    for (const ui of withText) {
      const en = keys(ui.messages!.en).sort();
      expect(keys(ui.messages!.zh).sort(), ui.id).toEqual(en);
      for (const k of en) {
        for (const locale of ['en', 'zh-CN'] as const) {
          i18n.global.locale.value = locale;
          const text = i18n.global.t(`vendor.${ui.id}.${k}`, { v: 95, r: 100, n: 2, u: 'bot_7', at: 'soon', id: 'task-1' });
          expect(text, `${locale} vendor.${ui.id}.${k}`).not.toBe('');
          expect(text, `${locale} vendor.${ui.id}.${k}`).not.toBe(`vendor.${ui.id}.${k}`);
        }
      }
    }
    i18n.global.locale.value = 'en';
  });

  it('is vue-i18n messages only: no inline bilingual helpers in the vendor panels', async () => {
    const sources = import.meta.glob('../../src-renderer/src/vendors/*/*.vue', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(4);
    const helpers = Object.entries(sources)
      .filter(([, text]) => /const L = \(/.test(text))
      .map(([path]) => path);
    expect(helpers).toEqual([]);
  });
});
