import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventWriter, FLUSH_INTERVAL_MS, SessionDirectory, readEvents } from '../../../src-main/core/session/event-store.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';

const ev = (seq: number): SessionEvent => ({ seq, t: seq, at: new Date().toISOString(), kind: 'test', dir: 'local', summary: `e${seq}` });

describe('EventWriter', () => {
  it('writes buffered events to disk within the flush interval, without close', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-es-')), 's.ndjson');
    const w = new EventWriter(file);
    for (let i = 1; i <= 100; i++) w.append(ev(i));
    await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS * 3));
    expect(readEvents(file).events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    w.close();
  });

  it('skips a torn last line and counts it, keeping every whole event', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-es-')), 's.ndjson');
    const w = new EventWriter(file);
    w.append(ev(1));
    w.append(ev(2));
    w.close();
    appendFileSync(file, '{"seq":3,"t":3,"at":"x","ki');
    const { events, badLines } = readEvents(file);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(badLines).toBe(1);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });
});

describe('SessionDirectory', () => {
  it('reports a session left running by a dead process as interrupted, with its recorded events counted', () => {
    const dir = new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-sd-')));
    const w = new EventWriter(dir.eventsFile('s1'));
    [1, 2, 3].forEach((i) => w.append(ev(i)));
    w.close();
    dir.writeSummary({
      id: 's1',
      vendor: 'mindcraft',
      operation: 'chat',
      profileId: null,
      target: 'sandbox',
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: null,
      durationMs: null,
      state: 'running',
      outcome: null,
      eventCount: 0,
    });
    const [s] = dir.list(new Set());
    expect(s!.state).toBe('interrupted');
    expect(s!.eventCount).toBe(3);
    expect(dir.readSummary('s1')!.state).toBe('interrupted');
  });

  it('leaves a session of this process running', () => {
    const dir = new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-sd-')));
    dir.writeSummary({
      id: 's2',
      vendor: 'tencent',
      operation: 'x',
      profileId: null,
      target: 'sandbox',
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: null,
      durationMs: null,
      state: 'running',
      outcome: null,
      eventCount: 0,
    });
    expect(dir.list(new Set(['s2']))[0]!.state).toBe('running');
  });
});
