import { afterEach, describe, expect, it } from 'vitest';
import VendorPanel from '../../src-renderer/src/components/VendorPanel.vue';
import { usePanelStore } from '../../src-renderer/src/stores/panel.ts';
import { useProfilesStore } from '../../src-renderer/src/stores/profiles.ts';
import { useVendorsStore } from '../../src-renderer/src/stores/vendors.ts';
import { useSessionsStore } from '../../src-renderer/src/stores/sessions.ts';
import type { VendorView } from '../../src-main/core/contract.ts';
import { blockingErrors, validatePayload } from '../../src-main/core/payload.ts';
import { chatBotV3Schema, CHAT_BOT_V3_EXAMPLE, validateChatBotV3 } from '../../src-main/core/vendors/mindcraft/common/schema.ts';
import { mount, tick, until, type Mounted } from './support/mount.ts';

/**
 * The panel around the form: main's validation (the same validatePayload the CLI and the sandbox run, with the
 * operation's own rule), run by the form itself, keeps its findings after "Send anyway", so the form still shows what
 * is wrong; warnings alone never disable Send. The form never asks main to validate (no payload.validate here).
 */
const op = { schema: chatBotV3Schema, validate: validateChatBotV3 };
const starts: { sendAnyway?: boolean }[] = [];
window.parley = {
  invoke: (async (name: string, args: Record<string, unknown>) => {
    switch (name) {
      case 'session.start': {
        starts.push({ sendAnyway: args.sendAnyway as boolean | undefined });
        const findings = validatePayload(op, args.payload);
        return blockingErrors(findings).length && !args.sendAnyway ? { errors: findings } : { sessionId: `s-${starts.length}` };
      }
      case 'secrets.status':
        return [];
      case 'session.events':
        return { events: [], total: 0 };
      default:
        return {};
    }
  }) as never,
  on: () => () => undefined,
};

const view: VendorView = {
  id: 'mindcraft',
  title: { en: 'Mindcraft', zh: 'Mindcraft' },
  color: '#7fd36b',
  credentials: [],
  settingsSchema: { type: 'object' },
  operations: [
    {
      id: 'chat_bot_v3',
      title: { en: 'ChatBot V3', zh: 'ChatBot V3' },
      transport: 'socket',
      schema: chatBotV3Schema,
      example: CHAT_BOT_V3_EXAMPLE,
      inspectable: false,
    },
  ],
  hasRoom: false,
};

let m: Mounted<Record<string, unknown>>;
afterEach(() => m?.unmount());

const el = (sel: string) => m.el.querySelector<HTMLElement>(sel);
const fieldFindings = (path: string) => [...m.el.querySelectorAll(`.field[data-path="${path}"] > .findings li`)].map((li) => li.textContent!.trim());

describe('Send anyway', () => {
  it('sends with the errors shown and keeps showing them afterwards; a rule error from main is on its field', async () => {
    m = mount(VendorPanel, {}, { style: 'height: 900px; width: 1440px; display: flex' });
    useVendorsStore().setVendors([view]);
    const profiles = useProfilesStore();
    profiles.list = [{ id: 'p1', name: 'Mindcraft live', vendor: 'mindcraft', target: 'live', settings: {}, createdAt: '', updatedAt: '' }];
    profiles.selectedId = 'p1';
    await until(() => !!el('.field[data-path="/max_tokens"]'));
    const panel = usePanelStore();
    // No character and no voice: the documented voice_id rule (the vendor's rule code); max_tokens 5: a documented range (the schema).
    const { character_uuid: _c, ...payload } = CHAT_BOT_V3_EXAMPLE;
    panel.setPayload({ ...payload, max_tokens: 5 });
    await until(() => fieldFindings('/voice_id').length > 0);
    expect(fieldFindings('/voice_id')).toEqual([expect.stringContaining('/voice_id: required unless character_uuid is set')]);
    expect(fieldFindings('/max_tokens')).toEqual([expect.stringContaining('/max_tokens: expected a number >= 20')]);
    expect((el('[data-test=send]') as HTMLButtonElement).disabled).toBe(true);

    for (const round of [1, 2]) {
      (el('[data-test=send-anyway]') as HTMLButtonElement).click();
      await until(() => starts.length === round);
      expect(starts[round - 1]).toEqual({ sendAnyway: true });
      await tick();
      // Still there after the send, on both fields, and Send stays disabled until they are fixed.
      expect(fieldFindings('/voice_id'), `round ${round}`).toEqual([expect.stringContaining('required unless character_uuid is set')]);
      expect(fieldFindings('/max_tokens'), `round ${round}`).toEqual([expect.stringContaining('expected a number >= 20')]);
      expect(el('[data-test=error-count]')!.textContent).toBe('2 errors');
      expect((el('[data-test=send]') as HTMLButtonElement).disabled).toBe(true);
    }
    expect(useSessionsStore().summaries['s-2']).toBeDefined();

    // Fix both: only a warning remains (an undocumented field), and Send is enabled.
    panel.setPayload({ ...payload, max_tokens: 100, voice_id: 'cute_boy', temperature: 1 });
    await until(() => !el('[data-test=error-count]'));
    expect(el('[data-test=warning-count]')!.textContent).toBe('1 warning');
    expect((el('[data-test=send]') as HTMLButtonElement).disabled).toBe(false);
    expect(el('[data-test=send-anyway]')).toBeNull();
  });
});
