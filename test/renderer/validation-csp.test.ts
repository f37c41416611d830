import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import fc from 'fast-check';
import VendorPanel from '../../src-renderer/src/components/VendorPanel.vue';
import { validateLocally } from '../../src-renderer/src/components/form/validate.ts';
import { useProfilesStore } from '../../src-renderer/src/stores/profiles.ts';
import { useVendorsStore } from '../../src-renderer/src/stores/vendors.ts';
import { vendorUi } from '../../src-renderer/src/vendors/registry.ts';
import type { VendorView } from '../../src-main/core/contract.ts';
import type { JsonSchema } from '../../src-main/core/schema.ts';
import type { PayloadError } from '../../src-main/core/vendors/types.ts';
import { mount, setInput, tick, type Mounted } from './support/mount.ts';

declare module 'vitest/browser' {
  interface BrowserCommands {
    mainFindings(vendor: string, operation: string, payload: unknown): Promise<PayloadError[]>;
    operationViews(): Promise<{ vendor: string; id: string; schema: JsonSchema; example: Record<string, unknown> }[]>;
  }
}

/**
 * Validation in the renderer under the app page's script policy (`script-src 'self'`: no eval, no new Function, the
 * reason ajv could not compile here before): the form checks every keystroke with the validators generated at build
 * time and the vendor's rules, without asking main, and finds exactly what main finds for the same payload.
 */
const invoked: string[] = [];
window.parley = {
  invoke: (async (name: string) => {
    invoked.push(name);
    if (name === 'secrets.status') return [];
    if (name === 'session.events') return { events: [], total: 0 };
    return {};
  }) as never,
  on: () => () => undefined,
};

beforeAll(() => {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = "script-src 'self'";
  document.head.appendChild(meta);
});

let m: Mounted<Record<string, unknown>> | undefined;
afterEach(() => m?.unmount());

describe('validation in the renderer under the CSP', () => {
  it('runs where eval is refused', () => {
    expect(() => new Function('return 1')).toThrow(EvalError);
  });

  it('checks every keystroke with no call to main, the vendor rules included', async () => {
    const ops = await commands.operationViews();
    const chat = ops.find((o) => o.vendor === 'mindcraft')!;
    const view: VendorView = {
      id: 'mindcraft',
      title: { en: 'Mindcraft', zh: 'Mindcraft' },
      color: '#7fd36b',
      credentials: [],
      settingsSchema: { type: 'object' },
      operations: [
        { id: chat.id, title: { en: 'ChatBot V3', zh: 'ChatBot V3' }, transport: 'socket', schema: chat.schema, example: chat.example, inspectable: false },
      ],
      hasRoom: false,
    };
    m = mount(VendorPanel, {}, { style: 'height: 900px; width: 1440px; display: flex' });
    useVendorsStore().setVendors([view]);
    const profiles = useProfilesStore();
    profiles.list = [{ id: 'p1', name: 'Mindcraft', vendor: 'mindcraft', target: 'live', settings: {}, createdAt: '', updatedAt: '' }];
    profiles.selectedId = 'p1';
    const input = () => m!.el.querySelector<HTMLInputElement>('.field[data-path="/max_tokens"] input')!;
    const errors = () => m!.el.querySelector('[data-test=error-count]')?.textContent ?? '';
    for (let i = 0; i < 50 && !input(); i++) await tick();
    invoked.length = 0;
    // Typed twice, key by key: "5" is below the documented minimum of 20, "50" is fine.
    for (const round of [1, 2]) {
      setInput(input(), '5');
      await tick();
      expect(errors(), `round ${round}`).toBe('1 error');
      setInput(input(), '50');
      await tick();
      expect(errors(), `round ${round}`).toBe('');
    }
    // The voice_id rule is the vendor's own code (not JSON Schema), also run here.
    const voice = m.el.querySelector<HTMLInputElement>('.field[data-path="/voice_id"] input');
    const character = m.el.querySelector<HTMLInputElement>('.field[data-path="/character_uuid"] input')!;
    setInput(character, '');
    await tick();
    expect(voice?.value ?? '').toBe('');
    expect(errors()).toBe('1 error');
    expect([...m.el.querySelectorAll('.field[data-path="/voice_id"] > .findings li')].map((li) => li.textContent)).toEqual([
      expect.stringContaining('/voice_id: required unless character_uuid is set'),
    ]);
    expect(invoked).toEqual([]);
  });

  it("finds what main finds, for every vendor operation's example and its mutations", async () => {
    const ops = await commands.operationViews();
    expect(new Set(ops.map((o) => o.vendor))).toEqual(new Set(['convai', 'netease', 'mindcraft', 'tencent']));
    const outcome = (run: () => PayloadError[]) => {
      try {
        return { findings: run() };
      } catch (err) {
        return { threw: String(err) };
      }
    };
    let compared = 0;
    let withFindings = 0;
    for (const op of ops) {
      const rules = vendorUi(op.vendor)?.payloadRules?.[op.id];
      await fc.assert(
        fc.asyncProperty(mutation(op.example), async (payload) => {
          const json = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
          const here = outcome(() => validateLocally(op.schema, json, true, rules));
          const main = await commands.mainFindings(op.vendor, op.id, json).then(
            (findings) => ({ findings }),
            (err: Error) => ({ threw: String(err) }),
          );
          compared++;
          if ('findings' in here && here.findings?.length) withFindings++;
          expect('threw' in here, `${op.vendor}/${op.id} threw here but not in main, or the other way: ${JSON.stringify(here)}`).toBe('threw' in main);
          if ('findings' in main) expect(here.findings, `${op.vendor}/${op.id} ${JSON.stringify(json)}`).toEqual(main.findings);
        }),
        { numRuns: 25, seed: 17 },
      );
    }
    expect(compared).toBe(ops.length * 25);
    // The mutations reach the validators' error paths, not only valid payloads.
    expect(withFindings).toBeGreaterThan(compared / 2);
  });
});

/** The example with one field replaced, removed or added, at any depth. */
function mutation(example: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    if (path.length) paths.push(path);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(example, []);
  const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', 0, -1, 4, 1e9, null, true, 'x'.repeat(300)));
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...paths), value }),
    fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
    fc.record({ kind: fc.constant('add' as const), path: fc.constantFrom([], ...paths), value }),
  );
  return fc.array(op, { minLength: 0, maxLength: 3 }).map((changes) => {
    const out = structuredClone(example) as Record<string, unknown>;
    for (const c of changes) {
      const parent = c.path.slice(0, -1).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), out);
      const target =
        c.kind === 'add' ? c.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), out) : parent;
      if (!target || typeof target !== 'object') continue;
      const t = target as Record<string, unknown>;
      if (c.kind === 'set') t[c.path.at(-1)!] = c.value;
      else if (c.kind === 'delete') delete t[c.path.at(-1)!];
      else if (!Array.isArray(t)) t.extraField = c.value;
    }
    return out;
  });
}
