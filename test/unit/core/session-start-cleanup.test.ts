import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EventWriter, SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';

const profile: Profile = { id: 'p1', name: 'Mindcraft sandbox', vendor: 'mindcraft', target: 'sandbox', settings: {}, createdAt: '', updatedAt: '' };
const openFiles = () => readdirSync('/proc/self/fd').length;
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('a session that cannot be recorded releases everything it opened', () => {
  it('a BigInt payload (structured clone carries one) is refused with a reason; no file handle or timer is left per call', async () => {
    const manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-leak-'))), async () => 'sandbox-key-0001');
    const vendor = vendorById('mindcraft');
    const operation = vendor.operations[0]!;
    const fds = openFiles();
    const pending = timers();
    for (let i = 0; i < 300; i++) {
      await expect(manager.start({ vendor, operation, profile, payload: { n: BigInt(i) }, sandboxUrl: undefined })).rejects.toMatchObject({
        code: 'BAD_ARGUMENTS',
        message: expect.stringMatching(/^session: the payload could not be recorded/),
      });
    }
    expect(openFiles()).toBe(fds);
    expect(timers()).toBeLessThanOrEqual(pending + 1);
    expect(manager.list().every((s) => s.state !== 'running' || !manager.isLive(s.id))).toBe(true);
  });

  it('credentials are known to the redactor before the summary and the start event are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-first-'));
    const key = 'mc-live-key-pasted-7777';
    const manager = new SessionManager(new SessionDirectory(dir), async (_p, name) => (name === 'API_KEY' ? key : undefined));
    const vendor = vendorById('mindcraft');
    const { sessionId, done } = await manager.start({
      vendor,
      operation: vendor.operations[0]!,
      profile,
      payload: { character_uuid: key },
      sandboxUrl: 'ws://127.0.0.1:9/mindcraft',
    });
    await manager.stop(sessionId);
    await done;
    for (const f of readdirSync(dir).filter((n) => n.startsWith(sessionId))) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain(key);
  });
});

describe('background work never throws out of a timer', () => {
  it('a record that cannot be written (its file handle gone) keeps its lines and says why', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-flush-')), 's.ndjson');
    const w = new EventWriter(file);
    const handle = w as unknown as { fd: number };
    const real = handle.fd;
    handle.fd = 1_000_000;
    w.appendLine('{"seq":1}');
    await vi.waitFor(() => expect(w.lastError).toMatch(/EBADF/), { timeout: 5000 });
    handle.fd = real;
    w.close();
    expect(readFileSync(file, 'utf8')).toBe('{"seq":1}\n');
  });

  it('a failing event sink neither ends the process nor starves the other sinks', async () => {
    const manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-sinks-'))), async () => 'sandbox-key-0001');
    const seen: string[] = [];
    manager.onEvents(() => {
      throw new Error('window gone');
    });
    manager.onEvents((_id, events) => seen.push(...events.map((e) => e.kind)));
    const vendor = vendorById('mindcraft');
    const { sessionId, done } = await manager.start({
      vendor,
      operation: vendor.operations[0]!,
      profile,
      payload: {},
      sandboxUrl: 'ws://127.0.0.1:9/mindcraft',
    });
    await manager.stop(sessionId);
    await done;
    await vi.waitFor(() => expect(seen).toContain('session.end'));
  });
});
