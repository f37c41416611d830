/** The IPC wire between preload and main: one invoke channel and one channel per push name. Nothing else exists. */
export const INVOKE_CHANNEL = 'parley:invoke';

export function pushChannel(name: string): string {
  return `parley:push:${name}`;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/** Electron keeps only `message` of a thrown error across IPC, so results and errors travel in an envelope. */
export type Envelope = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };
