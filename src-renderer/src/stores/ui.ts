import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { detectLocale, i18n, type AppLocale } from '../i18n/index.ts';
import { safeGet, safeSet } from '../local-storage.ts';

const LOCALE_KEY = 'parley.locale';

/** UI preferences. Only the locale is persisted (web storage never holds anything sensitive). */
export const useUiStore = defineStore('ui', () => {
  const i18nLocale = i18n.global.locale;
  const stored = safeGet(LOCALE_KEY);
  const locale = ref<AppLocale>(stored === 'en' || stored === 'zh-CN' ? stored : detectLocale());
  i18nLocale.value = locale.value;
  // The page's language too: screen readers, hyphenation and the browser's own controls (date fields) follow it.
  document.documentElement.lang = locale.value;
  watch(locale, (l) => {
    i18nLocale.value = l;
    safeSet(LOCALE_KEY, l);
    document.documentElement.lang = l;
  });
  function setLocale(l: AppLocale): void {
    locale.value = l;
  }
  return { locale, setLocale };
});
