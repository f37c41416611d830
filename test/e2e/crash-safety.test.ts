import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { createCore } from '../../src-main/core/core.ts';
import { KeychainSecretStore } from '../../src-main/core/secrets/store.ts';

// Issue 9.3: SIGKILL the core in the middle of a streaming session; after a restart the session is listed as
// interrupted and every event acknowledged more than 250 ms before the kill is in its record.
describe('crash safety', () => {
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
  });

  it('keeps every event older than 250 ms when the core is killed mid-stream', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
    h = await startHarness({ coreProcess: true, dataDir });
    const keychainService = h.keychainService;
    const sessionId = await h.page.evaluate(async () => {
      const profiles = await window.parley.invoke('profiles.list', {});
      const convai = profiles.find((p) => p.vendor === 'convai')!;
      const vendors = await window.parley.invoke('vendors.list', {});
      const op = vendors.find((v) => v.id === 'convai')!.operations[0]!;
      const started = await window.parley.invoke('session.start', { profileId: convai.id, operation: op.id, payload: op.example });
      return started.sessionId!;
    });
    // Stream room events from the page as fast as the core acknowledges them, remembering when each was acknowledged.
    await h.page.evaluate((id) => {
      const w = window as unknown as { acks: { n: number; at: number }[]; stop: boolean };
      w.acks = [];
      w.stop = false;
      void (async () => {
        for (let n = 1; !w.stop; n++) {
          try {
            await window.parley.invoke('session.record', {
              sessionId: id,
              events: [{ kind: 'room.caption', dir: 'in', summary: `caption ${n}`, data: { n } }],
            });
            w.acks.push({ n, at: Date.now() });
          } catch {
            return;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    }, sessionId);
    // Kill mid-stream once more than 20 events have been acknowledged for over 250 ms (however slow the machine is).
    await h.page.waitForFunction(() => (window as unknown as { acks: { at: number }[] }).acks.filter((a) => a.at < Date.now() - 250).length > 20, undefined, {
      polling: 50,
    });
    const killedAt = Date.now();
    h.coreChild!.kill('SIGKILL');
    await new Promise((r) => h!.coreChild!.once('exit', r));
    const acks = await h.page.evaluate(() => (window as unknown as { acks: { n: number; at: number }[] }).acks);
    const mustKeep = acks.filter((a) => a.at < killedAt - 250).map((a) => a.n);
    expect(mustKeep.length).toBeGreaterThan(20);

    const restarted = createCore({ dataDir, secrets: new KeychainSecretStore(keychainService) });
    try {
      const listed = (await restarted.handlers['session.list']({})).find((s) => s.id === sessionId);
      expect(listed?.state).toBe('interrupted');
      const { events, badLines } = await restarted.handlers['session.events']({ sessionId, limit: 100000 });
      const kept = new Set(events.filter((e) => e.kind === 'room.caption').map((e) => (e.data as { n: number }).n));
      expect(mustKeep.filter((n) => !kept.has(n))).toEqual([]);
      expect(badLines).toBeLessThanOrEqual(1); // at most the line being written at the kill
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    } finally {
      await restarted.close();
    }
  });
});
