import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { shippedVoice } from '../../src-main/core/voice/node/shipped.ts';
import type { CompareResult } from '../../src-main/core/workflows/compare.ts';
import { NETEASE_DEFAULT_SILENCE_MS } from '../../src-main/core/sandbox/rooms/netease-persona.ts';
import { BOT_DEFAULTS } from '../../src-main/core/voice/bot.ts';
import { join } from 'node:path';
import { ROOT } from './harness.ts';
import { agentConversation } from '../../src-main/core/workflows/turn-agent.ts';
import { tencent } from '../../src-main/core/vendors/tencent/index.ts';
import { netease } from '../../src-main/core/vendors/netease/index.ts';

/**
 * A comparison of the room vendors' sandboxes (and Mindcraft's socket beside them) in the app: the Tencent and
 * NetEase runs go through the turn agent in the page (hidden room frames, the vendors' room adapters, the sandbox
 * SDKs), so every run has the client-side figures, the recognised text and the bot's text.
 */
const voice = shippedVoice();

describe('compare: Tencent and NetEase sandbox rooms through the turn agent (E2E)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('two repetitions in parallel: every figure, the transcript and the bot text for every room run', async () => {
    const profiles = await h.core.handlers['profiles.list']({});
    const pick = (vendor: string) => profiles.find((p) => p.vendor === vendor && p.target === 'sandbox')!.id;
    const { id } = await h.core.handlers['compare.start']({
      plan: {
        name: 'rooms',
        input: { sample: 'hello-weather-en.wav' },
        repeat: 2,
        mode: 'parallel',
        entries: [{ profileId: pick('tencent') }, { profileId: pick('netease') }, { profileId: pick('mindcraft') }],
      },
    });
    let result: CompareResult | undefined;
    await expect.poll(async () => (result = await h.core.handlers['compare.get']({ id })).state, { timeout: 90_000, interval: 250 }).toBe('done');
    const heard = voice.utterances.find((u) => u.id === 'hello-weather-en')!.text;
    const answer = voice.replies.find((r) => r.id === 'weather-en')!.text;
    for (const vendor of ['tencent', 'netease'] as const) {
      const column = result!.columns.find((c) => c.vendor === vendor)!;
      const runs = result!.runs.filter((r) => r.entry === column.entry);
      expect(runs.map((r) => r.error ?? 'ok')).toEqual(['ok', 'ok']);
      for (const run of runs) {
        expect(Object.keys(run.figures).sort()).toEqual(['botAudioS', 'firstAudioMs', 'firstServerEventMs', 'setupMs', 'turnLatencyMs']);
        expect(run.figures.firstAudioMs!.source).toBe('measured');
        expect(run.figures.turnLatencyMs!.source).toBe('measured');
        // The bot cannot answer before its silence setting and think time have passed.
        const floor = (vendor === 'tencent' ? 1000 : NETEASE_DEFAULT_SILENCE_MS) + BOT_DEFAULTS.thinkMs;
        expect(run.figures.turnLatencyMs!.value).toBeGreaterThanOrEqual(floor - 60);
        expect(run.figures.botAudioS!.value).toBeGreaterThan(2);
        expect(run.transcript).toBe(heard);
        expect(run.botText).toBe(answer);
        const kinds = h.core.sessions.events(run.sessionId!, 0, 100_000).events.map((e) => e.kind);
        expect(kinds).toEqual(expect.arrayContaining(['agent.turn', 'agent.claimed', 'room.joined', 'agent.user-text', 'agent.bot-text']));
      }
    }
    expect(result!.runs.filter((r) => r.entry === 2).every((r) => r.ok)).toBe(true);
  }, 120_000);

  it('interrupted turns: Tencent by its 20001 message, NetEase by speech over the bot; recovery measured, the answer cut short; twice', async () => {
    const profiles = await h.core.handlers['profiles.list']({});
    const story = voice.replies.find((r) => r.replyTo === 'robot-story-en')!;
    const cases = [
      {
        vendor: tencent,
        operation: 'StartAIConversation',
        payload: () => ({
          ...structuredClone(tencent.operations.find((o) => o.id === 'StartAIConversation')!.example),
          SessionId: `int-${Date.now()}`,
          RoomId: `int-${Date.now()}`,
        }),
        by: 'message' as const,
      },
      {
        vendor: netease,
        operation: 'create',
        payload: () => ({ ...structuredClone(netease.operations.find((o) => o.id === 'create')!.example), cname: `int-${Date.now()}` }),
        by: 'speech' as const,
      },
    ];
    for (const c of cases)
      for (const round of [1, 2]) {
        const profileId = profiles.find((p) => p.vendor === c.vendor.id && p.target === 'sandbox')!.id;
        const sessionId = (await h.core.handlers['session.start']({ profileId, operation: c.operation, payload: c.payload() })).sessionId!;
        const op = c.vendor.operations.find((o) => o.id === c.operation)!;
        const conversation = await agentConversation(h.core.sessions, sessionId, c.vendor.id, op);
        const m = await conversation.turn({
          input: { wav: join(ROOT, 'resources', 'utterances', 'robot-story-en.wav') },
          interrupt: { afterMs: 1000, by: c.by, ...(c.by === 'speech' ? { wav: join(ROOT, 'resources', 'utterances', 'hello-weather-en.wav') } : {}) },
          timeoutMs: 60_000,
        });
        await conversation.close();
        await h.core.handlers['session.stop']({ sessionId });
        expect(m.transport, `${c.vendor.id} round ${round}`).toBe('agent');
        expect(m.interruptionRecoveryMs, JSON.stringify(m)).not.toBeNull();
        // Stopped within a few frames and the player's block: far less than the rest of the story.
        expect(m.interruptionRecoveryMs!).toBeLessThan(600);
        expect(m.botAudioS!).toBeLessThan(story.audio.samples.length / 16000 / 2);
        expect(m.firstAudioMs).not.toBeNull();
        expect(m.setupMs).not.toBeNull();
      }
  }, 180_000);
});
