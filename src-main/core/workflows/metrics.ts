/**
 * The comparison figures of one session, from its event stream. A figure the vendor (or its client code)
 * emitted as a standard `metric` event wins; where none was emitted, it is derived generically from the
 * events every vendor produces, and marked `derived` so tables can say so.
 */
import { STANDARD_METRICS, type MetricData, type SessionEvent } from '../events.ts';

export interface Figure {
  value: number;
  /** reported by the vendor, measured by the vendor client, or derived here from the event stream. */
  source: 'reported' | 'measured' | 'derived';
}

export interface SessionFigures {
  setupMs?: Figure;
  firstServerEventMs?: Figure;
  firstAudioMs?: Figure;
  turnLatencyMs?: Figure;
  botAudioS?: Figure;
  transcript: string;
  botText: string;
  /** Every metric event by name (first turn wins for per-turn figures), for latency budgets and vendor figures. */
  metrics: Record<string, number>;
}

const AUDIO_KINDS = new Set(['audio.segment', 'audio.chunk']);

export function metricOf(e: SessionEvent): MetricData | undefined {
  if (e.kind !== 'metric' || !e.data || typeof e.data !== 'object') return undefined;
  const d = e.data as Partial<MetricData>;
  return typeof d.name === 'string' && typeof d.value === 'number' ? (d as MetricData) : undefined;
}

/** All metric values by name. Per-turn figures keep the first turn; `bot_audio_s` is summed when split by turn. */
export function metricValues(events: SessionEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  const turnsSeen: Record<string, Set<number>> = {};
  for (const e of events) {
    const m = metricOf(e);
    if (!m) continue;
    if (m.name === STANDARD_METRICS.botAudio && m.turn !== undefined) {
      const seen = (turnsSeen[m.name] ??= new Set());
      if (!seen.has(m.turn)) out[m.name] = (out[m.name] ?? 0) + m.value;
      seen.add(m.turn);
    } else if (!(m.name in out)) out[m.name] = m.value;
  }
  return out;
}

function reported(events: SessionEvent[], name: string): Figure | undefined {
  for (const e of events) {
    const m = metricOf(e);
    if (m && m.name === name) {
      if (name === STANDARD_METRICS.botAudio) return { value: metricValues(events)[name]!, source: m.source };
      return { value: m.value, source: m.source };
    }
  }
  return undefined;
}

const isBotAudio = (e: SessionEvent) => AUDIO_KINDS.has(e.kind) && e.dir !== 'out';
/** The user speaking or typing: outgoing audio (socket frames, room tracks, uploads) or a text turn. */
const isUserInput = (e: SessionEvent) =>
  e.dir === 'out' && (e.kind === 'ws.binary' || e.kind.startsWith('audio.') || /^room\.(microphone|wav|track)/.test(e.kind) || /(^|\.)text$/.test(e.kind));
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Derivations used when no metric was emitted:
 * - setup: the first control-plane HTTP response's durationMs plus the time before it was sent (session start to
 *   response), else session start to the socket's `ws.open`.
 * - first server event: session start to the first event with dir `in`.
 * - first audio: the first user input (outgoing audio or text) to the first incoming `audio.segment` / `audio.chunk`
 *   (session start when nothing was sent).
 * - turn latency: the last outgoing event before the first bot audio (stop upload / the last speech frame / the
 *   text turn; not a request fetching the answer) to that audio. It is the user's side finishing, whatever the
 *   vendor calls it.
 * - bot audio: the sum of `audio_seconds` / `durationS` / `seconds` on audio.segment events.
 */
