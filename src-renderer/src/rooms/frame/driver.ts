import { roomError, type RoomEvent } from '../protocol.ts';

/** What a driver may tell the page: vendor-neutral events, and remote audio tracks (the server reads their PCM). */
export interface DriverContext {
  event(event: RoomEvent): void;
  remoteAudio(trackId: string, participant: string, label: string, track: MediaStreamTrack): void;
  remoteAudioGone(trackId: string): void;
}

/** One vendor's RTC SDK behind the room channel's operations. A driver serves one room visit. */
export interface RoomDriver {
  join(params: Record<string, unknown>): Promise<{ localId: string; localSid?: string }>;
  /** Publish `track` as the user's speech, replacing what was published. */
  publish(track: MediaStreamTrack, source: 'microphone' | 'file'): Promise<void>;
  unpublish(): Promise<void>;
  send(data: Uint8Array, channel?: number): Promise<void>;
  interrupt(target?: string): Promise<{ sent: unknown }>;
  leave(): Promise<void>;
}

export type DriverFactory = (context: DriverContext) => RoomDriver;

/** A join parameter, checked: the field named when it is missing or of the wrong type. */
export function param<T extends 'string' | 'number'>(
  params: Record<string, unknown>,
  name: string,
  type: T,
  optional = false,
): (T extends 'string' ? string : number) | undefined {
  const v = params[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== type || (type === 'number' && !Number.isFinite(v)) || (type === 'string' && v === '' && !optional))
    throw roomError(
      'BAD_ARGUMENTS',
      `join.params.${name}: expected ${type === 'string' ? 'a non-empty string' : 'a number'}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
    );
  return v as never;
}

/** SDK payloads as plain data (the channel structured-clones; SDK objects may hold functions). */
export function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

export function unsupported(vendor: string, what: string): never {
  throw roomError('UNSUPPORTED', `${vendor} rooms have no ${what}`);
}
