import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, ref, vShow, withDirectives } from 'vue';
import { createPinia } from 'pinia';
import EventLog from '../../src-renderer/src/components/log/EventLog.vue';
import { useSessionsStore } from '../../src-renderer/src/stores/sessions.ts';
import type { SessionEvent } from '../../src-main/core/events.ts';
import { frame, mount, setInput, tick, until, type Mounted } from './support/mount.ts';

let m: Mounted<Record<string, unknown>> | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const KINDS = ['http.request', 'http.response', 'ws.frame', 'audio.chunk', 'mindcraft.tts', 'metric', 'error'];
function makeEvents(from: number, n: number, kind?: string): SessionEvent[] {
  const out: SessionEvent[] = [];
  for (let i = 0; i < n; i++) {
    const seq = from + i;
    const k = kind ?? KINDS[seq % KINDS.length]!;
    out.push({
      seq,
      t: seq * 1.5,
      at: new Date(1_700_000_000_000 + seq).toISOString(),
      kind: k,
      dir: k.endsWith('request') ? 'out' : seq % 5 === 0 ? 'local' : 'in',
      summary: `${k} number ${seq}`,
      data: { n: seq },
    });
  }
  return out;
}

function mountLog(style = 'display:block; height: 400px; width: 1000px') {
  const pinia = createPinia();
  m = mount(EventLog, { sessionId: 's1' }, { pinia, style });
  return useSessionsStore(pinia);
}
const rowEls = () => [...m!.el.querySelectorAll<HTMLElement>('.row')];
const scroller = () => m!.el.querySelector<HTMLElement>('[data-test="scroller"]')!;
const lastSeq = () => Math.max(...rowEls().map((r) => Number(r.dataset.seq)));
const count = () => m!.el.querySelector('[data-test="count"]')!.textContent;

