import type { Session } from 'electron';

/**
 * Parley needs exactly one browser permission: the microphone, for speech input into vendor rooms. Camera, screen,
 * geolocation, notifications, clipboard read, HID/serial/USB and everything else are refused, and so is any request
 * from a page that is not ours.
 */
export interface PermissionRequestDetails {
  requestingUrl?: string;
  mediaTypes?: readonly string[];
}

export function grantPermissionRequest(permission: string, details: PermissionRequestDetails, isAppUrl: (url: string) => boolean): boolean {
  if (permission !== 'media') return false;
  if (!details.requestingUrl || !isAppUrl(details.requestingUrl)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

export function grantPermissionCheck(permission: string, requestingOrigin: string, mediaType: string | undefined, isAppUrl: (url: string) => boolean): boolean {
  return permission === 'media' && mediaType === 'audio' && isAppUrl(requestingOrigin);
}

export function installPermissionHandlers(session: Session, isAppUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(grantPermissionRequest(permission, details as PermissionRequestDetails, isAppUrl));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    grantPermissionCheck(permission, requestingOrigin, details.mediaType, isAppUrl),
  );
  session.setDevicePermissionHandler(() => false);
  // No handler means getDisplayMedia is refused; set one that refuses explicitly so that stays true.
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}
