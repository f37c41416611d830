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

/** Typed call: `call('profiles.list', {})`. Errors carry the main-process code in `err.code`. */
export function call<N extends OpName>(op: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
  return bridge().invoke(op, args);
}
