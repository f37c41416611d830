import type { NewEvent } from '../../src-main/core/events.ts';

/** Turns one benchmark frame into an event the way a vendor parser does (kind from the status, summary, data). */
export function normalizeBenchFrame(data: Buffer, isBinary: boolean): NewEvent {
  if (isBinary) return { kind: 'ws.binary', dir: 'in', summary: `${data.length} B` };
  const msg = JSON.parse(data.toString('utf8')) as { socket_status: number; agent_output?: { output_type?: string; llm_response?: string; z_index?: number } };
  const out = msg.agent_output;
  return {
    kind: `mindcraft.${out?.output_type ?? msg.socket_status}`,
    dir: 'in',
    summary: out?.llm_response ?? `status ${msg.socket_status} #${out?.z_index}`,
    data: msg,
  };
}
