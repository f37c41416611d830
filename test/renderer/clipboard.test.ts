import { afterEach, describe, expect, it, vi } from 'vitest';
import EventDetail from '../../src-renderer/src/components/log/EventDetail.vue';
import type { SessionEvent } from '../../src-main/core/events.ts';
import { mount, tick, until, type Mounted } from './support/mount.ts';

/**
 * Copy buttons say "Copied" only once the clipboard took the text. navigator.clipboard.writeText is the browser's
 * boundary: its answer is held back or refused here, as Electron's permission handler or an unfocused page would.
 */
const event: SessionEvent = { seq: 7, t: 12, at: new Date().toISOString(), kind: 'netease.caption', dir: 'in', summary: 'caption', data: { text: '今天晴' } };
let mounted: Mounted<Record<string, unknown>> | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
  vi.restoreAllMocks();
});

function clipboardAnswer() {
  let settle!: { resolve(): void; reject(e: unknown): void };
  const written: string[] = [];
  vi.spyOn(navigator.clipboard, 'writeText').mockImplementation((text: string) => {
    written.push(text);
    return new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  });
  return { written, resolve: () => settle.resolve(), reject: (e: unknown) => settle.reject(e) };
}
const button = () => mounted!.el.querySelector<HTMLButtonElement>('[data-test=copy]')!;

describe('Copy in the event detail', () => {
  it('shows "Copied" only after the clipboard accepted the text, each time', async () => {
    const clipboard = clipboardAnswer();
    mounted = mount(EventDetail, { event });
    for (let round = 0; round < 2; round++) {
      // The second click comes while "Copied" still shows: it goes back to "Copy" until the clipboard answers.
      button().click();
      await tick();
      expect(button().textContent).toBe('Copy');
      clipboard.resolve();
      await until(() => button().textContent === 'Copied');
    }
    expect(clipboard.written).toHaveLength(2);
    expect(JSON.parse(clipboard.written[0]!)).toEqual(event);
  });

  it('says why nothing was copied when the clipboard refuses, and never "Copied"', async () => {
    const clipboard = clipboardAnswer();
    mounted = mount(EventDetail, { event });
    button().click();
    clipboard.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    await until(() => !!mounted!.el.querySelector('[data-test=copy-failed]'));
    expect(mounted.el.querySelector('[data-test=copy-failed]')!.textContent).toBe('Not copied: Write permission denied.');
    expect(button().textContent).toBe('Copy');
    // A later copy that works clears the failure.
    button().click();
    clipboard.resolve();
    await until(() => button().textContent === 'Copied');
    expect(mounted.el.querySelector('[data-test=copy-failed]')).toBeNull();
  });
});
