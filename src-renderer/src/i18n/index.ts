import { createI18n } from 'vue-i18n';
import type { Localized } from '../../../src-main/core/schema.ts';
import en from './en.ts';
import zhCN from './zh-CN.ts';
import { onVendorUiRegistered, vendorUis, type VendorUi } from '../vendors/registry.ts';

export type AppLocale = 'en' | 'zh-CN';
export const LOCALES: { id: AppLocale; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '简体中文' },
];

/** Any Chinese browser/OS language gets zh-CN (the vendors document in Simplified Chinese); everything else English. */
export function detectLocale(language: string = typeof navigator === 'undefined' ? 'en' : navigator.language): AppLocale {
  return language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The messages of every registered vendor's UI, under `vendor.<id>`. */
function vendorMessages(uis: readonly VendorUi[], lang: 'en' | 'zh') {
  return Object.fromEntries(uis.filter((u) => u.messages).map((u) => [u.id, u.messages![lang]]));
}

export function makeI18n(locale: AppLocale = detectLocale()) {
  const instance = createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en: { ...en, vendor: vendorMessages(vendorUis(), 'en') }, 'zh-CN': { ...zhCN, vendor: vendorMessages(vendorUis(), 'zh') } },
  });
  onVendorUiRegistered((ui) => {
    if (!ui.messages) return;
    instance.global.mergeLocaleMessage('en', { vendor: { [ui.id]: ui.messages.en } });
    instance.global.mergeLocaleMessage('zh-CN', { vendor: { [ui.id]: ui.messages.zh } });
  });
  return instance;
}

/** A vendor-supplied `{en, zh}` text in the current locale, falling back to English. */
export function localized(text: Localized | undefined, locale: string): string {
  if (!text) return '';
  return locale.startsWith('zh') ? text.zh || text.en : text.en || text.zh;
}

/** The app's one i18n instance (stores switch its locale; components use `useI18n()`). */
export const i18n = makeI18n();
