import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, type GeneratedHistory } from '../../bench/history-data.ts';
import { runParley } from '../support/parley-cli.ts';
import { expectedIds, readRecords, type RecordedSession } from '../../unit/history/support.ts';

interface Row {
  id: string;
  vendor: string;
  operation: string;
  startedAt: string;
  state: string;
  outcome: string | null;
  matchingSeqs: number[];
}

describe('parley history', () => {
  let cwd: string;
  let g: GeneratedHistory;
  let records: RecordedSession[];
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'parley-cli-history-'));
    g = generateHistory({ dataDir: join(cwd, 'data'), count: 120, seed: 21 });
    records = readRecords(join(cwd, 'data'));
  });

  it('indexes the data folder on first use and prints the sessions a phrase was said in, with the matching events', async () => {
    const first = await runParley(cwd, ['history', '--text', 'twenty degrees', '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/indexing 120 recorded sessions/);
    const rows = JSON.parse(first.stdout) as Row[];
    expect(rows.map((r) => r.id)).toEqual(expectedIds(records, 'twenty', 'degrees'));
    for (const r of rows) {
      const rec = records.find((x) => x.summary.id === r.id)!;
      expect(Object.keys(r)).toEqual(['id', 'vendor', 'operation', 'startedAt', 'state', 'outcome', 'matchingSeqs']);
      expect(r).toMatchObject({
        vendor: rec.summary.vendor,
        operation: rec.summary.operation,
        startedAt: rec.summary.startedAt,
        state: rec.summary.state,
        outcome: rec.summary.outcome,
      });
      expect(r.matchingSeqs).toEqual(rec.events.filter((e) => /twenty degrees/i.test(e.summary)).map((e) => e.seq));
    }
    // Second run: the index is there, nothing to catch up.
    const again = await runParley(cwd, ['history', '--text', '二十度', '--json']);
    expect(again.stderr).toBe('');
    expect((JSON.parse(again.stdout) as Row[]).map((r) => r.id)).toEqual(expectedIds(records, '二十度'));
  });

  it('filters by vendor, error code and time, limits, and prints a table', async () => {
    const failed = records.filter((r) => (r.summary.error as { code?: string } | undefined)?.code === 'FailedOperation.TaskExist');
    const byCode = await runParley(cwd, ['history', '--error', 'TaskExist', '--vendor', 'tencent', '--json']);
    expect((JSON.parse(byCode.stdout) as Row[]).map((r) => r.id)).toEqual(failed.map((r) => r.summary.id));
    const since = records[9]!.summary.startedAt;
    const recent = await runParley(cwd, ['history', '--since', since, '--json']);
    expect((JSON.parse(recent.stdout) as Row[]).map((r) => r.id)).toEqual(records.slice(0, 10).map((r) => r.summary.id));
    const limited = await runParley(cwd, ['history', '--limit', '3', '--json']);
    expect(JSON.parse(limited.stdout)).toHaveLength(3);

    const table = await runParley(cwd, ['history', '--text', g.uniqueRequestId]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED\s+VENDOR\s+OPERATION\s+STATE\s+OUTCOME\s+ID\s+MATCHING EVENTS$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(g.uniqueRequestSession);
    const none = await runParley(cwd, ['history', '--text', 'zebra crossing']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/no sessions match \(120 sessions/);
  });

  it('explains bad arguments and exits 2', async () => {
    for (const [args, message] of [
      [['--vendor', 'acme'], /--vendor: expected one of convai, netease, mindcraft, tencent, got "acme"/],
      [['--since', 'last week'], /--since: expected an ISO date/],
      [['--limit', '0'], /--limit: expected an integer 1-100000/],
      [['--error', "414' --"], /--error: expected an error code/],
      [['--text', '  '], /--text: expected words/],
      [['--colour'], /Unknown option/i],
    ] as const) {
      const r = await runParley(cwd, ['history', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('usage: parley history');
    }
  });
});
