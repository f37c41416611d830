import { parseArgs } from 'node:util';
import { defaultDataDir } from '../../core/data-dir.ts';
import { HistoryService } from '../../core/history/service.ts';
import type { HistoryEntry, HistoryQuery } from '../../core/history/types.ts';
import { isVendorId, vendorIdList } from '../../core/vendors/registry.ts';
import { CliUsageError, type CliCommand } from '../../core/cli/command.ts';

/** Matching seq numbers shown per row of the table (JSON lists them all). */
const TABLE_SEQS = 12;

function since(value: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(ms))
    throw new CliUsageError(`--since: expected an ISO date or date-time such as 2026-03-01 or 2026-03-01T09:00:00Z, got "${value}"`);
  return new Date(ms).toISOString();
}

function table(rows: HistoryEntry[]): string {
  const cells = rows.map((r) => {
    const seqs = r.matches ? r.matches.seqs.slice(0, TABLE_SEQS).join(',') + (r.matches.total > TABLE_SEQS ? ` … (${r.matches.total})` : '') : '';
    const outcome = (r.outcome ?? '').length > 60 ? `${r.outcome!.slice(0, 59)}…` : (r.outcome ?? '');
    return [r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), r.vendor, r.operation, r.state, outcome, r.id, seqs];
  });
  const head = ['STARTED', 'VENDOR', 'OPERATION', 'STATE', 'OUTCOME', 'ID', 'MATCHING EVENTS'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return (
    [head, ...cells]
      .map((c) =>
        c
          .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export const historyCommand: CliCommand = {
  words: ['history'],
  usage: 'parley history [--text T] [--vendor V] [--error CODE] [--since ISO] [--limit N] [--json]',
  summary:
    "Search the recorded sessions of the data folder (the app's history index: what was said, events, error codes, request ids) and print them newest first as a table, or with --json one object per session: id, vendor, operation, startedAt, state, outcome, matchingSeqs.",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        text: { type: 'string' },
        vendor: { type: 'string' },
        error: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const query: HistoryQuery = {};
    if (values.text !== undefined) {
      if (!values.text.trim()) throw new CliUsageError('--text: expected words to search for, got an empty string');
      query.text = values.text;
    }
    if (values.vendor !== undefined) {
      if (!isVendorId(values.vendor)) throw new CliUsageError(`--vendor: expected one of ${vendorIdList()}, got "${values.vendor}"`);
      query.vendor = values.vendor;
    }
    if (values.error !== undefined) {
      if (!/^[A-Za-z0-9._:-]{1,120}$/.test(values.error))
        throw new CliUsageError(`--error: expected an error code such as 414 or FailedOperation.TaskExist, got "${values.error}"`);
      query.errorCode = values.error;
    }
    if (values.since !== undefined) query.from = since(values.since);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new CliUsageError(`--limit: expected an integer 1-100000, got "${values.limit}"`);
    query.limit = limit;

    const dataDir = defaultDataDir(io.env);
    // The CLI cannot know what a running app is doing: sessions marked running stay running here.
    const service = new HistoryService({ dataDir, markStale: false });
    try {
      const status = service.status();
      if (status.state === 'unavailable') throw new Error(status.reason);
      if (status.pending) {
        io.stderr(`indexing ${status.pending} recorded session${status.pending === 1 ? '' : 's'} in ${dataDir} …\n`);
        let shown = 0;
        service.catchUp((done, total) => {
          if (done - shown >= 1000 || done === total) {
            io.stderr(`  ${done} / ${total}\n`);
            shown = done;
          }
        });
      }
      const rows = service.query(query);
      if (values.json) {
        const out = rows.map((r) => ({
          id: r.id,
          vendor: r.vendor,
          operation: r.operation,
          startedAt: r.startedAt,
          state: r.state,
          outcome: r.outcome,
          matchingSeqs: r.matches?.seqs ?? [],
        }));
        io.stdout(JSON.stringify(out, null, 2) + '\n');
      } else if (rows.length) io.stdout(table(rows));
      else io.stderr(`no sessions match (${service.status().sessions} sessions in ${dataDir})\n`);
      return 0;
    } finally {
      service.close();
    }
  },
};