describe('event log', () => {
  it('keeps the DOM small with 100,000 events and follows the newest', async () => {
    const store = mountLog();
    const started = performance.now();
    for (let b = 0; b < 100; b++) {
      store.ingest('s1', makeEvents(b * 1000 + 1, 1000, 'ws.frame'));
      if (b % 10 === 0) await tick();
    }
    await frame();
    await frame();
    const elapsed = performance.now() - started;
    expect(rowEls().length).toBeGreaterThan(10);
    expect(rowEls().length).toBeLessThan(60);
    expect(count()).toBe('100000 of 100000 events');
    expect(lastSeq()).toBe(100_000);
    expect(elapsed).toBeLessThan(5000);

    // Scrolling to the middle renders the rows there, still only a screenful.
    scroller().scrollTop = 50_000 * 22;
    scroller().dispatchEvent(new Event('scroll'));
    await frame();
    const seqs = rowEls().map((r) => Number(r.dataset.seq));
    expect(Math.min(...seqs)).toBeGreaterThan(49_000);
    expect(Math.max(...seqs)).toBeLessThan(51_100);
    expect(rowEls().length).toBeLessThan(60);
  });

  it('hides noisy kinds by default and shows them on demand', async () => {
    const store = mountLog();
    store.ingest('s1', makeEvents(1, 70));
    await frame();
    expect(rowEls().some((r) => r.textContent!.includes('audio.chunk'))).toBe(false);
    expect(count()).toBe('60 of 70 events');
    (m!.el.querySelector('[data-test="noisy"]') as HTMLInputElement).click();
    await frame();
    expect(count()).toBe('70 of 70 events');
    expect(rowEls().some((r) => r.textContent!.includes('audio.chunk'))).toBe(true);
  });

  it('filters with text and regex search, and shows an invalid regex instead of throwing', async () => {
    const store = mountLog();
    store.ingest('s1', makeEvents(1, 70));
    await frame();
    setInput(m!.el.querySelector('[data-test="search"]'), 'number 1');
    await frame();
    // "number 1", "number 1x" (10-19), and "number 1xx" none: 1 + 10 = 11, minus audio.chunk ones (seq 10 and 17).
    expect(count()).toBe('9 of 70 events');
    (m!.el.querySelector('[data-test="regex"]') as HTMLInputElement).click();
    setInput(m!.el.querySelector('[data-test="search"]'), '^http\\.(request|response)$');
    await frame();
    expect(count()).toBe('20 of 70 events');
    expect(rowEls().every((r) => /http\.(request|response)/.test(r.textContent!))).toBe(true);

    setInput(m!.el.querySelector('[data-test="search"]'), 'http.([');
    await frame();
    expect(m!.el.querySelector('[data-test="regex-error"]')!.textContent).toMatch(/Invalid regular expression/);
    expect(count()).toBe('60 of 70 events');
    // New events keep flowing in while the expression is invalid.
    store.ingest('s1', makeEvents(71, 7));
    await frame();
    expect(count()).toBe('66 of 77 events');
  });

  it('filters by direction', async () => {
    const store = mountLog();
    store.ingest('s1', makeEvents(1, 70));
    await frame();
    (m!.el.querySelector('[data-test="dir-in"]') as HTMLButtonElement).click();
    (m!.el.querySelector('[data-test="dir-local"]') as HTMLButtonElement).click();
    await frame();
    expect(count()).toBe('10 of 70 events');
    expect(rowEls().every((r) => r.classList.contains('dir-out'))).toBe(true);
  });

  it('pauses autoscroll when the user scrolls up and offers a jump to the latest', async () => {
    const store = mountLog();
    store.ingest('s1', makeEvents(1, 500, 'ws.frame'));
    await frame();
    expect(lastSeq()).toBe(500);
    scroller().scrollTop = 0;
    scroller().dispatchEvent(new Event('scroll'));
    await frame();
    store.ingest('s1', makeEvents(501, 40, 'ws.frame'));
    await frame();
    expect(scroller().scrollTop).toBe(0);
    expect(lastSeq()).toBeLessThan(100);
    const jump = m!.el.querySelector<HTMLButtonElement>('[data-test="jump"]')!;
    expect(jump.textContent).toContain('Jump to latest (40 new)');
    jump.click();
    await frame();
    await frame();
    expect(lastSeq()).toBe(540);
    store.ingest('s1', makeEvents(541, 10, 'ws.frame'));
    await frame();
    await frame();
    expect(lastSeq()).toBe(550);
    expect(m!.el.querySelector('[data-test="jump"]')).toBeNull();
  });

  it('shows event detail with pretty, raw and hex views, and both time formats', async () => {
    const store = mountLog();
    store.ingest('s1', [
      { seq: 1, t: 1234.5, at: '2024-05-01T10:20:30.456Z', kind: 'ws.binary', dir: 'in', summary: 'pcm', data: { base64: btoa('RIFF1234') } },
      ...makeEvents(2, 3, 'ws.frame'),
    ]);
    await frame();
    rowEls()[0]!.click();
    await frame();
    const content = () => m!.el.querySelector('[data-test="detail-content"]')!.textContent!;
    expect(JSON.parse(content())).toEqual({ n: 2 });
    (m!.el.querySelector('[data-test="view-raw"]') as HTMLButtonElement).click();
    await frame();
    expect(JSON.parse(content()).seq).toBe(2);
    (m!.el.querySelector('[data-test="noisy"]') as HTMLInputElement).click();
    await frame();
    rowEls()
      .find((r) => r.dataset.seq === '1')!
      .click();
    (m!.el.querySelector('[data-test="view-hex"]') as HTMLButtonElement).click();
    await frame();
    expect(content()).toContain('52 49 46 46 31 32 33 34');
    expect(content()).toContain('RIFF1234');
    expect(rowEls()[0]!.querySelector('.time')!.textContent).toBe('+1.234 s');
    (m!.el.querySelector('[data-test="time-at"]') as HTMLButtonElement).click();
    await frame();
    expect(rowEls()[0]!.querySelector('.time')!.textContent).toMatch(/^\d\d:\d\d:30\.456$/);
  });

  it('keeps recording while the log is hidden (v-show) and shows everything when shown again', async () => {
    const pinia = createPinia();
    const visible = ref(true);
    const Host = defineComponent(
      () => () =>
        h('div', { style: 'height: 400px; display: flex; flex-direction: column' }, [
          withDirectives(h('div', { style: 'flex:1; min-height:0' }, [h(EventLog, { sessionId: 's1' })]), [[vShow, visible.value]]),
        ]),
    );
    m = mount(Host, {}, { pinia, style: 'display:block; height: 400px; width: 900px' });
    const store = useSessionsStore(pinia);
    store.ingest('s1', makeEvents(1, 100, 'ws.frame'));
    await frame();
    visible.value = false;
    await tick();
    for (let b = 0; b < 20; b++) store.ingest('s1', makeEvents(101 + b * 100, 100, 'ws.frame'));
    await frame();
    expect(store.events('s1').length).toBe(2100);
    visible.value = true;
    await until(() => rowEls().length > 0 && lastSeq() === 2100);
    expect(count()).toBe('2100 of 2100 events');
  });

  it('records pushed batches in the store with no log mounted at all', () => {
    const pinia = createPinia();
    const store = useSessionsStore(pinia);
    const listeners = new Map<string, (p: unknown) => void>();
    // The store's attach() takes the bridge as an argument; this stands in for the push channel only.
    store.attach({ invoke: () => Promise.reject(new Error('unused')), on: (c, l) => (listeners.set(c, l as (p: unknown) => void), () => listeners.delete(c)) });
    listeners.get('session.events')!({ sessionId: 's9', events: makeEvents(1, 300) });
    expect(store.events('s9').length).toBe(300);
  });
});
