/**
 * The turn agent's own page (agent.html), for the CLI: headless Chromium opens it from the CLI's loopback server
 * (src-main/cli/agent-browser.ts), which serves it as the app serves its page (same CSP, the room frame on its own
 * origin) and answers the few operations the agent uses over a WebSocket on the page's origin. window.parley is that
 * socket here, as the preload's IPC is in the app; nothing else of the app runs.
 */
import type { ParleyBridge } from '../../api.ts';
import { startTurnAgent } from './turn-agent.ts';

function socketBridge(url: string): ParleyBridge {
  const ws = new WebSocket(url);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const queue: string[] = [];
  let nextId = 1;
  ws.onopen = () => queue.splice(0).forEach((m) => ws.send(m));
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as { id?: number; ok?: boolean; result?: unknown; error?: unknown; channel?: string; payload?: unknown };
    if (m.channel) for (const l of listeners.get(m.channel) ?? []) l(m.payload as never);
    else if (m.id !== undefined) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.result);
      else p?.reject({ name: 'ParleyError', ...(m.error as object) });
    }
  };
  return {
    invoke(op, args) {
      const id = nextId++;
      const text = JSON.stringify({ id, op, args });
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
        else queue.push(text);
      });
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}

window.parley = socketBridge(`ws://${location.host}/agent`);
startTurnAgent();
