import { startHarness } from '../e2e/harness.ts';
import type { SessionEvent } from '../../src-main/core/events.ts';
import { atMost, percentile, type Figure } from './figure.ts';

/**
 * Issue 8.4, on the Mindcraft panel against its sandbox, nine text turns of three mp3 segments each:
 * - the gap between consecutive segments as scheduled on the AudioContext (from the player's audio.playback reports);
 * - the time from the first `mindcraft.tts` event of a turn arriving in core to its segment's audible start
 *   (AudioContext schedule + outputLatency, reported by the renderer). The sandbox's deliberate 250 ms delay on the
 *   first mp3 is switched off here: this times Parley's path (fetch in main, hand-over, decode, schedule).
 */
export async function run(): Promise<Figure[]> {
  process.env.PARLEY_MINDCRAFT_SANDBOX_SLOW_FIRST_MS = '0';
  const h = await startHarness({ viewport: { width: 1600, height: 1000 } });
  try {
    await h.page.click('[data-vendor="mindcraft"] [data-test="profile-item"]');
    await h.page.click('[data-test="send"]');
    const sid = (await h.page.locator('.lower-head .sid').textContent())!.trim();
    const events = (): SessionEvent[] => h.core.sessions.events(sid, 0, 100_000).events;
    const waitFor = async (what: string, ok: () => boolean, ms = 20_000) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`audio bench: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await h.page.locator('[data-test="text"]:not([disabled])').waitFor({ timeout: 20_000 });
    const TURNS = 9;
    for (let turn = 1; turn <= TURNS; turn++) {
      await h.page.locator('[data-test="text"]').fill(`Benchmark turn ${turn}: tell me something short.`);
      await h.page.click('[data-test="send-text"]');
      await waitFor(
        `turn ${turn} to play`,
        () => events().filter((e) => e.kind === 'audio.playback' && (e.data as { turn: number }).turn === turn).length >= 3,
      );
      await waitFor(`turn ${turn} to end`, () => events().some((e) => e.kind === 'mindcraft.turn' && (e.data as { turn?: number })?.turn === turn));
    }
    const all = events();
    const gaps: number[] = [];
    const latencies: number[] = [];
    const fetches: number[] = [];
    for (let turn = 1; turn <= TURNS; turn++) {
      const plays = all
        .filter((e) => e.kind === 'audio.playback' && (e.data as { turn: number }).turn === turn)
        .map((e) => e.data as { z_index: number; scheduledStart: number; scheduledEnd: number; audibleAt: string })
        .sort((a, b) => a.z_index - b.z_index);
      for (let i = 1; i < plays.length; i++) gaps.push((plays[i]!.scheduledStart - plays[i - 1]!.scheduledEnd) * 1000);
      // The tts frame announcing this turn's segment #0: the last one before main stored that segment.
      const segment = all.find(
        (e) => e.kind === 'audio.segment' && (e.data as { turn: number; z_index: number }).turn === turn && (e.data as { z_index: number }).z_index === 0,
      );
      const tts = all.filter((e) => e.kind === 'mindcraft.tts' && (e.data as { z_index: number }).z_index === 0 && segment && e.seq < segment.seq).at(-1);
      const first = plays[0];
      if (tts && first) latencies.push(Date.parse(first.audibleAt) - Date.parse(tts.at));
      if (tts && segment) fetches.push(Date.parse(segment.at) - Date.parse(tts.at));
    }
    return [
      atMost('audio.segment_gap_max', Math.max(...gaps), 'ms', 5, {
        note: `${gaps.length} segment boundaries over ${TURNS} turns; p50 ${percentile(gaps, 50).toFixed(3)} ms`,
      }),
      atMost('audio.tts_event_to_audible_p50', percentile(latencies, 50), 'ms', 150, {
        note: `per turn: ${latencies.join(', ')} ms (wall clock, ms resolution); of which mp3 fetched and stored by main: ${fetches.join(', ')} ms`,
      }),
      atMost('audio.tts_event_to_audible_p90', percentile(latencies, 90), 'ms', 150, {
        note: `max ${Math.max(...latencies)} ms (the first turn pays for decoder warm-up)`,
      }),
    ];
  } finally {
    delete process.env.PARLEY_MINDCRAFT_SANDBOX_SLOW_FIRST_MS;
    await h.close();
  }
}
