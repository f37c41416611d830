import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electronModule);
const { utilityProcessSpawner } = await import('../../../src-main/app/livekit-worker.ts');
const { LiveKitWorker, workerEntry } = await import('../../../src-main/core/livekit/worker-host.ts');
const { fakeUtilityProcess } = await import('./fake-electron.ts');

// The app starts the LiveKit worker as a utility process (the RunAsNode fuse is off): the spawner's surface against
// Electron's utilityProcess API, with a real worker process behind it.
describe('the LiveKit worker as a utility process', () => {
  it('forks the worker module with the environment it is given, relays its replies, and ends it', async () => {
    const worker = new LiveKitWorker(utilityProcessSpawner);
    expect(fakeUtilityProcess.forks.at(-1)).toMatchObject({
      modulePath: workerEntry(),
      options: { stdio: 'pipe', serviceName: 'Parley LiveKit worker', env: expect.objectContaining({ NODE_ENV: 'production' }) },
    });
    await expect(worker.request('bot.stop', { pid: 'none' })).resolves.toBeNull();
    await expect(worker.request('client.leave', { pid: 'none' })).resolves.toBeNull();
    await expect(worker.request('client.send', { pid: 'none', data: new Uint8Array([1]) })).rejects.toMatchObject({
      code: 'NOT_JOINED',
      message: 'no participant "none" in this worker (it left, or never joined)',
    });
    expect(worker.alive).toBe(true);
    await worker.close();
    expect(worker.alive).toBe(false);
    await expect(worker.request('bot.stop', { pid: 'none' })).rejects.toMatchObject({ code: 'LIVEKIT_WORKER' });
  }, 20_000);
});
