import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { applicationMenuTemplate } from '../../../src-main/app/menu.ts';

function roles(template: MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [item.role ?? '', ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]).filter(Boolean);
}

describe('application menu', () => {
  it('has View > Toggle DevTools when not packaged', () => {
    expect(roles(applicationMenuTemplate({ isPackaged: false, platform: 'linux' }))).toContain('toggleDevTools');
  });

  it('has no way to open DevTools in a packaged build', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const)
      expect(roles(applicationMenuTemplate({ isPackaged: true, platform }))).not.toContain('toggleDevTools');
  });

  it('adds the app menu on macOS only', () => {
    expect(roles(applicationMenuTemplate({ isPackaged: true, platform: 'darwin' }))[0]).toBe('appMenu');
    expect(roles(applicationMenuTemplate({ isPackaged: true, platform: 'linux' }))).not.toContain('appMenu');
  });
});
