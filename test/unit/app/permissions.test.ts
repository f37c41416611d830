import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import { appOrigins } from '../../../src-main/app/app-origin.ts';
import { installPermissionHandlers, type PermissionEnvironment } from '../../../src-main/app/permissions.ts';
import { FakeSession, FakeSystemPreferences } from './fake-electron.ts';

const APP = 'app://parley/index.html';
const ROOM = 'app://room/room.html?vendor=tencent';
let ses: FakeSession;

function install(env: PermissionEnvironment = { platform: 'linux' }): FakeSession {
  ses = new FakeSession();
  installPermissionHandlers(ses as unknown as Session, appOrigins(), env);
  return ses;
}
beforeEach(() => install());

function request(permission: string, details: Record<string, unknown>): Promise<boolean> {
  return new Promise((resolve) => ses.permissionRequestHandler!({}, permission, resolve, details));
}
const microphone = (requestingUrl = APP) => request('media', { requestingUrl, mediaTypes: ['audio'] });

describe('permission requests', () => {
  it('grants the microphone to our page and to the room frame', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: ['audio'], isMainFrame: true })).toBe(true);
    expect(await request('media', { requestingUrl: ROOM, mediaTypes: ['audio'], isMainFrame: false })).toBe(true);
  });

  it('denies the camera, alone or together with the microphone', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: ['video'] })).toBe(false);
    expect(await request('media', { requestingUrl: ROOM, mediaTypes: ['audio', 'video'] })).toBe(false);
  });

  it('denies a media request that names no media type', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: [] })).toBe(false);
    expect(await request('media', { requestingUrl: APP })).toBe(false);
  });

  it('denies the microphone to a page that is not ours', async () => {
    expect(await microphone('https://evil.example/')).toBe(false);
    expect(await microphone('file:///tmp/x.html')).toBe(false);
    expect(await microphone('app://evil/room.html')).toBe(false);
  });

  it('grants clipboard-sanitized-write (the Copy buttons) to our page only: not the room frame, not another page', async () => {
    expect(await request('clipboard-sanitized-write', { requestingUrl: APP })).toBe(true);
    expect(await request('clipboard-sanitized-write', { requestingUrl: ROOM })).toBe(false);
    expect(await request('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(await request('clipboard-sanitized-write', {})).toBe(false);
  });

  it.each([
    'geolocation',
    'notifications',
    'display-capture',
    'clipboard-read',
    'midi',
    'midiSysex',
    'hid',
    'serial',
    'usb',
    'openExternal',
    'fullscreen',
    'pointerLock',
    'idle-detection',
    'window-management',
    'local-fonts',
    'speaker-selection',
    'unknown',
  ])('denies %s', async (permission) => {
    expect(await request(permission, { requestingUrl: APP, mediaTypes: ['audio'] })).toBe(false);
  });
});

describe('permission checks', () => {
  const check = (permission: string, origin: string, mediaType?: string) => ses.permissionCheckHandler!(null, permission, origin, { mediaType });

  it('answers yes only for audio media from our origins and clipboard writes from our page', () => {
    expect(check('media', 'app://parley', 'audio')).toBe(true);
    expect(check('media', 'app://room', 'audio')).toBe(true);
    expect(check('media', 'app://parley', 'video')).toBe(false);
    expect(check('media', 'app://parley', 'unknown')).toBe(false);
    expect(check('media', 'https://evil.example', 'audio')).toBe(false);
    expect(check('clipboard-sanitized-write', 'app://parley')).toBe(true);
    expect(check('clipboard-sanitized-write', 'app://room')).toBe(false);
    expect(check('clipboard-read', 'app://parley')).toBe(false);
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

describe('macOS microphone access (systemPreferences)', () => {
  let prefs: FakeSystemPreferences;
  beforeEach(() => {
    prefs = new FakeSystemPreferences();
    install({ platform: 'darwin', systemPreferences: prefs });
  });

  it('asks macOS first when the user has not decided, and grants what the user allowed', async () => {
    prefs.answer = true;
    expect(await microphone(ROOM)).toBe(true);
    expect(prefs.asked).toEqual(['microphone']);
    // Decided now: the next capture does not ask again.
    expect(await microphone(APP)).toBe(true);
    expect(prefs.asked).toEqual(['microphone']);
  });

  it('refuses the capture when the user says no (the page gets NotAllowedError instead of a silent track), twice', async () => {
    prefs.answer = false;
    expect(await microphone()).toBe(false);
    expect(await microphone()).toBe(false);
    // Denied is final until changed in System Settings: macOS is not asked again.
    expect(prefs.asked).toEqual(['microphone']);
  });

  it.each(['denied', 'restricted'] as const)('refuses without asking when access is %s', async (status) => {
    prefs.status = status;
    expect(await microphone()).toBe(false);
    expect(prefs.asked).toEqual([]);
  });

  it('grants at once when access was granted before', async () => {
    prefs.status = 'granted';
    expect(await microphone()).toBe(true);
    expect(prefs.asked).toEqual([]);
  });

  it('never asks macOS for a request Parley refuses anyway', async () => {
    expect(await request('media', { requestingUrl: APP, mediaTypes: ['video'] })).toBe(false);
    expect(await microphone('https://evil.example/')).toBe(false);
    expect(prefs.asked).toEqual([]);
  });

  it('answers a permission check from the system state without prompting', () => {
    const check = () => ses.permissionCheckHandler!(null, 'media', 'app://parley', { mediaType: 'audio' });
    expect(check()).toBe(false);
    prefs.status = 'granted';
    expect(check()).toBe(true);
    expect(prefs.asked).toEqual([]);
  });

  it('is not consulted on other platforms', async () => {
    const other = new FakeSystemPreferences();
    other.status = 'denied';
    install({ platform: 'win32', systemPreferences: other });
    expect(await microphone()).toBe(true);
  });
});
