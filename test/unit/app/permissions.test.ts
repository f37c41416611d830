import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import { appOrigins } from '../../../src-main/app/app-origin.ts';
import { installPermissionHandlers } from '../../../src-main/app/permissions.ts';
import { FakeSession } from './fake-electron.ts';

const APP = 'app://parley/index.html';
let ses: FakeSession;

beforeEach(() => {
  ses = new FakeSession();
  installPermissionHandlers(ses as unknown as Session, appOrigins().isAppUrl);
});

function request(permission: string, details: Record<string, unknown>): Promise<boolean> {
  return new Promise((resolve) => ses.permissionRequestHandler!({}, permission, resolve, details));
}

describe('permission requests', () => {
  it('grants the microphone to our page', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: ['audio'], isMainFrame: true })).toBe(true);
  });

  it('denies the camera, alone or together with the microphone', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: ['video'] })).toBe(false);
    expect(await request('media', { requestingUrl: APP, mediaTypes: ['audio', 'video'] })).toBe(false);
  });

  it('denies a media request that names no media type', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: [] })).toBe(false);
    expect(await request('media', { requestingUrl: APP })).toBe(false);
  });

  it('denies the microphone to a page that is not ours', async () => {
    expect(await request('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false);
    expect(await request('media', { requestingUrl: 'file:///tmp/x.html', mediaTypes: ['audio'] })).toBe(false);
  });

  it.each(['geolocation', 'notifications', 'display-capture', 'clipboard-read', 'clipboard-sanitized-write', 'midi', 'midiSysex', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'pointerLock', 'idle-detection', 'window-management', 'local-fonts', 'speaker-selection', 'unknown'])(
    'denies %s',
    async (permission) => {
      expect(await request(permission, { requestingUrl: APP, mediaTypes: ['audio'] })).toBe(false);
    },
  );
});

describe('permission checks', () => {
  const check = (permission: string, origin: string, mediaType?: string) => ses.permissionCheckHandler!(null, permission, origin, { mediaType });

  it('answers yes only for audio media from our origin', () => {
    expect(check('media', 'app://parley', 'audio')).toBe(true);
    expect(check('media', 'app://parley', 'video')).toBe(false);
    expect(check('media', 'app://parley', 'unknown')).toBe(false);
    expect(check('media', 'https://evil.example', 'audio')).toBe(false);
    expect(check('geolocation', 'app://parley')).toBe(false);
    expect(check('notifications', 'app://parley')).toBe(false);
  });

  it('denies every device (HID, serial, USB) and every screen capture', () => {
    expect(ses.devicePermissionHandler!({ deviceType: 'usb', origin: 'app://parley' })).toBe(false);
    let answer: unknown = 'unanswered';
    ses.displayMediaRequestHandler!({}, (streams: unknown) => (answer = streams));
    expect(answer).toEqual({});
  });
});
