import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, state } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);

// A data folder Parley cannot create: its path is a regular file (a real ENOTDIR from the real core, nothing mocked).
const root = mkdtempSync(join(tmpdir(), 'parley-start-failure-'));
const dataDir = join(root, 'Parley');
writeFileSync(dataDir, 'not a folder');
const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);

beforeAll(async () => {
  delete process.env.ELECTRON_RENDERER_URL;
  state.app.userData = dataDir;
  await import('../../../src-main/app/main.ts');
  state.app.fireReady();
  await vi.waitFor(() => expect(state.app.exitCode).not.toBeNull());
});

afterAll(() => {
  consoleError.mockRestore();
  rmSync(root, { recursive: true, force: true });
});

describe('a start that fails', () => {
  it('shows the cause and the fix in an error dialog', () => {
    expect(state.errorBoxes).toHaveLength(1);
    const box = state.errorBoxes[0]!;
    expect(box.title).toBe('Parley could not start');
    expect(box.content).toContain(`Parley cannot write its data folder ${dataDir}`);
    expect(box.content).toMatch(/ENOTDIR|EEXIST/);
    expect(box.content).toMatch(/writable directory/);
  });

  it('quits with exit code 1 after releasing the single-instance lock, leaving no window and no IPC handler', () => {
    expect(state.app.exitCode).toBe(1);
    expect(state.app.hasLock).toBe(false);
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(state.ipcMain.handlers.size).toBe(0);
  });
});
