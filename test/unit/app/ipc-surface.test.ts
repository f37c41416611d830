/**
 * The whole renderer-to-main surface in one reviewed file: the IPC channels, every contract operation with its
 * argument schema, and the push channels. Adding or changing any of them changes __snapshots__/ipc-surface.json, so
 * it shows up in review (update with `npx vitest run --project unit test/unit/app/ipc-surface.test.ts -u`).
 */
import type { IpcMain, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { contract, PUSH_CHANNELS } from '../../../src-main/core/contract.ts';
import { INVOKE_CHANNEL, pushChannel } from '../../../src-main/app/ipc-channels.ts';
import { createIpcRouter } from '../../../src-main/app/ipc-router.ts';
import { FakeIpcMain, FakeWebContents, state } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);

describe('renderer-to-main surface', () => {
  it('matches the reviewed snapshot', async () => {
    const surface = {
      invokeChannel: INVOKE_CHANNEL,
      pushChannels: Object.fromEntries(PUSH_CHANNELS.map((c) => [c, pushChannel(c)])),
      operations: Object.fromEntries(Object.entries(contract).map(([name, spec]) => [name, { doc: spec.doc, args: spec.args }])),
    };
    await expect(JSON.stringify(surface, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/ipc-surface.json');
  });

  it('is all that main registers and all that the push side sends', () => {
    const ipc = new FakeIpcMain();
    const sinks: ((...a: unknown[]) => void)[] = [];
    const sessions = { onEvents: (s: never) => (sinks.push(s), () => undefined), onState: (s: never) => (sinks.push(s), () => undefined) };
    const router = createIpcRouter({ ipcMain: ipc as unknown as IpcMain, handlers: {} as never, sessions: sessions as never, isAppUrl: () => true });
    const win = new FakeWebContents();
    router.attach(win as unknown as WebContents);
    sinks[0]!('s', [], '[]');
    sinks[1]!({});
    expect([...ipc.handlers.keys()]).toEqual([INVOKE_CHANNEL]);
    expect(ipc.listeners.size).toBe(0);
    expect(new Set(win.sent.map((s) => s.channel))).toEqual(new Set(PUSH_CHANNELS.map(pushChannel)));
  });

  it('is all that the preload exposes', async () => {
    await import('../../../src-main/preload.ts');
    expect(Object.fromEntries([...state.exposed].map(([k, v]) => [k, Object.keys(v as object).sort()]))).toEqual({ parley: ['invoke', 'on'] });
  });
});
