import { afterEach, describe, expect, it } from 'vitest';
import { conversationView } from '../../../src-renderer/src/vendors/mindcraft/conversation.ts';
import { SegmentFeeder } from '../../../src-renderer/src/vendors/mindcraft/playback.ts';
import { SegmentPlayer } from '../../../src-renderer/src/audio/segment-player.ts';
import type { NewEvent } from '../../../src-main/core/events.ts';
import mp3a from '../../../resources/mindcraft/answer-en-0.mp3?url';
import mp3b from '../../../resources/mindcraft/answer-en-1.mp3?url';
import mp3c from '../../../resources/mindcraft/answer-en-2.mp3?url';
import { ev, llm, segment, startFrame, stopUploadFrame, tts } from './fixtures.ts';
import { until } from '../support/mount.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('conversationView', () => {
  it('builds turns from events: ASR, emotion, llm text beside its segment, metrics, both placements, stop form', () => {
    const v = conversationView([
      ev('mindcraft.auth', { method: 'api_key', confirmedBy: '2002 auth_succeeded' }, 'local'),
      startFrame(),
      stopUploadFrame('agent_action'),
      ev('mindcraft.asr', { text: 'Hello, what', final: false }),
      ev('mindcraft.asr', { text: 'Hello, what is the weather like today?', final: true }),
      ev('mindcraft.emotion', { emotion: 'happy', placement: 'top-level' }),
      llm(1, 'second'),
      llm(0, 'first'),
      tts(0, 2.8),
      segment(1, 0, 'turn-1-bot-000.mp3', 'first'),
      segment(1, 1, null),
      ev('metric', { name: 'mindcraft.first_asr_ms', value: 12, unit: 'ms', turn: 1, source: 'measured' }, 'local'),
      ev('mindcraft.turn', { turn: 1, state: 'done' }, 'local'),
      startFrame('and tomorrow?'),
    ]);
    expect(v.auth).toEqual({ method: 'api_key', confirmedBy: '2002 auth_succeeded' });
    expect(v.placements).toEqual(['top-level (1003)', 'socket_data (1007)']);
    expect(v.stopUploadForms).toEqual(['agent_action']);
    expect(v.turns).toHaveLength(2);
    const [t1, t2] = v.turns;
    expect(t1).toMatchObject({
      turn: 1,
      kind: 'voice',
      state: 'done',
      asrText: 'Hello, what is the weather like today?',
      asrFinal: true,
      emotion: 'happy',
      metrics: { 'mindcraft.first_asr_ms': 12 },
    });
    expect(t1!.segments).toEqual([
      { zIndex: 0, text: 'first', audioSeconds: 2.8, file: 'turn-1-bot-000.mp3' },
      { zIndex: 1, text: 'second', missing: 'HTTP_404: gone' },
    ]);
    expect(t1!.referenceAt).toBe(Date.parse('2026-01-01T00:00:00.000Z') + 20);
    expect(t2).toMatchObject({ turn: 2, kind: 'text', state: 'waiting', userText: 'and tomorrow?' });
  });

  it('a session that ends mid-turn shows the turn as failed or interrupted', () => {
    expect(conversationView([startFrame('x'), ev('session.end', { ok: false }, 'local')]).turns[0]!.state).toBe('failed');
  });
});

describe('SegmentFeeder with the real player', () => {
  let player: SegmentPlayer | null = null;
  afterEach(async () => {
    await player?.close();
    player = null;
  });

  async function files(): Promise<Record<string, Uint8Array>> {
    const out: Record<string, Uint8Array> = {};
    for (const [name, url] of [
      ['a.mp3', mp3a],
      ['b.mp3', mp3b],
      ['c.mp3', mp3c],
    ] as const)
      out[name] = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return out;
  }

  it('plays segments that arrive out of order in z_index order with gaps ≤ 30 ms, and records the schedule and the audible latency', async () => {
    player = new SegmentPlayer({ lateTimeoutMs: 2000 });
    const bytes = await files();
    const recorded: NewEvent[] = [];
    const feeder = new SegmentFeeder({
      player,
      readFile: async (name) => {
        if (name === 'a.mp3') await sleep(150); // the first segment is slow to arrive
        return bytes[name]!;
      },
      record: (evs) => recorded.push(...evs),
    });
    const stop = stopUploadFrame();
    (stop as { at: string }).at = new Date(Date.now()).toISOString();
    feeder.feed([startFrame(), stop, segment(1, 2, 'c.mp3', 'third'), segment(1, 1, 'b.mp3', 'second'), segment(1, 0, 'a.mp3', 'first')]);
    await until(() => recorded.filter((e) => e.kind === 'audio.playback').length === 3 && recorded.some((e) => e.kind === 'metric'));
    const playback = recorded
      .filter((e) => e.kind === 'audio.playback')
      .map((e) => e.data as { z_index: number; scheduledStart: number; scheduledEnd: number });
    expect(playback.map((p) => p.z_index)).toEqual([0, 1, 2]);
    for (let i = 1; i < playback.length; i++) {
      const gapMs = (playback[i]!.scheduledStart - playback[i - 1]!.scheduledEnd) * 1000;
      expect(gapMs).toBeGreaterThanOrEqual(0);
      expect(gapMs).toBeLessThanOrEqual(30);
    }
    const metric = recorded.find((e) => e.kind === 'metric')!.data as { name: string; value: number; turn: number };
    expect(metric).toMatchObject({ name: 'turn_latency_ms', turn: 1 });
    // ≥ the 150 ms slow read plus the scheduling lead; well under a second.
    expect(metric.value).toBeGreaterThanOrEqual(150);
    expect(metric.value).toBeLessThan(1000);
    const scheduled = player.timings.filter((t) => t.scheduledStart !== null).sort((a, b) => a.scheduledStart! - b.scheduledStart!);
    expect(scheduled.map((t) => t.text)).toEqual(['first', 'second', 'third']);
    feeder.dispose();
  });

  it('skips a segment main could not fetch at once, and stops everything on interrupt', async () => {
    player = new SegmentPlayer({ lateTimeoutMs: 5000 });
    const bytes = await files();
    const recorded: NewEvent[] = [];
    const feeder = new SegmentFeeder({ player, readFile: async (n) => bytes[n]!, record: (evs) => recorded.push(...evs) });
    const t0 = performance.now();
    feeder.feed([startFrame('hi'), segment(1, 0, null), segment(1, 1, 'b.mp3', 'second')]);
    await sleep(300);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(recorded.filter((e) => e.kind === 'audio.playback').map((e) => (e.data as { z_index: number }).z_index)).toEqual([1]);
    feeder.feed([
      startFrame('hi'),
      segment(1, 0, null),
      segment(1, 1, 'b.mp3', 'second'),
      ev('audio.interrupt', { turn: 1 }, 'local'),
      segment(1, 2, 'c.mp3', 'late'),
    ]);
    await sleep(200);
    expect(player.timings.find((t) => t.text === 'second')!.status).toBe('interrupted');
    expect(player.timings.some((t) => t.text === 'late')).toBe(false);
    feeder.dispose();
  });
});
