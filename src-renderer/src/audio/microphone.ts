/**
 * Opening the microphone, with a clear error when it cannot be used. Nothing is sent unless this resolved: a denied
 * or muted microphone would otherwise give a track of silence, and the vendor would get silence without an error.
 * On macOS the app asks the system first (main process, systemPreferences.askForMediaAccess); when the user said no,
 * Chromium refuses with NotAllowedError and the message says where to allow it.
 */

/** The capture settings the vendors' own SDKs use for speech. */
export const SPEECH_CONSTRAINTS: MediaTrackConstraints = { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export class MicrophoneError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'MicrophoneError';
    this.code = code;
  }
}

const HOW_TO_ALLOW =
  'Allow Parley to use the microphone (macOS: System Settings → Privacy & Security → Microphone; Windows: Settings → Privacy & security → Microphone), then try again.';

/** A getUserMedia failure in words a user understands. */
export function microphoneError(err: unknown): MicrophoneError {
  const name = err && typeof err === 'object' && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : '';
  const detail = err instanceof Error && err.message ? ` (${err.message})` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicrophoneError('MICROPHONE_DENIED', `Microphone access is denied, so nothing was sent. ${HOW_TO_ALLOW}`);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError(
        'MICROPHONE_MISSING',
        'No microphone was found, so nothing was sent. Connect one (or publish a WAV file instead) and try again.',
      );
    case 'NotReadableError':
    case 'AbortError':
      return new MicrophoneError(
        'MICROPHONE_BUSY',
        `The microphone could not be opened${detail}; another application may be using it. Close it and try again.`,
      );
  }
  return new MicrophoneError('MICROPHONE_UNAVAILABLE', `The microphone cannot be used here${detail}. ${HOW_TO_ALLOW}`);
}

/** The microphone as a live stream of one audio track, or a MicrophoneError; never a muted or ended track. */
export async function openMicrophone(constraints: MediaTrackConstraints = SPEECH_CONSTRAINTS): Promise<MediaStream> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: constraints });
  } catch (err) {
    throw microphoneError(err);
  }
  const track = stream.getAudioTracks()[0];
  if (!track || track.readyState !== 'live' || track.muted) {
    stream.getTracks().forEach((t) => t.stop());
    throw new MicrophoneError(
      'MICROPHONE_SILENT',
      `The microphone delivers no sound (muted or switched off by the system), so nothing was sent. ${HOW_TO_ALLOW}`,
    );
  }
  return stream;
}
