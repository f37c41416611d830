/**
 * Sandboxed preload: puts `window.parley` ({ invoke, on }) into the page's main world. The page never sees
 * ipcRenderer, an IPC event object or any channel outside the contract.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { OP_NAME_LIST, PUSH_CHANNEL_LIST } from './core/contract-names.ts';
import { INVOKE_CHANNEL, pushChannel, type Envelope } from './app/ipc-channels.ts';

const ops: ReadonlySet<string> = new Set(OP_NAME_LIST);
const channels: ReadonlySet<string> = new Set(PUSH_CHANNEL_LIST);

/**
 * What a failed call rejects with. The contextBridge copies a thrown Error with its message only (custom properties
 * such as `code` are lost), so the rejection is a plain object, which the bridge copies key by key: the renderer
 * reads `err.code` and `err.message` either way (src-renderer/src/api.ts may wrap it in an Error).
 */
export interface BridgeError {
  name: 'ParleyError';
  code: string;
  message: string;
}

function bridgeError(code: string, message: string): BridgeError {
  return { name: 'ParleyError', code, message };
}

async function invoke(op: string, args: unknown): Promise<unknown> {
  if (typeof op !== 'string' || !ops.has(op)) throw bridgeError('UNKNOWN_OPERATION', `unknown operation "${String(op)}"`);
  const envelope = (await ipcRenderer.invoke(INVOKE_CHANNEL, op, args ?? {})) as Envelope;
  if (envelope.ok) return envelope.result;
  throw bridgeError(envelope.error.code, envelope.error.message);
}

function on(channel: string, listener: (payload: unknown) => void): () => void {
  if (typeof channel !== 'string' || !channels.has(channel)) throw bridgeError('UNKNOWN_CHANNEL', `unknown push channel "${String(channel)}"`);
  if (typeof listener !== 'function') throw bridgeError('BAD_ARGUMENTS', 'listener: expected a function');
  const wire = pushChannel(channel);
  const forward = (_event: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(wire, forward);
  return () => {
    ipcRenderer.removeListener(wire, forward);
  };
}

contextBridge.exposeInMainWorld('parley', { invoke, on });
