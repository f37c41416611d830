import type { Session, SystemPreferences } from 'electron';

/**
 * Parley needs two browser permissions:
 * - the microphone, for speech input (our pages: the main page for socket vendors, the room frame for RTC rooms);
 * - clipboard-sanitized-write, for the Copy buttons (navigator.clipboard.writeText), on the main page only.
 * Camera, screen, geolocation, notifications, clipboard read, HID/serial/USB and everything else are refused, and so
 * is any request from a page that is not ours.
 *
 * macOS keeps its own microphone switch per app: until the user has answered the system prompt, which appears only
 * when the app calls systemPreferences.askForMediaAccess, Chromium's capture can deliver a silent track. So on macOS
 * a microphone request is granted only after the system says yes (asking first when the user has not decided), and
 * refused when access is denied, so the page gets NotAllowedError and says how to allow it instead of sending
 * silence to a vendor.
 */
export interface PermissionRequestDetails {
  requestingUrl?: string;
  mediaTypes?: readonly string[];
}

export interface PermissionOrigins {
  /** Our main page (the one holding window.parley). */
  isAppUrl(url: string): boolean;
  /** Our room frame (vendor RTC SDKs), when there is one. */
  isRoomUrl?(url: string): boolean;
}

export interface PermissionEnvironment {
  platform: NodeJS.Platform;
  systemPreferences?: Pick<SystemPreferences, 'getMediaAccessStatus' | 'askForMediaAccess'>;
}

const CLIPBOARD_WRITE = 'clipboard-sanitized-write';

function mayUseMicrophone(url: string | undefined, origins: PermissionOrigins): boolean {
  return !!url && (origins.isAppUrl(url) || !!origins.isRoomUrl?.(url));
}

/** What Parley's policy allows, before asking the operating system. */
export function grantPermissionRequest(permission: string, details: PermissionRequestDetails, origins: PermissionOrigins): boolean {
  if (permission === CLIPBOARD_WRITE) return !!details.requestingUrl && origins.isAppUrl(details.requestingUrl);
  if (permission !== 'media') return false;
  if (!mayUseMicrophone(details.requestingUrl, origins)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

export function grantPermissionCheck(permission: string, requestingOrigin: string, mediaType: string | undefined, origins: PermissionOrigins): boolean {
  if (permission === CLIPBOARD_WRITE) return origins.isAppUrl(requestingOrigin);
  return permission === 'media' && mediaType === 'audio' && mayUseMicrophone(requestingOrigin, origins);
}

/** macOS: the system's microphone answer, asking the user when they have not decided yet. Elsewhere: yes. */
export async function systemAllowsMicrophone(env: PermissionEnvironment): Promise<boolean> {
  if (env.platform !== 'darwin' || !env.systemPreferences) return true;
  const status = env.systemPreferences.getMediaAccessStatus('microphone');
  if (status === 'granted') return true;
  if (status === 'not-determined') return env.systemPreferences.askForMediaAccess('microphone').catch(() => false);
  return false; // 'denied' or 'restricted': only System Settings can change it; the page says where.
}

export function installPermissionHandlers(session: Session, origins: PermissionOrigins, env: PermissionEnvironment = { platform: process.platform }): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    if (!grantPermissionRequest(permission, details as PermissionRequestDetails, origins)) return callback(false);
    if (permission !== 'media') return callback(true);
    void systemAllowsMicrophone(env).then(callback, () => callback(false));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    if (!grantPermissionCheck(permission, requestingOrigin, details.mediaType, origins)) return false;
    // A check must answer at once: on macOS only an access the user already granted counts.
    if (permission === 'media' && env.platform === 'darwin' && env.systemPreferences)
      return env.systemPreferences.getMediaAccessStatus('microphone') === 'granted';
    return true;
  });
  session.setDevicePermissionHandler(() => false);
  // No handler means getDisplayMedia is refused; set one that refuses explicitly so that stays true.
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}
