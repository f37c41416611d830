import { beforeAll, describe, expect, it, vi } from 'vitest';
import { state } from './fake-electron.ts';
import { OP_NAMES, PUSH_CHANNELS } from '../../../src-main/core/contract.ts';
import { OP_NAME_LIST, PUSH_CHANNEL_LIST } from '../../../src-main/core/contract-names.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);

type Bridge = { invoke(op: string, args?: unknown): Promise<unknown>; on(channel: string, listener: (p: unknown) => void): () => void };
let parley: Bridge;

beforeAll(async () => {
  await import('../../../src-main/preload.ts');
  parley = state.exposed.get('parley') as Bridge;
});

/** What a rejection looks like after the contextBridge copied it into the page (structured clone). */
async function rejectionSeenByPage(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return structuredClone(err) as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

describe('preload bridge', () => {
  it('exposes exactly window.parley with invoke and on, nothing else', () => {
    expect([...state.exposed.keys()]).toEqual(['parley']);
    expect(Object.keys(parley).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(parley).every((v) => typeof v === 'function')).toBe(true);
  });

  it('never hands the page ipcRenderer', () => {
    const seen = new Set<unknown>();
    const walk = (v: unknown) => {
      if (!v || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return;
      seen.add(v);
      expect(v).not.toBe(state.ipcRenderer);
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
    };
    walk(parley);
  });

  it('lists the same names as the contract', () => {
    expect([...OP_NAME_LIST].sort()).toEqual([...OP_NAMES].sort());
    expect([...PUSH_CHANNEL_LIST]).toEqual([...PUSH_CHANNELS]);
  });

  it('sends a contract call on the one invoke channel and unwraps the result', async () => {
    state.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: [{ id: 'p1' }] });
    await expect(parley.invoke('profiles.list', {})).resolves.toEqual([{ id: 'p1' }]);
    expect(state.ipcRenderer.invoke).toHaveBeenLastCalledWith('parley:invoke', 'profiles.list', {});
  });

  it('turns an error envelope into a rejection whose code and message survive the bridge copy', async () => {
    const message = 'OS keychain unavailable: no Secret Service provider answered on D-Bus. Install gnome-keyring, then retry.';
    state.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE', message } });
    const err = await rejectionSeenByPage(parley.invoke('secrets.status', { profileId: 'p1' }));
    expect(err).toEqual({ name: 'ParleyError', code: 'KEYCHAIN_UNAVAILABLE', message });
  });

  it('refuses an operation that is not in the contract before anything is sent', async () => {
    state.ipcRenderer.invoke.mockClear();
    const err = await rejectionSeenByPage(parley.invoke('shell.openExternal', { url: 'https://evil.example' }));
    expect(err).toMatchObject({ code: 'UNKNOWN_OPERATION' });
    await expect(parley.invoke('toString')).rejects.toMatchObject({ code: 'UNKNOWN_OPERATION' });
    expect(state.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('subscribes to a push channel, passes only the payload, and unsubscribes', () => {
    const got: unknown[][] = [];
    const off = parley.on('session.events', (...args: unknown[]) => got.push(args));
    const payload = { sessionId: 's1', events: [] };
    state.ipcRenderer.emit('parley:push:session.events', { sender: state.ipcRenderer, ports: [] }, payload);
    expect(got).toEqual([[payload]]);
    off();
    state.ipcRenderer.emit('parley:push:session.events', {}, payload);
    expect(got).toHaveLength(1);
    expect(state.ipcRenderer.listenerCount('parley:push:session.events')).toBe(0);
  });

  it('refuses any channel that is not a push channel', () => {
    for (const channel of ['parley:invoke', 'session.start', 'ELECTRON_BROWSER_REQUIRE', '']) expect(() => parley.on(channel, () => undefined)).toThrow();
    expect(state.ipcRenderer.eventNames()).toEqual([]);
  });
});
