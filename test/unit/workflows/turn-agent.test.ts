import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.ts';
import type { SessionManager } from '../../../src-main/core/session/manager.ts';
import { AGENT_CLAIM_MS, TurnAgentHub, type AgentTurnResult } from '../../../src-main/core/workflows/turn-agent.ts';

const WAV = join(import.meta.dirname, '../../../resources/utterances/hello-weather-en.wav');
const RESULT: AgentTurnResult = {
  firstAudioMs: 2500,
  responseLatencyMs: 1800,
  botAudioS: 5.1,
  interruptionRecoveryMs: null,
  recognisedText: 'hi',
  botText: 'hello',
  why: {},
};

/** The part of the session engine the hub uses: what it records. */
function fakeManager(): { manager: SessionManager; recorded: NewEvent[] } {
  const recorded: NewEvent[] = [];
  const manager = { record: (_id: string, events: NewEvent[]) => recorded.push(...events) } as unknown as SessionManager;
  return { manager, recorded };
}
const turnIdOf = (recorded: NewEvent[]) => (recorded.find((e) => e.kind === 'agent.turn')!.data as { turnId: string }).turnId;

describe('turn agent hub: core asks, the first page claims, the agent reports', () => {
  afterEach(() => vi.useRealTimers());

  it('asks through an agent.turn event, hands the speech to the first claim only, resolves with the result; twice', async () => {
    const { manager, recorded } = fakeManager();
    const hub = new TurnAgentHub(manager);
    for (const turn of [1, 2]) {
      const pending = hub.request('s1', 'tencent', turn, { input: { wav: WAV }, timeoutMs: 30_000 });
      const turnId = turnIdOf(recorded.filter((e) => (e.data as { turn?: number } | undefined)?.turn === turn));
      expect(() => hub.claim('other-session', turnId)).toThrow(/has no turn/);
      const input = hub.claim('s1', turnId);
      expect(input).toMatchObject({ vendor: 'tencent', turn, wavName: 'hello-weather-en.wav', timeoutMs: 30_000 });
      expect(Buffer.from(input.wav, 'base64').subarray(0, 4).toString()).toBe('RIFF');
      expect(() => hub.claim('s1', turnId)).toThrow(/already taken/);
      hub.finish('s1', turnId, { result: RESULT });
      await expect(pending).resolves.toEqual(RESULT);
      expect(() => hub.finish('s1', turnId, { result: RESULT })).toThrow(/no claimed turn/);
    }
  });

  it('a turn nobody claims fails with NO_TURN_AGENT and says where room turns run; an agent error reaches the caller', async () => {
    vi.useFakeTimers();
    const { manager, recorded } = fakeManager();
    const hub = new TurnAgentHub(manager);
    const unclaimed = hub.request('s1', 'netease', 1, { input: { wav: WAV }, timeoutMs: 30_000 });
    const caught = unclaimed.catch((e: Error & { code?: string }) => e);
    await vi.advanceTimersByTimeAsync(AGENT_CLAIM_MS + 1);
    const error = await caught;
    expect((error as { code?: string }).code).toBe('NO_TURN_AGENT');
    expect((error as Error).message).toMatch(/Parley's window .* headless Chromium/);
    expect(() => hub.claim('s1', turnIdOf(recorded))).toThrow(/has no turn/);

    const failing = hub.request('s1', 'netease', 2, { input: { wav: WAV }, timeoutMs: 30_000 });
    const second = recorded.filter((e) => e.kind === 'agent.turn').at(-1)!;
    const id = (second.data as { turnId: string }).turnId;
    hub.claim('s1', id);
    hub.finish('s1', id, { error: 'could not enter the TRTC room: refused' });
    await expect(failing).rejects.toThrow(/turn 2: could not enter the TRTC room/);
  });

  it('room turns are available once a page said agent.ready (a CLI run without a browser has none)', () => {
    const hub = new TurnAgentHub(fakeManager().manager);
    expect(hub.available).toBe(false);
    hub.markReady();
    expect(hub.available).toBe(true);
  });

  it('the hub takes speech only: text reaching it is refused with the reason (the conversation speaks text first)', () => {
    const hub = new TurnAgentHub(fakeManager().manager);
    expect(() => hub.request('s1', 'tencent', 1, { input: { text: 'hello' }, timeoutMs: 1000 })).toThrow(/takes speech \(a WAV file\) only/);
  });

  it("a page is launched once, by the first turn that needs one; a failed launch is every later turn's error; none to launch says where turns run", async () => {
    const bare = new TurnAgentHub(fakeManager().manager);
    await expect(bare.ensureListening('netease')).rejects.toMatchObject({
      code: 'NO_TURN_AGENT',
      message: expect.stringMatching(/Parley's window .* headless Chromium/),
    });

    const hub = new TurnAgentHub(fakeManager().manager);
    let launches = 0;
    hub.launchWith(async () => {
      launches++;
      hub.markReady();
    });
    expect(hub.available).toBe(true);
    await Promise.all([hub.ensureListening('tencent'), hub.ensureListening('tencent')]);
    await hub.ensureListening('netease');
    expect(launches).toBe(1);

    const broken = new TurnAgentHub(fakeManager().manager);
    let tries = 0;
    broken.launchWith(async () => {
      tries++;
      throw new Error('no Chromium or Chrome was found');
    });
    await expect(broken.ensureListening('tencent')).rejects.toThrow(/no Chromium/);
    await expect(broken.ensureListening('tencent')).rejects.toThrow(/no Chromium/);
    expect(tries).toBe(1);
  });
});
