/** Display helpers shared by the workflow views. */
import type { FigureKey } from '../../../../src-main/core/workflows/compare.ts';
import { i18n } from '../../i18n/index.ts';
import { contractErrorInWords } from '../../i18n/labels.ts';

export const FIGURE_KEYS: FigureKey[] = ['setupMs', 'firstServerEventMs', 'firstAudioMs', 'turnLatencyMs', 'botAudioS'];

export function fmtFigure(key: FigureKey, v: number | undefined | null): string {
  if (v === undefined || v === null) return '—';
  return key === 'botAudioS' ? `${v.toFixed(2)} s` : `${Math.round(v)} ms`;
}

export function fmtTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale, { hour12: false });
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function fmtBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Save text as a file through a download link (Electron shows its save dialog). */
export function download(fileName: string, text: string, mime = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function base64ToBlobUrl(base64: string, mime: string): string {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return URL.createObjectURL(new Blob([bytes], { type: mime }));
}

/**
 * A failed call's message for the user: window.parley rejects with a plain {name, code, message} object
 * (contextBridge), not an Error; a refusal of the operation table (an empty folder field …) is put in words.
 */
export function errorText(err: unknown): string {
  const given = err && typeof err === 'object' ? (err as { message?: unknown }).message : undefined;
  const message = typeof given === 'string' ? given : String(err);
  return (err as { code?: string } | null)?.code === 'BAD_ARGUMENTS' ? contractErrorInWords(message, String(i18n.global.locale.value)) : message;
}

/**
 * `to` relative to the folder `from` (both absolute, `/` or `\` separated), e.g. `../audio/hello.wav`; `to` itself when
 * they share no root (another drive).
 */
export function relativePath(from: string, to: string): string {
  const split = (p: string) => p.split(/[\\/]+/).filter(Boolean);
  const a = split(from);
  const b = split(to);
  if (!a.length || !b.length || a[0] !== b[0]) return to;
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...Array<string>(a.length - i).fill('..'), ...b.slice(i)].join('/');
}
