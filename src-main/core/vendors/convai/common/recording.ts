/**
 * Recorded data-channel sequences: what a Convai room sent, with timing, so it can be replayed through the same
 * parser and player (no LiveKit server runs in the sandbox; support staff replay a customer's log).
 *
 * Two inputs are accepted:
 * - a sequence file `{ "format": "parley.convai.sequence", "version": 1, "messages": [{ "t": ms, "message": {...} }] }`
 *   (resources/convai/sequences/*.json);
 * - a Parley session record (NDJSON, one event a line): every `convai.*` event whose `data` holds the original
 *   message is replayed at its recorded time. Audio bytes are not kept in records, so those replay log-only.
 * Pure: parsing never throws, it reports what it skipped.
 */
export interface RecordedMessage {
  /** ms since the start of the sequence */
  t: number;
  message: Record<string, unknown>;
}

export interface RecordedSequence {
  format: 'parley.convai.sequence';
  version: 1;
  title: string;
  description?: string;
  /** The connect payload's audio_config.output the sequence was recorded with, for the panel's labels. */
  audio_routing?: 'audio_only' | 'data_only' | 'both';
  messages: RecordedMessage[];
}

export type RecordingParse = { ok: true; sequence: RecordedSequence; skipped: number } | { ok: false; error: string };

export const SEQUENCE_FORMAT = 'parley.convai.sequence';

export function parseRecording(text: string, name = 'recording'): RecordingParse {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: `${name}: the file is empty` };
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      return { ok: false, error: `${name}: not valid JSON (${(err as Error).message})` };
    }
    return fromSequence(doc, name);
  }
  return fromSessionRecord(trimmed, name);
}

function fromSequence(doc: unknown, name: string): RecordingParse {
  const d = doc as Partial<RecordedSequence> | null;
  if (!d || d.format !== SEQUENCE_FORMAT) return { ok: false, error: `${name}: expected "format": "${SEQUENCE_FORMAT}" (or a Parley session record, NDJSON)` };
  if (!Array.isArray(d.messages)) return { ok: false, error: `${name}: "messages" must be an array of { t, message }` };
  let skipped = 0;
  const messages: RecordedMessage[] = [];
  for (const m of d.messages) {
    if (m && typeof m.t === 'number' && m.t >= 0 && m.message && typeof m.message === 'object') messages.push({ t: m.t, message: m.message });
    else skipped++;
  }
  messages.sort((a, b) => a.t - b.t);
  return {
    ok: true,
    skipped,
    sequence: { format: SEQUENCE_FORMAT, version: 1, title: d.title ?? name, description: d.description, audio_routing: d.audio_routing, messages },
  };
}

function fromSessionRecord(text: string, name: string): RecordingParse {
  const messages: RecordedMessage[] = [];
  let skipped = 0;
  let start: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: { kind?: string; t?: number; data?: unknown };
    try {
      e = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    // A line that is JSON but not an event object (null, a number, an array) is skipped like an unparseable one.
    if (!e || typeof e !== 'object' || Array.isArray(e)) {
      skipped++;
      continue;
    }
    if (typeof e.kind !== 'string' || !e.kind.startsWith('convai.') || e.kind === 'convai.connected' || e.kind.startsWith('convai.client')) continue;
    const data = e.data as Record<string, unknown> | undefined;
    if (!data || typeof data.type !== 'string' || typeof e.t !== 'number') {
      skipped++;
      continue;
    }
    start ??= e.t;
    messages.push({ t: e.t - start, message: data });
  }
  if (messages.length === 0)
    return { ok: false, error: `${name}: no Convai data-channel messages found (expected a sequence file or a Parley session record)` };
  return { ok: true, skipped, sequence: { format: SEQUENCE_FORMAT, version: 1, title: name, messages } };
}

/**
 * Play a sequence in time: `deliver` gets each message at its `t` (divided by `speed`). Returns a stop function.
 * Timing uses the injected scheduler so tests can run it instantly.
 */
export function replaySequence(
  sequence: RecordedSequence,
  deliver: (m: RecordedMessage, index: number) => void,
  opts: { speed?: number; onDone?: () => void; schedule?: (fn: () => void, ms: number) => unknown; cancel?: (handle: unknown) => void } = {},
): () => void {
  const speed = opts.speed && opts.speed > 0 ? opts.speed : 1;
  const schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = opts.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const handles = sequence.messages.map((m, i) =>
    schedule(() => {
      deliver(m, i);
      if (i === sequence.messages.length - 1) opts.onDone?.();
    }, m.t / speed),
  );
  if (sequence.messages.length === 0) opts.onDone?.();
  return () => handles.forEach(cancel);
}
