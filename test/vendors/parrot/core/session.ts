import { SocketSession, ActionError, type SocketProtocol, type SocketEnd } from '../../../../src-main/core/session/socket-session.ts';
import type { OperationOutcome, SessionContext, VendorError } from '../../../../src-main/core/vendors/types.ts';

/** What an Parrot session returns: each turn's text and replies. */
export interface ParrotResult {
  session: string | null;
  turns: { turn: number; text: string; heard?: string; replies: string[]; done: boolean }[];
}

/** Close codes of test/vendors/parrot/PROTOCOL.md#errors, as the vendor errors they are. */
const CLOSE_CODES: Record<number, string> = { 4001: 'UNAUTHORIZED', 4400: 'BAD_CONFIG', 4408: 'IDLE' };

/** The Parrot protocol on Parley's generic socket session. */
export function runParrotTalk(ctx: SessionContext): Promise<OperationOutcome> {
  const socket = new SocketSession(ctx);
  const result: ParrotResult = { session: null, turns: [] };
  const current = () => result.turns[result.turns.length - 1];

  const protocol: SocketProtocol = {
    text(text) {
      let m: { type?: unknown; [k: string]: unknown };
      try {
        m = JSON.parse(text) as typeof m;
      } catch {
        return socket.fail({ code: 'BAD_FRAME', message: `the server sent a frame that is not JSON: ${text.slice(0, 80)}` });
      }
      const type = typeof m.type === 'string' ? m.type : 'unknown';
      ctx.emit({ kind: `parrot.${type}`, dir: 'in', summary: `${type}${typeof m.text === 'string' ? ` · ${m.text}` : ''}`, data: m });
      const turn = current();
      if (type === 'welcome') result.session = typeof m.session === 'string' ? m.session : null;
      else if (type === 'heard' && turn) turn.heard = String(m.text);
      else if (type === 'reply' && turn) {
        turn.replies.push(String(m.text));
        socket.watch(ctx.timeouts.responseMs, `the rest of the answer to turn ${turn.turn}`);
      } else if (type === 'done' && turn) {
        turn.done = true;
        socket.unwatch();
        ctx.emit({ kind: 'turn.end', dir: 'local', summary: `turn ${turn.turn} · ${turn.replies.length} replies`, data: turn });
      } else if (type === 'error') {
        socket.unwatch();
        const error: VendorError = { code: String(m.code), message: String(m.message) };
        ctx.fail(error);
        if (turn && !turn.done) ctx.emit({ kind: 'turn.end', dir: 'local', summary: `turn ${turn.turn} failed · ${error.code}`, data: { ...turn, error } });
      }
    },
    closed(code, reason) {
      if (code === 1000) return null;
      return { code: CLOSE_CODES[code] ?? `WS_CLOSED_${code}`, message: reason || `the server closed the socket (${code})` };
    },
    actions: {
      text(d) {
        if (typeof d.text !== 'string' || !d.text.trim()) throw new ActionError('BAD_ACTION', 'text: expected {"text": "<what the user says>"}');
        const turn = { turn: result.turns.length + 1, text: d.text, replies: [], done: false };
        result.turns.push(turn);
        socket.sendJson({ type: 'say', text: d.text }, `say · turn ${turn.turn}: ${d.text}`);
        socket.watch(ctx.timeouts.responseMs, `the answer to turn ${turn.turn}`);
        return { turn: turn.turn };
      },
    },
    serialActions: ['text'],
    outcome(end: SocketEnd): OperationOutcome {
      const n = result.turns.length;
      if (end.error) return { ok: false, summary: `${end.error.code}: ${end.error.message}`, error: end.error, result };
      return { ok: true, summary: `${n} turn${n === 1 ? '' : 's'} · ${end.why}`, result };
    },
  };

  const settings = ctx.profile.settings as { endpoint?: string };
  const url = ctx.sandboxUrl ? `${ctx.sandboxUrl.replace(/^http/, 'ws')}/v1/talk` : (settings.endpoint ?? '');
  return socket.run(protocol, async () => ({
    url,
    authLabel: 'API key in the hello message',
    firstMessage: {
      data: { type: 'hello', key: await ctx.credential('API_KEY'), config: ctx.resolvedPayloadWithSecrets },
      summary: 'hello (API key and config)',
    },
  }));
}
