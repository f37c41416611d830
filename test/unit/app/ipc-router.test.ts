import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMain, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { appOrigins } from '../../../src-main/app/app-origin.ts';
import { INVOKE_CHANNEL, pushChannel, type Envelope } from '../../../src-main/app/ipc-channels.ts';
import { createIpcRouter, type IpcRouter } from '../../../src-main/app/ipc-router.ts';
import { FakeFrame, FakeIpcMain, FakeWebContents } from './fake-electron.ts';
import { MemorySecretStore } from './memory-secrets.ts';

let dataDir: string;
let core: Core;
let ipcMain: FakeIpcMain;
let router: IpcRouter;
let win: FakeWebContents;
let secrets: MemorySecretStore;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-ipc-'));
  secrets = new MemorySecretStore();
  core = createCore({ dataDir, secrets, version: '1.2.3', locale: 'en' });
  ipcMain = new FakeIpcMain();
  router = createIpcRouter({
    ipcMain: ipcMain as unknown as IpcMain,
    handlers: core.handlers,
    sessions: core.sessions,
    isAppUrl: appOrigins().isAppUrl,
    redact: (t) => core.sessions.redactor.text(t),
  });
  win = new FakeWebContents();
  router.attach(win as unknown as WebContents);
});

afterEach(async () => {
  router.dispose();
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Call the registered handler the way Electron does: (event, ...args). */
function invoke(from: { sender: FakeWebContents; senderFrame: FakeFrame | null }, op: unknown, args?: unknown): Promise<Envelope> {
  const handler = ipcMain.handlers.get(INVOKE_CHANNEL)!;
  return handler(from, op, args) as Promise<Envelope>;
}
const fromMainFrame = () => ({ sender: win, senderFrame: win.mainFrame });

describe('IPC router', () => {
  it('registers exactly one channel', () => {
    expect([...ipcMain.handlers.keys()]).toEqual(['parley:invoke']);
    expect([...ipcMain.listeners.keys()]).toEqual([]);
  });

  it('dispatches a good call to the real core and returns its result', async () => {
    const res = await invoke(fromMainFrame(), 'app.info', {});
    expect(res).toEqual({ ok: true, result: { name: 'Parley', version: '1.2.3', platform: process.platform, dataDir, locale: 'en' } });
  });

  it('runs a round trip that touches the data folder and the secret store', async () => {
    const saved = await invoke(fromMainFrame(), 'profiles.save', { profile: { name: 'QA', vendor: 'mindcraft', target: 'sandbox' } });
    expect(saved.ok).toBe(true);
    const id = (saved as { result: { id: string } }).result.id;
    const set = await invoke(fromMainFrame(), 'secrets.set', { profileId: id, name: 'API_KEY', value: 'mc-live-key-0123456789-WXYZ' });
    expect(set).toEqual({ ok: true, result: expect.objectContaining({ name: 'API_KEY', set: true, last4: 'WXYZ' }) });
    expect(JSON.stringify(set)).not.toContain('mc-live-key-0123456789');
    const list = await invoke(fromMainFrame(), 'profiles.list', {});
    expect((list as { result: { name: string }[] }).result.map((p) => p.name)).toEqual(['QA']);
  });

  it('rejects an unknown operation without reaching a handler', async () => {
    expect(await invoke(fromMainFrame(), 'fs.readFile', { path: '/etc/passwd' })).toEqual({
      ok: false,
      error: { code: 'BAD_ARGUMENTS', message: 'unknown operation "fs.readFile"' },
    });
    expect(await invoke(fromMainFrame(), '__proto__', {})).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await invoke(fromMainFrame(), ['app.info'], {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENTS', message: 'operation name: expected a string, got object' },
    });
  });

  it('rejects bad arguments and names the field', async () => {
    const res = await invoke(fromMainFrame(), 'secrets.set', { profileId: 'p1', name: 'API_KEY', value: 42 });
    expect(res).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect((res as { error: { message: string } }).error.message).toMatch(/secrets\.set: .*\/value/);
    const extra = await invoke(fromMainFrame(), 'session.stop', { sessionId: 's1', force: true });
    expect((extra as { error: { message: string } }).error.message).toMatch(/force/);
  });

  it('returns handler errors as an envelope with code and message', async () => {
    const res = await invoke(fromMainFrame(), 'secrets.status', { profileId: 'no-such-profile' });
    expect(res).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.stringContaining('no-such-profile') } });
  });

  it('redacts known secret values from error messages', async () => {
    const saved = (await invoke(fromMainFrame(), 'profiles.save', { profile: { name: 'QA', vendor: 'mindcraft', target: 'sandbox' } })) as {
      result: { id: string };
    };
    await invoke(fromMainFrame(), 'secrets.set', { profileId: saved.result.id, name: 'API_KEY', value: 'sk-very-secret-value-1234' });
    const res = await invoke(fromMainFrame(), 'secrets.set', { profileId: saved.result.id, name: 'sk-very-secret-value-1234', value: 'x' });
    expect(res.ok).toBe(false);
    expect(JSON.stringify(res)).not.toContain('sk-very-secret-value-1234');
  });

  describe('sender checks', () => {
    it('rejects a window that is not ours', async () => {
      const stranger = new FakeWebContents();
      const res = await invoke({ sender: stranger, senderFrame: stranger.mainFrame }, 'app.info', {});
      expect(res).toEqual({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'refused: the sender is not a Parley window' } });
    });

    it('rejects a subframe of our window', async () => {
      const sub = new FakeFrame('app://parley/index.html', win.mainFrame);
      expect(await invoke({ sender: win, senderFrame: sub }, 'app.info', {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER', message: 'refused: only the main frame may call Parley' },
      });
    });

    it('rejects our main frame when it shows a page that is not ours', async () => {
      win.mainFrame.url = 'https://evil.example/';
      expect(await invoke(fromMainFrame(), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
      win.mainFrame.url = 'file:///home/user/page.html';
      expect(await invoke(fromMainFrame(), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    });

    it('rejects a call whose frame is gone', async () => {
      expect(await invoke({ sender: win, senderFrame: null }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    });

    it('stops trusting a window once it is destroyed', async () => {
      win.destroy();
      expect(await invoke(fromMainFrame(), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    });

    it('accepts the dev server origin only when one is configured', async () => {
      const dev = appOrigins('http://127.0.0.1:5173/');
      expect(dev.isAppUrl('http://127.0.0.1:5173/index.html')).toBe(true);
      expect(dev.isAppUrl('http://127.0.0.1:5174/')).toBe(false);
      // The dev room frame's origin is never an IPC caller.
      expect(dev.isAppUrl('http://localhost:5173/room.html?vendor=netease')).toBe(false);
      expect(appOrigins().isAppUrl('http://127.0.0.1:5173/')).toBe(false);
      expect(() => appOrigins('https://evil.example/')).toThrow(/ELECTRON_RENDERER_URL/);
      expect(() => appOrigins('http://localhost:5173/')).toThrow(/expected an http:\/\/127\.0\.0\.1:<port> dev server URL/);
    });
  });
});

describe('push channels', () => {
  it('forwards session events and state to our windows only, on their own channels', () => {
    const sinks: { events?: (id: string, events: unknown[], json: string) => void; state?: (s: unknown) => void } = {};
    const fakeSessions = {
      onEvents: (sink: typeof sinks.events) => ((sinks.events = sink), () => (sinks.events = undefined)),
      onState: (sink: typeof sinks.state) => ((sinks.state = sink), () => (sinks.state = undefined)),
    };
    const ipc = new FakeIpcMain();
    const r = createIpcRouter({
      ipcMain: ipc as unknown as IpcMain,
      handlers: core.handlers,
      sessions: fakeSessions as never,
      isAppUrl: appOrigins().isAppUrl,
    });
    const ours = new FakeWebContents();
    const stranger = new FakeWebContents();
    r.attach(ours as unknown as WebContents);
    const event = { seq: 1, t: 0, at: '2025-01-01T00:00:00.000Z', kind: 'socket.open', dir: 'local', summary: 'open', data: null };
    sinks.events!('s1', [event], JSON.stringify([event]));
    sinks.state!({ id: 's1', state: 'running' });
    expect(ours.sent).toEqual([
      { channel: pushChannel('session.events'), payload: { sessionId: 's1', events: [event] } },
      { channel: pushChannel('session.state'), payload: { id: 's1', state: 'running' } },
    ]);
    expect(stranger.sent).toEqual([]);
    r.dispose();
    expect(sinks.events).toBeUndefined();
    expect(sinks.state).toBeUndefined();
    expect(ipc.handlers.size).toBe(0);
  });
});
