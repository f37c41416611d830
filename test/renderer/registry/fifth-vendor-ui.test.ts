/**
 * The renderer half of a fifth vendor (test/vendors/parrot/renderer): one `registerVendorUi` line gives the app its
 * panel part and its UI text under `vendor.parrot`, in English and Chinese, with nothing else changed. (Its core half
 * and the generic panel in the built app: test/integration/registry/fifth-vendor.test.ts, test/e2e/fifth-vendor.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defineAsyncComponent } from 'vue';
import { i18n } from '../../../src-renderer/src/i18n/index.ts';
import { registerVendorUi, vendorUi, vendorUis } from '../../../src-renderer/src/vendors/registry.ts';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import { parrotUi } from '../../vendors/parrot/renderer/index.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { mount, until, type Mounted } from '../support/mount.ts';

registerVendorUi(parrotUi);

const turnEnd = (seq: number, turn: number, heard: string, replies: string[]): SessionEvent => ({
  seq,
  t: seq,
  at: new Date(0).toISOString(),
  kind: 'turn.end',
  dir: 'local',
  summary: `turn ${turn}`,
  data: { turn, heard, replies, done: true },
});

let mounted: Mounted<Record<string, unknown>> | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
  i18n.global.locale.value = 'en';
});

describe('a fifth vendor in the renderer', () => {
  it('is registered after the built-in four, once', () => {
    expect(vendorUis().map((u) => u.id)).toEqual(['convai', 'netease', 'mindcraft', 'tencent', 'parrot']);
    expect(() => registerVendorUi(parrotUi)).toThrow(/parrot is registered already/);
  });

  it('adds its UI text to the app in both languages, under vendor.parrot', () => {
    expect(i18n.global.t('vendor.parrot.turns')).toBe('Turns');
    i18n.global.locale.value = 'zh-CN';
    expect(i18n.global.t('vendor.parrot.turns')).toBe('轮次');
    expect(i18n.global.t('vendor.parrot.replies', { n: 2 })).toBe('2 条回复');
  });

  it('its panel part follows the session it is given, each session in turn, in English and Chinese', async () => {
    const Extras = defineAsyncComponent(vendorUi('parrot')!.extras!);
    mounted = mount(Extras, { profileId: 'p1', sessionId: null, operation: 'talk', payload: {} });
    await until(() => !!mounted!.el.querySelector('[data-test="parrot-extras"]'));
    expect(mounted.el.textContent).toContain('No turns yet');

    const sessions = useSessionsStore(mounted.pinia);
    sessions.ingest('s1', [turnEnd(1, 1, 'hello', ['HELLO', 'HELLO'])], true);
    sessions.ingest('s2', [turnEnd(1, 1, 'again', ['again']), turnEnd(2, 2, 'more', ['more'])], true);
    for (const [sessionId, expected] of [
      ['s1', ['heard “hello” · 2 replies: HELLO / HELLO']],
      ['s2', ['heard “again” · 1 replies: again', 'heard “more” · 1 replies: more']],
    ] as const) {
      mounted.props.sessionId = sessionId;
      await until(() => mounted!.el.querySelectorAll('[data-test="parrot-turn"]').length === expected.length);
      expect([...mounted.el.querySelectorAll('[data-test="parrot-turn"]')].map((li) => li.textContent!.trim())).toEqual(expected);
    }
    i18n.global.locale.value = 'zh-CN';
    await until(() => mounted!.el.textContent!.includes('轮次'));
    expect(mounted.el.querySelector('[data-test="parrot-turn"]')!.textContent).toContain('听到');
  });
});
