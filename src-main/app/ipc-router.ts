import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { dispatch, PUSH_CHANNELS, type Handlers } from '../core/contract.ts';
import type { SessionManager } from '../core/session/manager.ts';
import { INVOKE_CHANNEL, pushChannel, type Envelope, type ErrorInfo } from './ipc-channels.ts';

export interface IpcRouterOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  handlers: Handlers;
  sessions: Pick<SessionManager, 'onEvents' | 'onState'>;
  isAppUrl(url: string): boolean;
  /** Applied to every error message before it leaves main (the core's secret redactor). */
  redact?: (text: string) => string;
}

export interface IpcRouter {
  /** Trust this window's main frame as a caller and send it the push channels. */
  attach(contents: WebContents): void;
  dispose(): void;
}

export class ForbiddenSenderError extends Error {
  readonly code = 'FORBIDDEN_SENDER';
}

/** Why a call is refused, or null when it comes from the main frame of one of our windows showing one of our pages. */
export function senderRefusal(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  trusted: ReadonlySet<WebContents>,
  isAppUrl: (url: string) => boolean,
): string | null {
  if (!trusted.has(event.sender)) return 'the sender is not a Parley window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone (navigated or destroyed)';
  if (frame !== event.sender.mainFrame || frame.parent !== null) return 'only the main frame may call Parley';
  if (!isAppUrl(frame.url)) return `the sending page is not a Parley page (${frame.origin || 'unknown origin'})`;
  return null;
}

export function errorInfo(err: unknown, redact: (text: string) => string = (t) => t): ErrorInfo {
  const code = err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'ERROR';
  const message = err instanceof Error ? err.message : String(err);
  return { code, message: redact(message) };
}

/**
 * Serves exactly the contract table on one channel. Every call is checked for its sender frame, then validated and
 * dispatched by `dispatch()` (unknown operations and bad arguments never reach a handler).
 */
export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  const { ipcMain, handlers, sessions, isAppUrl } = options;
  const redact = options.redact ?? ((t: string) => t);
  const windows = new Set<WebContents>();

  ipcMain.handle(INVOKE_CHANNEL, async (event, op: unknown, args: unknown): Promise<Envelope> => {
    const refusal = senderRefusal(event, windows, isAppUrl);
    if (refusal) return { ok: false, error: errorInfo(new ForbiddenSenderError(`refused: ${refusal}`)) };
    if (typeof op !== 'string') return { ok: false, error: { code: 'BAD_ARGUMENTS', message: `operation name: expected a string, got ${typeof op}` } };
    try {
      return { ok: true, result: await dispatch(handlers, op, args) };
    } catch (err) {
      return { ok: false, error: errorInfo(err, redact) };
    }
  });

  const broadcast = (channel: (typeof PUSH_CHANNELS)[number], payload: unknown) => {
    for (const contents of windows) if (!contents.isDestroyed()) contents.send(pushChannel(channel), payload);
  };
  const unsubscribe = [
    sessions.onEvents((sessionId, events) => broadcast('session.events', { sessionId, events })),
    sessions.onState((summary) => broadcast('session.state', summary)),
  ];

  return {
    attach(contents) {
      windows.add(contents);
      contents.once('destroyed', () => windows.delete(contents));
    },
    dispose() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      for (const off of unsubscribe) off();
      windows.clear();
    },
  };
}
