/**
 * The boundary to nertc-web-sdk: the few calls Parley makes, typed as documented (types/client.d.ts, stream.d.ts,
 * 5.8.34). The SDK is imported lazily, only when a room is joined. Tests replace it here: renderer tests call
 * `useNertc(fake)`, the E2E harness defines `window.__PARLEY_TEST_NERTC__` before the page loads.
 */
export interface NertcStreamLike {
  getId?(): number | string;
  setAudioProfile?(profile: string): void;
  init?(): Promise<void>;
  play?(view?: HTMLElement | null, options?: { audio?: boolean; video?: boolean }): Promise<void> | void;
  getAudioStream?(): MediaStream | null;
  destroy?(): void;
}

export interface NertcClientLike {
  on(event: string, callback: (evt: never) => void): void;
  join(options: { channelName: string; uid: number | string; token?: string }): Promise<void>;
  leave(): Promise<void>;
  publish(stream: NertcStreamLike): Promise<void>;
  subscribe(stream: NertcStreamLike, options?: { audio?: boolean; video?: boolean }): Promise<void>;
  startAsrCaptions(sourceLan: string, targetLan: string | string[]): Promise<void>;
  stopAsrCaptions?(): Promise<void>;
  aiManualInterrupt(uid: string): void;
  destroy?(): void;
}

export interface NertcLike {
  createClient(options: { appkey: string; debug?: boolean }): NertcClientLike;
  createStream(options: { audio: boolean; video: boolean; uid?: number | string; client?: NertcClientLike; audioSource?: MediaStreamTrack }): NertcStreamLike;
}

declare global {
  interface Window {
    __PARLEY_TEST_NERTC__?: NertcLike;
  }
}

let injected: NertcLike | null = null;

/** Replace the SDK (tests). `null` restores the real one. */
export function useNertc(sdk: NertcLike | null): void {
  injected = sdk;
}

export async function loadNertc(): Promise<NertcLike> {
  if (injected) return injected;
  if (typeof window !== 'undefined' && window.__PARLEY_TEST_NERTC__) return window.__PARLEY_TEST_NERTC__;
  const mod = (await import('nertc-web-sdk')) as unknown as { default?: NertcLike } & NertcLike;
  return mod.default ?? mod;
}
