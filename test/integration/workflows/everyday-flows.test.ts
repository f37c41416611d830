import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { CompareResult } from '../../../src-main/core/workflows/compare.ts';
import { MODE_EXAMPLES } from '../../../src-main/core/vendors/netease/common/schema.ts';

// The flows a user repeats every day, done twice in a row through createCore against the real sandboxes: a stopped
// session ends the vendor task it started, runs Parley starts never collide, "run again" replays what was said.
const WAV = resourcePath('utterances', 'hello-weather-en.wav');

async function until<T>(what: string, fn: () => T | Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe('everyday flows, twice (core + sandboxes)', () => {
  let core: Core;
  let profiles: Profile[];
  const dir = mkdtempSync(join(tmpdir(), 'parley-everyday-'));
  const byVendor = (v: string) => profiles.find((p) => p.vendor === v)!;
  const events = (id: string): SessionEvent[] => core.sessions.events(id, 0, 100_000).events;
  const kinds = (id: string) => events(id).map((e) => e.kind);

  async function tencentStart(over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const minted = await core.handlers['room.credential']({ profileId: byVendor('tencent').id, userId: 'bot_7' });
    return {
      SdkAppId: minted.params.sdkAppId,
      RoomId: 'room_fixed',
      RoomIdType: 1,
      SessionId: 'fixed-session',
      AgentConfig: { UserId: 'bot_7', UserSig: minted.credential, TargetUserId: 'console_1' },
      ...over,
    };
  }
  /** Start a room session and wait until its control plane is done (the task exists). */
  async function startRoom(profile: Profile, operation: string, payload: Record<string, unknown>): Promise<string> {
    const { sessionId, errors } = await core.handlers['session.start']({ profileId: profile.id, operation, payload });
    expect(errors).toBeUndefined();
    await until(
      'control plane done',
      () => kinds(sessionId!),
      (k) => k.includes('session.control-plane-done') || k.includes('session.end'),
    );
    expect(kinds(sessionId!)).toContain('session.control-plane-done');
    return sessionId!;
  }
  async function describeTask(taskId: string): Promise<unknown> {
    const { sessionId } = await core.handlers['session.start']({
      profileId: byVendor('tencent').id,
      operation: 'DescribeAIConversation',
      payload: { TaskId: taskId },
    });
    await until(
      'describe ended',
      () => core.sessions.isLive(sessionId!),
      (live) => !live,
    );
    return events(sessionId!).find((e) => e.kind === 'session.end')!.data;
  }

  beforeAll(async () => {
    core = createCore({ dataDir: join(dir, 'data'), secrets: new MemorySecretStore(), seedSandboxProfiles: true });
    profiles = await core.handlers['profiles.list']({});
  });
  afterAll(() => core.close());

  it('stopping a Tencent session stops its task (StopAIConversation in the same record), twice with the same payload', async () => {
    const payload = await tencentStart({ SessionId: '' });
    for (let i = 0; i < 2; i++) {
      const id = await startRoom(byVendor('tencent'), 'StartAIConversation', payload);
      const taskId = (events(id).find((e) => e.kind === 'tencent.StartAIConversation')!.data as { TaskId: string }).TaskId;
      const stopped = await core.handlers['session.stop']({ sessionId: id });
      expect(stopped).toMatchObject({ ok: true, summary: expect.stringContaining('task closed') });
      const k = kinds(id);
      expect(k.indexOf('tencent.StopAIConversation')).toBeGreaterThan(k.indexOf('session.stop'));
      expect(k).toContain('task.closed');
      expect(await describeTask(taskId)).toMatchObject({ ok: true, result: { Status: 'Stopped' } });
    }
  });

  it('"leave the task running" stops the session only; the task stays until StopAIConversation', async () => {
    const id = await startRoom(byVendor('tencent'), 'StartAIConversation', await tencentStart({ SessionId: 'kept-open' }));
    const taskId = (events(id).find((e) => e.kind === 'tencent.StartAIConversation')!.data as { TaskId: string }).TaskId;
    await core.handlers['session.stop']({ sessionId: id, closeTask: false });
    expect(kinds(id)).not.toContain('tencent.StopAIConversation');
    expect(events(id).find((e) => e.kind === 'session.stop')!.summary).toContain('leaving the vendor task running');
    expect(((await describeTask(taskId)) as { result: { Status: string } }).result.Status).not.toBe('Stopped');
  });

  it('stopping a NetEase session closes its task, so the same room can be created again right away', async () => {
    const payload = { ...structuredClone(MODE_EXAMPLES.parameters), cname: 'everyday-room' };
    for (let i = 0; i < 2; i++) {
      const id = await startRoom(byVendor('netease'), 'create', payload);
      await core.handlers['session.stop']({ sessionId: id });
      expect(kinds(id)).toEqual(expect.arrayContaining(['netease.task-created', 'netease.task-closed', 'task.closed']));
    }
  });

  it("a comparison run twice never collides on the payload's fixed RoomId / SessionId / cname, and closes every task", async () => {
    const entries = [
      { profileId: byVendor('tencent').id, payload: await tencentStart() },
      { profileId: byVendor('netease').id, payload: { ...structuredClone(MODE_EXAMPLES.parameters), cname: 'compare-room' } },
    ];
    for (let round = 0; round < 2; round++) {
      const { id } = await core.handlers['compare.start']({ plan: { input: { wav: WAV }, entries, repeat: 2, mode: 'parallel' } });
      const r: CompareResult = await until(
        'comparison done',
        () => core.handlers['compare.get']({ id }),
        (x) => x.state !== 'running',
        60_000,
      );
      expect(r.runs.map((x) => `${x.entry}:${x.ok}:${x.error ?? ''}`).sort()).toEqual(['0:true:', '0:true:', '1:true:', '1:true:']);
      const rooms = new Set<string>();
      for (const run of r.runs) {
        const k = kinds(run.sessionId!);
        expect(k).toContain('run.ids');
        expect(k).toContain('task.closed');
        const start = events(run.sessionId!).find((e) => e.kind === 'session.start')!.data as {
          payload: { RoomId?: string; SessionId?: string; cname?: string };
        };
        rooms.add(start.payload.RoomId ?? start.payload.cname!);
        if (start.payload.SessionId) expect(start.payload.SessionId).toMatch(/^fixed-session-[0-9a-z]+$/);
      }
      expect(rooms.size).toBe(4);
    }
  }, 120_000);

  it('a case with no expectations reports "checks nothing", not a pass; a failed run still fails', async () => {
    // Inside Parley's data folder: a folder the renderer may name without the "Choose…" dialog.
    const cases = join(dir, 'data', 'cases');
    mkdirSync(cases, { recursive: true });
    const saved = await core.handlers['cases.save']({
      dir: cases,
      case: { version: 1, name: 'describe nothing', vendor: 'tencent', operation: 'DescribeAIConversation', payload: { SessionId: 'x' } } as never,
    });
    for (let i = 0; i < 2; i++) {
      const r = await core.handlers['cases.run']({ path: saved.path });
      expect(r.outcome).toBe('fail');
    }
    const ok = await core.handlers['cases.save']({
      dir: cases,
      case: { version: 1, name: 'start only', vendor: 'tencent', operation: 'StartAIConversation', payload: await tencentStart({ SessionId: '' }) } as never,
    });
    const r = await core.handlers['cases.run']({ path: ok.path });
    expect(r).toMatchObject({ ok: false, outcome: 'no-checks', note: expect.stringContaining('checks nothing'), failures: [] });
  });

  it('a Tencent InvalidParameter.<Field> error points at that field, like a Convai 422', async () => {
    const payload = await tencentStart({ SessionId: '' });
    const { sessionId } = await core.handlers['session.start']({
      profileId: byVendor('tencent').id,
      operation: 'StartAIConversation',
      payload: { ...payload, AgentConfig: { ...(payload.AgentConfig as object), UserSig: 'not-a-usersig' } },
    });
    await until(
      'session end',
      () => kinds(sessionId!),
      (k) => k.includes('session.end'),
    );
    const end = events(sessionId!).find((e) => e.kind === 'session.end')!.data as { error: { code: string; field?: string } };
    expect(end.error).toMatchObject({ code: 'InvalidParameter.UserSig', field: '/AgentConfig/UserSig' });
  });

  it('"run again" on a console voice session replays the speech it uploaded; on a session without a turn it says why not', async () => {
    const mc = byVendor('mindcraft');
    const example = (await core.handlers['vendors.list']({})).find((v) => v.id === 'mindcraft')!.operations[0]!.example;
    const { sessionId } = await core.handlers['session.start']({ profileId: mc.id, operation: 'chat_bot_v3', payload: structuredClone(example) });
    await until(
      'auth',
      () => kinds(sessionId!),
      (k) => k.includes('mindcraft.auth'),
    );
    await core.handlers['session.send']({ sessionId: sessionId!, action: 'send_wav', data: { path: WAV } });
    await until(
      'turn end',
      () => kinds(sessionId!),
      (k) => k.includes('mindcraft.turn'),
    );
    await core.handlers['session.stop']({ sessionId: sessionId! });
    for (let i = 0; i < 2; i++) {
      const again = await core.handlers['history.rerun']({ sessionId: sessionId! });
      await until(
        'rerun ended',
        () => core.sessions.isLive(again.sessionId),
        (live) => !live,
        60_000,
      );
      expect(kinds(again.sessionId)).toContain('audio.upload');
      expect(kinds(again.sessionId)).toContain('audio.segment');
      expect((await core.handlers['history.detail']({ sessionId: again.sessionId })).entry.input?.wav).toMatch(/turn-1-user\.wav$/);
    }
    const idle = await core.handlers['session.start']({ profileId: mc.id, operation: 'chat_bot_v3', payload: structuredClone(example) });
    await until(
      'auth',
      () => kinds(idle.sessionId!),
      (k) => k.includes('mindcraft.auth'),
    );
    await core.handlers['session.stop']({ sessionId: idle.sessionId! });
    await expect(core.handlers['history.rerun']({ sessionId: idle.sessionId! })).rejects.toThrow(/nothing to replay: this session sent no speech or text/);
  }, 90_000);
});
