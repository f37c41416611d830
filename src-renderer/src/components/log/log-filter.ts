/** Pure parts of the event log: kind families and colours, the search matcher, time and hex formatting. */
import type { EventDirection, SessionEvent } from '../../../../src-main/core/events.ts';
import { NOISY_KINDS } from '../../../../src-main/core/events.ts';

export { NOISY_KINDS };

/**
 * Chip colours of the families every session shares: one hue each, readable on the dark background. A vendor's own
 * kinds (`mindcraft.asr`) are the vendor's family, in the vendor's colour (its descriptor's `color`).
 */
const SHARED_FAMILY_COLORS: Record<string, string> = {
  session: '#9aa5b8',
  http: '#5b9cf5',
  ws: '#36b7c9',
  room: '#a98bf0',
  audio: '#4fc08d',
  metric: '#e0b050',
  error: '#f06b6b',
};
const OTHER_COLOR = '#8a93a3';

/** The registered vendors as the log sees them: id → colour (from vendors.list). */
export type VendorColors = ReadonlyMap<string, string>;

/** `http.response` → `http`; any `*.error` or `error` → `error`; a vendor's own kinds → the vendor's id; else `other`. */
export function familyOf(kind: string, vendors: VendorColors): string {
  if (kind === 'error' || kind.endsWith('.error') || kind.endsWith('.fail')) return 'error';
  const head = kind.split('.')[0]!;
  if (Object.hasOwn(SHARED_FAMILY_COLORS, head) || vendors.has(head)) return head;
  return 'other';
}

export function familyColor(family: string, vendors: VendorColors): string {
  return SHARED_FAMILY_COLORS[family] ?? vendors.get(family) ?? OTHER_COLOR;
}

export function isNoisy(kind: string): boolean {
  return NOISY_KINDS.includes(kind);
}

export interface LogFilter {
  text: string;
  regex: boolean;
  showNoisy: boolean;
  dirs: Record<EventDirection, boolean>;
  hiddenFamilies: string[];
}

export interface Matcher {
  test(e: SessionEvent): boolean;
  /** Set when the regular expression does not compile; the matcher then lets everything through. */
  error: string | null;
}

const dataText = new WeakMap<SessionEvent, string>();
/** The searchable text of an event (data serialised once, on first search). */
function searchText(e: SessionEvent): string {
  let text = dataText.get(e);
  if (text === undefined) {
    text = e.data === undefined ? '' : JSON.stringify(e.data);
    dataText.set(e, text);
  }
  return text;
}

let warmQueue: SessionEvent[][] = [];
let warming = false;

/**
 * Serialise events' search text in idle time as they arrive, so the first search over 100k events only runs the
 * matcher instead of 100k JSON.stringify calls on the user's keystroke.
 */
export function warmSearchText(events: SessionEvent[]): void {
  if (!events.length) return;
  warmQueue.push(events);
  if (warming) return;
  warming = true;
  const idle = (cb: (d: { timeRemaining(): number }) => void) =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(cb, { timeout: 500 }) : setTimeout(() => cb({ timeRemaining: () => 8 }), 16);
  const step = (deadline: { timeRemaining(): number }) => {
    while (warmQueue.length && deadline.timeRemaining() > 1) {
      const batch = warmQueue[0]!;
      const end = Math.min(batch.length, 2000);
      for (let i = 0; i < end; i++) searchText(batch[i]!);
      if (end === batch.length) warmQueue.shift();
      else warmQueue[0] = batch.slice(end);
    }
    if (warmQueue.length) idle(step);
    else warming = false;
  };
  idle(step);
}

/** Drop pending warm-up work (the session being shown changed). */
export function cancelWarmSearchText(): void {
  warmQueue = [];
}

export function makeMatcher(f: LogFilter, vendors: VendorColors): Matcher {
  let error: string | null = null;
  let search: ((s: string) => boolean) | null = null;
  if (f.text) {
    if (f.regex) {
      try {
        const re = new RegExp(f.text, 'i');
        search = (s) => re.test(s);
      } catch (err) {
        error = (err as Error).message;
      }
    } else {
      const needle = f.text.toLowerCase();
      search = (s) => s.toLowerCase().includes(needle);
    }
  }
  // Read every setting now (not inside test) so a reactive caller tracks them all.
  const hidden = new Set(f.hiddenFamilies);
  const showNoisy = f.showNoisy;
  const dirs = { ...f.dirs };
  return {
    error,
    test(e) {
      if (!showNoisy && isNoisy(e.kind)) return false;
      if (!dirs[e.dir]) return false;
      if (hidden.size && hidden.has(familyOf(e.kind, vendors))) return false;
      if (search && !search(e.summary) && !search(e.kind) && !search(searchText(e))) return false;
      return true;
    },
  };
}

export function formatRelative(ms: number): string {
  if (ms < 1000) return `+${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(3)} s`;
  const m = Math.floor(ms / 60_000);
  return `+${m}:${((ms % 60_000) / 1000).toFixed(3).padStart(6, '0')}`;
}

export function formatWall(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Bytes an event carries: base64 audio/binary payloads when present, else the event's JSON as UTF-8. */
export function eventBytes(e: SessionEvent): Uint8Array {
  const data = e.data as Record<string, unknown> | undefined;
  const b64 =
    data && typeof data === 'object'
      ? (['base64', 'bytes', 'audio', 'payload'] as const)
          .map((k) => data[k])
          .find((v) => typeof v === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(v) && v.length >= 4)
      : undefined;
  if (typeof b64 === 'string') {
    try {
      return Uint8Array.from(atob(b64.replace(/\s/g, '')), (c) => c.charCodeAt(0));
    } catch {
      /* not base64 after all */
    }
  }
  return new TextEncoder().encode(JSON.stringify(e));
}

/** Classic 16-bytes-per-line hex dump (capped so a huge frame cannot freeze the pane). */
export function hexDump(bytes: Uint8Array, max = 64 * 1024): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, max);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes`);
  return lines.join('\n');
}
