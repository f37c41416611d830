import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import type { VendorError } from '../../../src-main/core/vendors/types.ts';
import { MemorySecretStore } from '../../unit/app/memory-secrets.ts';
import { END_WITHIN_MS, FAULT_NAMES, FAULT_TIMEOUTS, faultFor, VENDOR_FAULTS, type FaultName, type VendorFaults } from './fault-table.ts';

/**
 * Every vendor sandbox × every fault, through createCore exactly as the app drives it: the session ends with an
 * error event whose code names the fault (with the vendor's code, message and request id where it sent them)
 * within its short per-profile timeouts, and the NDJSON record is complete: session.start … session.end, seqs
 * contiguous, every line parseable.
 */
describe('fault matrix', () => {
  let core: Core;
  let dataDir: string;
  const profileIds = new Map<string, string>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-faults-'));
    core = createCore({ dataDir, secrets: new MemorySecretStore(), seedSandboxProfiles: true });
    for (const p of await core.handlers['profiles.list']({})) {
      const row = VENDOR_FAULTS.find((r) => r.vendor === p.vendor)!;
      const saved = await core.handlers['profiles.save']({ profile: { ...p, timeouts: FAULT_TIMEOUTS, settings: { ...p.settings, ...row.settings } } });
      profileIds.set(p.vendor, saved.id);
    }
  });
  afterAll(() => core?.close());

  async function runWithFault(row: VendorFaults, name: FaultName): Promise<{ id: string; elapsed: number; events: SessionEvent[] }> {
    await core.handlers['sandbox.fault']({ vendor: row.vendor, fault: faultFor(name, row) });
    try {
      const op = vendorById(row.vendor).operations.find((o) => o.id === row.operation)!;
      const started = performance.now();
      const res = await core.handlers['session.start']({
        profileId: profileIds.get(row.vendor)!,
        operation: row.operation,
        payload: { ...op.example, ...row.payload },
        sendAnyway: true,
      });
      if (!res.sessionId) throw new Error(`session.start refused the payload: ${JSON.stringify(res)}`);
      const id = res.sessionId;
      while (core.sessions.isLive(id) && performance.now() - started < END_WITHIN_MS * 3) await new Promise((r) => setTimeout(r, 20));
      const elapsed = performance.now() - started;
      if (core.sessions.isLive(id)) await core.handlers['session.stop']({ sessionId: id });
      return { id, elapsed, events: (await core.handlers['session.events']({ sessionId: id, limit: 100_000 })).events };
    } finally {
      await core.handlers['sandbox.fault']({ vendor: row.vendor, fault: null });
    }
  }

  const cases = VENDOR_FAULTS.flatMap((row) => FAULT_NAMES.map((fault) => ({ vendor: row.vendor, fault, row })));

  it.each(cases)('$vendor × $fault', async ({ row, fault }) => {
    const { id, elapsed, events } = await runWithFault(row, fault);
    const expected = row.expect[fault];

    // Ends by itself, within its timeout.
    expect(elapsed, `${row.vendor} × ${fault} took ${Math.round(elapsed)} ms`).toBeLessThan(END_WITHIN_MS);

    // A complete record.
    const text = readFileSync(core.sessions.directory.eventsFile(id), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as SessionEvent).map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.kind).toBe('session.start');
    expect(events.at(-1)!.kind).toBe('session.end');
    expect((events.at(-1)!.data as { ok: boolean }).ok).toBe(false);

    // The error names the fault, with the vendor's code, message and request id.
    const errors = events.filter((e) => e.kind === 'error').map((e) => e.data as VendorError);
    const error = errors.find((e) => expected.code.test(e.code));
    expect(error, `no error event with code ${expected.code} in ${JSON.stringify(errors)}`).toBeDefined();
    expect(error!.message.length).toBeGreaterThan(0);
    if (expected.message) expect(error!.message).toMatch(expected.message);
    if (expected.requestId) expect(error!.requestId).toBe(expected.requestId);
    if (expected.httpStatus) expect(error!.httpStatus).toBe(expected.httpStatus);
    const end = (events.at(-1)!.data as { error?: VendorError }).error;
    expect(end?.code, 'session.end carries the error').toMatch(expected.code);

    // The summary says how it ended.
    const summary = core.sessions.list().find((s) => s.id === id)!;
    expect(summary.state).toBe('failed');
    expect(summary.outcome).toContain(end!.code);
  });
});
