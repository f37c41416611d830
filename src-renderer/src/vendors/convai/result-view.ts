import type { SessionEvent } from '../../../../src-main/core/events.ts';
import type { FieldError } from '../../../../src-main/core/vendors/convai/client.ts';

/** What the panel shows for a connect session: the 200 fields, or the vendor error with its 422 entries. */
export type ConnectView =
  | { state: 'none' }
  | { state: 'pending' }
  /**
   * `sandboxRoom`: the Convai sandbox's room on this machine: 'livekit' when its livekit-server serves it, 'loopback'
   * when its loopback sandbox room does (no livekit-server here), 'none' when nothing did (sessions recorded before
   * the loopback room); null for a live room.
   */
  | {
      state: 'ok';
      status: 200;
      fields: [string, string][];
      characterSessionId: string;
      characterId: string | null;
      requestId?: string;
      sandboxRoom: 'livekit' | 'loopback' | 'none' | null;
    }
  | { state: 'error'; status: number | null; code: string; message: string; requestId?: string; fieldErrors: FieldError[] };

const FIELD_ORDER = ['session_id', 'character_session_id', 'room_url', 'room_name', 'token', 'end_user_id', 'speaker_id'];

export function connectView(events: readonly SessionEvent[]): ConnectView {
  if (!events.length) return { state: 'none' };
  const connected = events.find((e) => e.kind === 'convai.connected');
  if (connected) {
    const d = connected.data as Record<string, unknown>;
    const fields = FIELD_ORDER.filter((k) => k in d).map((k) => [k, d[k] === null ? 'null' : String(d[k])] as [string, string]);
    const start = events.find((e) => e.kind === 'session.start')?.data as { payload?: { character_id?: string } } | undefined;
    return {
      state: 'ok',
      status: 200,
      fields,
      characterSessionId: String(d.character_session_id),
      characterId: start?.payload?.character_id ?? null,
      requestId: d.requestId as string | undefined,
      sandboxRoom: /^wss?:\/\/127\.0\.0\.1:\d+\/convai\/_room$/.test(String(d.room_url))
        ? 'loopback'
        : /^wss?:\/\/127\.0\.0\.1:\d+\/convai\/livekit$/.test(String(d.room_url))
          ? 'none'
          : /^ws:\/\/127\.0\.0\.1:\d+\/?$/.test(String(d.room_url))
            ? 'livekit'
            : null,
    };
  }
  const end = events.find((e) => e.kind === 'session.end');
  const error = ((end?.data as { error?: Record<string, unknown> } | undefined)?.error ?? events.find((e) => e.kind === 'error')?.data) as
    Record<string, unknown> | undefined;
  if (error) {
    const details = Array.isArray(error.details) ? (error.details as FieldError[]).filter((d) => d && typeof d === 'object' && 'loc' in d) : [];
    return {
      state: 'error',
      status: typeof error.httpStatus === 'number' ? error.httpStatus : null,
      code: String(error.code ?? 'ERROR'),
      message: String(error.message ?? ''),
      requestId: error.requestId as string | undefined,
      fieldErrors: details,
    };
  }
  return { state: 'pending' };
}
