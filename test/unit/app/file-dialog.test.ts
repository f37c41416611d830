import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: { kind: 'open' | 'save'; parent: unknown; options: Record<string, unknown> }[] = [];
let answer: { canceled: boolean; filePaths?: string[]; filePath?: string } = { canceled: true };
vi.mock('electron', () => ({
  dialog: {
    showOpenDialog: async (...args: unknown[]) => {
      const [parent, options] = args.length === 2 ? args : [null, args[0]];
      calls.push({ kind: 'open', parent, options: options as Record<string, unknown> });
      return answer;
    },
    showSaveDialog: async (...args: unknown[]) => {
      const [parent, options] = args.length === 2 ? args : [null, args[0]];
      calls.push({ kind: 'save', parent, options: options as Record<string, unknown> });
      return answer;
    },
  },
}));

const { electronFileDialog } = await import('../../../src-main/app/file-dialog.ts');

describe("Electron's file dialog behind dialog.open / dialog.save", () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('opens a folder picker for case folders, a WAV picker for speech, modal to the main window', async () => {
    const win = { id: 1 };
    const d = electronFileDialog(() => win as never);
    answer = { canceled: false, filePaths: ['/home/qa/cases'] };
    expect(await d.open({ purpose: 'caseFolder', locale: 'en' })).toBe('/home/qa/cases');
    expect(calls[0]).toMatchObject({
      kind: 'open',
      parent: win,
      options: { properties: ['openDirectory', 'createDirectory'], title: 'Choose the folder of your case files' },
    });
    answer = { canceled: false, filePaths: ['/home/qa/hello.wav'] };
    expect(await d.open({ purpose: 'speechWav', locale: 'zh-CN' })).toBe('/home/qa/hello.wav');
    expect(calls[1]!.options).toMatchObject({ properties: ['openFile'], title: '选择要发送的 WAV 录音', filters: [{ extensions: ['wav'] }] });
  });

  it('answers null when the user cancels, and works without a window', async () => {
    const d = electronFileDialog(() => null);
    answer = { canceled: true, filePaths: [] };
    expect(await d.open({ purpose: 'bundleOpen', locale: 'en' })).toBeNull();
    answer = { canceled: false, filePath: '/home/qa/ticket.parley-bundle.json' };
    expect(await d.save({ purpose: 'bundleSave', locale: 'en', defaultName: 'x.parley-bundle.json' })).toBe('/home/qa/ticket.parley-bundle.json');
    expect(calls[1]).toMatchObject({ kind: 'save', parent: null, options: { defaultPath: 'x.parley-bundle.json', title: 'Save the reproduction bundle' } });
    answer = { canceled: true };
    expect(await d.save({ purpose: 'bundleSave', locale: 'en', defaultName: 'x' })).toBeNull();
  });
});
