import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

// The harness itself: window.parley reaches the real core, errors keep their code, pushes arrive.
describe('E2E harness bridge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves the operation table to the page and seeds one sandbox profile per vendor', async () => {
    const profiles = await h.page.evaluate(() => window.parley.invoke('profiles.list', {}));
    expect(profiles.map((p) => p.vendor).sort()).toEqual(['convai', 'mindcraft', 'netease', 'tencent']);
    expect(profiles.every((p) => p.target === 'sandbox')).toBe(true);
  });

  it('rejects bad arguments with the field named, as the IPC router does', async () => {
    const error = await h.page.evaluate(() =>
      window.parley.invoke('secrets.status', { profileId: 42 } as never).then(
        () => null,
        (e: Error & { code?: string }) => ({ message: e.message, code: e.code }),
      ),
    );
    expect(error).toEqual({ code: 'BAD_ARGUMENTS', message: expect.stringContaining('/profileId: expected string') });
  });
});
