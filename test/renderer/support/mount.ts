import { createApp, h, reactive, type Component } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { i18n } from '../../../src-renderer/src/i18n/index.ts';
import '../../../src-renderer/src/styles/theme.css';

export interface Mounted<P extends Record<string, unknown>> {
  el: HTMLElement;
  /** Reactive props: assign to update the component. */
  props: P;
  pinia: Pinia;
  unmount(): void;
}

/** Mount a component into the page with Pinia and i18n, as main.ts does; props stay reactive for the test. */
export function mount<P extends Record<string, unknown>>(component: Component, initial: P, options: { pinia?: Pinia; style?: string } = {}): Mounted<P> {
  const el = document.createElement('div');
  if (options.style) el.setAttribute('style', options.style);
  document.body.appendChild(el);
  const props = reactive({ ...initial }) as P;
  const pinia = options.pinia ?? createPinia();
  setActivePinia(pinia);
  i18n.global.locale.value = 'en';
  const app = createApp({ render: () => h(component, props) });
  app.use(pinia).use(i18n);
  app.mount(el);
  return {
    el,
    props,
    pinia,
    unmount: () => {
      app.unmount();
      el.remove();
    },
  };
}

export const tick = () => new Promise<void>((r) => setTimeout(r, 0));
export const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function setInput(el: Element | null, value: string, event: 'input' | 'change' = 'input'): void {
  if (!el) throw new Error('element not found');
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event(event, { bubbles: true }));
}