export function sessionFigures(events: SessionEvent[]): SessionFigures {
  const figures: SessionFigures = { transcript: '', botText: '', metrics: metricValues(events) };

  figures.setupMs = reported(events, STANDARD_METRICS.setup);
  if (!figures.setupMs) {
    const response = events.find((e) => e.kind === 'http.response');
    const open = events.find((e) => e.kind === 'ws.open');
    const at = response ?? open;
    if (at) figures.setupMs = { value: round(at.t), source: 'derived' };
  }

  figures.firstServerEventMs = reported(events, STANDARD_METRICS.firstServerEvent);
  const firstIn = events.find((e) => e.dir === 'in');
  if (!figures.firstServerEventMs && firstIn) figures.firstServerEventMs = { value: round(firstIn.t), source: 'derived' };

  const firstAudio = events.find(isBotAudio);
  figures.firstAudioMs = reported(events, STANDARD_METRICS.firstAudio);
  if (!figures.firstAudioMs && firstAudio) {
    // Timed from the turn's own start (the first speech or text the user sent), not from the session start.
    const turnStart = events.find((e) => e.seq < firstAudio.seq && isUserInput(e));
    figures.firstAudioMs = { value: round(firstAudio.t - (turnStart?.t ?? 0)), source: 'derived' };
  }

  figures.turnLatencyMs = reported(events, STANDARD_METRICS.turnLatency);
  if (!figures.turnLatencyMs && firstAudio) {
    // A request after the user's last input is the client fetching the answer (Mindcraft's first mp3, sent just
    // before that audio arrives), not the user finishing: it does not count.
    const before = events.filter((e) => e.dir === 'out' && e.seq < firstAudio.seq);
    const lastInput = before.filter(isUserInput).at(-1);
    const lastOut = before.filter((e) => !(lastInput && e.seq > lastInput.seq && e.kind === 'http.request')).at(-1);
    if (lastOut) figures.turnLatencyMs = { value: round(firstAudio.t - lastOut.t), source: 'derived' };
  }

  figures.botAudioS = reported(events, STANDARD_METRICS.botAudio);
  if (!figures.botAudioS) {
    let total = 0;
    let any = false;
    for (const e of events) {
      if (e.kind !== 'audio.segment' || !e.data || typeof e.data !== 'object') continue;
      const d = e.data as Record<string, unknown>;
      const s = [d.audio_seconds, d.audioSeconds, d.durationS, d.seconds].find((v) => typeof v === 'number') as number | undefined;
      if (s !== undefined) {
        total += s;
        any = true;
      }
    }
    if (any) figures.botAudioS = { value: Math.round(total * 1000) / 1000, source: 'derived' };
  }

  const { user, bot } = conversationText(events);
  figures.transcript = user;
  figures.botText = bot;
  return figures;
}

/**
 * The user's transcript and the bot's text. Convention for vendors: an event whose data has
 * `{role: 'user' | 'bot', text}` (final ones; `final: false` is skipped). As a fallback the well-known wire
 * fields are read: `text` of `*.asr` / `*.llm` kinds, `asr_content` / `transcript` (user) and `llm_response` /
 * `bot_text` (bot), deduplicated.
 */
/** Vendor kinds whose `text` is the user's recognised speech / the bot's answer (`mindcraft.asr`, `mindcraft.llm`). */
const USER_TEXT_KIND = /\.(asr|transcript|user_text)$/;
const BOT_TEXT_KIND = /\.(llm|bot_text|agent_text)$/;

export function conversationText(events: SessionEvent[]): { user: string; bot: string } {
  const user: string[] = [];
  const bot: string[] = [];
  const push = (list: string[], t: unknown) => {
    if (typeof t === 'string' && t.trim() && list.at(-1) !== t.trim()) list.push(t.trim());
  };
  for (const e of events) {
    if (e.dir === 'out' || !e.data || typeof e.data !== 'object' || Array.isArray(e.data)) continue;
    const d = e.data as Record<string, unknown>;
    if (d.final === false) continue;
    if (d.role === 'user') push(user, d.text);
    else if (d.role === 'bot' || d.role === 'assistant' || d.role === 'agent') push(bot, d.text);
    else if (USER_TEXT_KIND.test(e.kind)) push(user, d.text);
    else if (BOT_TEXT_KIND.test(e.kind)) {
      // An answer segment may carry the recognised question too (Mindcraft llm.asr_content).
      if (!user.length) push(user, d.asr_content);
      push(bot, d.text ?? d.llm_response);
    } else {
      push(user, d.asr_content ?? d.transcript);
      push(bot, d.llm_response ?? d.bot_text);
    }
  }
  return { user: user.join(' '), bot: bot.join(' ') };
}
