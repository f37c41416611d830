/**
 * The native open/save dialog behind dialog.open / dialog.save. The renderer never types a path main will use outside
 * the data folder: it asks for this dialog, the user picks, and core remembers the answer as granted.
 */
import { dialog, type BrowserWindow, type FileFilter, type OpenDialogOptions } from 'electron';
import type { FileDialog, OpenPurpose, SavePurpose } from '../core/grants.ts';

type Words = { title: string; filter?: FileFilter };
const zh = (locale: string) => locale.toLowerCase().startsWith('zh');

const OPEN: Record<OpenPurpose, { properties: OpenDialogOptions['properties']; en: Words; zh: Words }> = {
  caseFolder: {
    properties: ['openDirectory', 'createDirectory'],
    en: { title: 'Choose the folder of your case files' },
    zh: { title: '选择测试用例文件夹' },
  },
  bundleOpen: {
    properties: ['openFile'],
    en: { title: 'Open a reproduction bundle', filter: { name: 'Parley bundle (.parley-bundle.json)', extensions: ['json'] } },
    zh: { title: '打开复现包', filter: { name: 'Parley 复现包 (.parley-bundle.json)', extensions: ['json'] } },
  },
  speechWav: {
    properties: ['openFile'],
    en: { title: 'Choose a WAV recording to speak', filter: { name: 'WAV audio', extensions: ['wav'] } },
    zh: { title: '选择要发送的 WAV 录音', filter: { name: 'WAV 音频', extensions: ['wav'] } },
  },
};

const SAVE: Record<SavePurpose, { en: Words; zh: Words }> = {
  bundleSave: {
    en: { title: 'Save the reproduction bundle', filter: { name: 'Parley bundle (.parley-bundle.json)', extensions: ['json'] } },
    zh: { title: '保存复现包', filter: { name: 'Parley 复现包 (.parley-bundle.json)', extensions: ['json'] } },
  },
};

/** Electron's dialogs, modal to the main window when there is one. */
export function electronFileDialog(parent: () => BrowserWindow | null): FileDialog {
  return {
    async open({ purpose, locale }) {
      const spec = OPEN[purpose];
      const words = zh(locale) ? spec.zh : spec.en;
      const options: OpenDialogOptions = { title: words.title, properties: spec.properties, ...(words.filter ? { filters: [words.filter] } : {}) };
      const win = parent();
      const answer = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return answer.canceled || !answer.filePaths[0] ? null : answer.filePaths[0];
    },
    async save({ purpose, locale, defaultName }) {
      const words = zh(locale) ? SAVE[purpose].zh : SAVE[purpose].en;
      const options = { title: words.title, defaultPath: defaultName, ...(words.filter ? { filters: [words.filter] } : {}) };
      const win = parent();
      const answer = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
  };
}
