import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { conversationText, sessionFigures } from '../../../src-main/core/workflows/metrics.ts';

let seq = 0;
const ev = (t: number, kind: string, dir: SessionEvent['dir'], data?: unknown): SessionEvent => ({ seq: ++seq, t, at: '', kind, dir, summary: kind, data });

describe('session figures', () => {
  it('derives every figure from a socket turn when the vendor emitted no metric', () => {
    const events = [
      ev(0, 'session.start', 'local'),
      ev(40, 'ws.open', 'local'),
      ev(55, 'mindcraft.status', 'in', { status: 1008 }),
      ev(60, 'ws.binary', 'out'),
      ev(900, 'mindcraft.stop_upload', 'out'),
      ev(1200, 'mindcraft.llm', 'in', { asr_content: 'hello there', llm_response: 'Hi!', z_index: 0 }),
      ev(1250, 'mindcraft.llm', 'in', { asr_content: 'hello there', llm_response: 'How can I help?', z_index: 1 }),
      ev(1400, 'audio.segment', 'in', { audio_seconds: 1.25 }),
      ev(1500, 'audio.segment', 'in', { audio_seconds: 0.75 }),
      ev(1600, 'mindcraft.agent_stop', 'in'),
    ];
    const f = sessionFigures(events);
    expect(f.setupMs).toEqual({ value: 40, source: 'derived' });
    expect(f.firstServerEventMs).toEqual({ value: 55, source: 'derived' });
    // From the turn's first speech frame (t 60), not from the session start.
    expect(f.firstAudioMs).toEqual({ value: 1340, source: 'derived' });
    expect(f.turnLatencyMs).toEqual({ value: 500, source: 'derived' });
    expect(f.botAudioS).toEqual({ value: 2, source: 'derived' });
    expect(f.transcript).toBe('hello there');
    expect(f.botText).toBe('Hi! How can I help?');
    // The client fetching the first mp3 just before it arrives is not the user finishing.
    const fetched = [...events.slice(0, 7), ev(1385, 'http.request', 'out'), ev(1398, 'http.response', 'in'), ...events.slice(7)].map((e, i) => ({
      ...e,
      seq: i + 1,
    }));
    expect(sessionFigures(fetched).turnLatencyMs).toEqual({ value: 500, source: 'derived' });
  });

  it('first audio does not count the time the user sat idle before speaking', () => {
    const idle = [
      ev(0, 'session.start', 'local'),
      ev(40, 'ws.open', 'local'),
      ev(15_000, 'ws.binary', 'out'),
      ev(15_900, 'mindcraft.stop_upload', 'out'),
      ev(18_300, 'audio.segment', 'in', { audio_seconds: 1 }),
    ];
    expect(sessionFigures(idle).firstAudioMs).toEqual({ value: 3300, source: 'derived' });
  });

  it('prefers metric events; bot audio split per turn is summed, other per-turn figures keep the first turn', () => {
    const events = [
      ev(0, 'session.start', 'local'),
      ev(10, 'http.response', 'in', { status: 200, durationMs: 9 }),
      ev(20, 'metric', 'local', { name: 'setup_ms', value: 12.5, unit: 'ms', source: 'measured' }),
      ev(30, 'metric', 'local', { name: 'turn_latency_ms', value: 640, unit: 'ms', turn: 1, source: 'reported' }),
      ev(31, 'metric', 'local', { name: 'turn_latency_ms', value: 990, unit: 'ms', turn: 2, source: 'reported' }),
      ev(32, 'metric', 'local', { name: 'bot_audio_s', value: 1.5, unit: 's', turn: 1, source: 'measured' }),
      ev(33, 'metric', 'local', { name: 'bot_audio_s', value: 2.5, unit: 's', turn: 2, source: 'measured' }),
      ev(34, 'metric', 'local', { name: 'tencent.llm_ms', value: 300, unit: 'ms', source: 'reported' }),
    ];
    const f = sessionFigures(events);
    expect(f.setupMs).toEqual({ value: 12.5, source: 'measured' });
    expect(f.turnLatencyMs).toEqual({ value: 640, source: 'reported' });
    expect(f.botAudioS).toEqual({ value: 4, source: 'measured' });
    expect(f.firstAudioMs).toBeUndefined();
    expect(f.metrics['tencent.llm_ms']).toBe(300);
  });

  it('an HTTP-only session has setup from the response and no audio figures', () => {
    const f = sessionFigures([ev(0, 'session.start', 'local'), ev(1, 'http.request', 'out'), ev(85, 'http.response', 'in', { status: 200 })]);
    expect(f.setupMs?.value).toBe(85);
    expect(f.firstServerEventMs?.value).toBe(85);
    expect(f.turnLatencyMs).toBeUndefined();
  });

  it('reads the role/text convention and skips partial texts', () => {
    expect(
      conversationText([
        ev(1, 'tencent.subtitle', 'in', { role: 'user', text: 'hel', final: false }),
        ev(2, 'tencent.subtitle', 'in', { role: 'user', text: 'hello' }),
        ev(3, 'tencent.subtitle', 'in', { role: 'bot', text: 'hi there' }),
        ev(4, 'x', 'out', { role: 'user', text: 'not a server event' }),
      ]),
    ).toEqual({ user: 'hello', bot: 'hi there' });
  });
});
