import { isProxy, toRaw } from 'vue';
import type { ArgsOf, OpName, PushEvents, ResultOf } from '../../src-main/core/contract.ts';

/** What the preload (Electron) or the E2E bridge puts on `window.parley`. Nothing else reaches main. */
export interface ParleyBridge {
  invoke<N extends OpName>(op: N, args: ArgsOf<N>): Promise<ResultOf<N>>;
  on<C extends keyof PushEvents>(channel: C, listener: (payload: PushEvents[C]) => void): () => void;
}

declare global {
  interface Window {
    parley: ParleyBridge;
  }
}

export function bridge(): ParleyBridge {
  if (!window.parley) throw new Error('window.parley is missing: the renderer must run inside Parley (preload) or the E2E bridge');
  return window.parley;
}

/**
 * Arguments as plain data. The bridge structured-clones them (contextBridge / IPC), which refuses Vue's reactive
 * proxies ("could not be cloned"), and spreading a reactive object leaves proxies inside a plain one: unwrap all.
 */
export function plainArgs<T>(value: T): T {
  const raw = isProxy(value) ? toRaw(value) : value;
  if (Array.isArray(raw)) return raw.map(plainArgs) as T;
  if (raw && typeof raw === 'object' && Object.getPrototypeOf(raw) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = plainArgs(v);
    return out as T;
  }
  return raw;
}

/**
 * Typed call: `call('profiles.list', {})`. A failure rejects with `{name, code, message}` (a plain object across
 * contextBridge, not an Error): read `err.code` and `err.message`.
 */
export function call<N extends OpName>(op: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
  return bridge().invoke(op, plainArgs(args));
}
