import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. DevTools are reachable only in development (not packaged): a packaged build hands support
 * staff no console into a renderer that shows production sessions.
 */
export function applicationMenuTemplate(options: { isPackaged: boolean; platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!options.isPackaged) view.push({ type: 'separator' }, { role: 'toggleDevTools', label: 'Toggle DevTools' });
  const template: MenuItemConstructorOptions[] = [{ role: 'fileMenu' }, { role: 'editMenu' }, { label: 'View', submenu: view }, { role: 'windowMenu' }];
  if (options.platform === 'darwin') template.unshift({ role: 'appMenu' });
  return template;
}
