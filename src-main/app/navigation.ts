import type { WebContents } from 'electron';
import { isAllowedExternalUrl } from './external-links.ts';

export type OpenExternal = (url: string) => Promise<void>;

/**
 * The window never leaves the app: every navigation away from the loaded page is refused (in-page hash changes are
 * same-document and allowed), a frame inside it may load the room frame's page and nothing else, webviews cannot
 * attach, and new windows are never created. An allow-listed https link (vendor docs) opens in the system browser
 * instead; anything else is dropped.
 */
export function installNavigationGuards(contents: WebContents, openExternal: OpenExternal, isRoomUrl: (url: string) => boolean = () => false): void {
  const openIfAllowed = (url: string) => {
    if (isAllowedExternalUrl(url)) void openExternal(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event) => {
    if (event.isSameDocument) return;
    event.preventDefault();
    openIfAllowed(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isSameDocument || event.isMainFrame) return;
    if (isRoomUrl(event.url) && event.frame?.parent === contents.mainFrame) return;
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (event.isMainFrame) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url);
    return { action: 'deny' };
  });
}
