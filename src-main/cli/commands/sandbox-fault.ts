import { parseArgs } from 'node:util';
import type { SandboxHost } from '../../core/sandbox/host.ts';
import { vendorSandboxHost } from '../../core/sandbox/vendors.ts';
import { parseFault } from '../../core/sandbox/faults.ts';
import { vendorById, vendorIdList } from '../../core/vendors/registry.ts';
import { CliUsageError, type CliCommand, type CliIO } from '../../core/cli/command.ts';

/** Every vendor's error catalogue and scenarios, from the sandboxes' own declarations (no server needed). */
function catalogue(): ReturnType<SandboxHost['catalogue']> {
  return vendorSandboxHost().catalogue();
}

function listing(vendor: string | undefined): string {
  const rows: string[] = [];
  for (const c of catalogue().filter((x) => !vendor || x.vendor === vendor)) {
    rows.push(`${c.vendor}`);
    for (const e of c.errors) rows.push(`  ${e.code.padEnd(52)} ${e.kind.padEnd(10)} ${e.meaning} · ${e.when}`);
    for (const s of c.scenarios) rows.push(`  scenario ${s.name} (inferred): ${s.description}`);
  }
  return rows.join('\n') + '\n';
}

async function post(io: CliIO, url: string, body: unknown): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    io.stderr(`cannot reach the sandbox at ${url}: ${(err as Error).message} (is \`parley sandbox\` running?)\n`);
    return 1;
  }
  const text = await res.text();
  (res.ok ? io.stdout : io.stderr)(`${text}\n`);
  return res.ok ? 0 : 1;
}

/**
 * `parley sandbox fault`: rehearse a vendor's own errors against a running `parley sandbox`. The code is checked
 * against the vendor's catalogue here and again by the sandbox (which answers 400 naming the valid codes).
 */
export const sandboxFaultCommand: CliCommand = {
  words: ['sandbox', 'fault'],
  usage:
    'parley sandbox fault VENDOR [CODE | --fault JSON | --clear] [--scenario NAME | --no-scenario] --base-url URL   |   parley sandbox fault --list [VENDOR]',
  summary:
    'Make a running `parley sandbox` answer with one of the vendor\'s own error codes (body shape and content type as the vendor documents them), any other fault (--fault \'{"kind":"delay","ms":3000}\'), or a named inferred scenario; --clear ends it, --list shows every code. --base-url is the URL `parley sandbox` printed (or PARLEY_SANDBOX_URL).',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        list: { type: 'boolean' },
        clear: { type: 'boolean' },
        fault: { type: 'string' },
        scenario: { type: 'string' },
        'no-scenario': { type: 'boolean' },
        'base-url': { type: 'string' },
      },
    });
    const [vendorArg, code, ...extra] = positionals;
    if (extra.length) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    if (vendorArg !== undefined) vendorById(vendorArg); // a clear error naming the vendors
    if (values.list) {
      io.stdout(listing(vendorArg));
      return 0;
    }
    if (!vendorArg) throw new CliUsageError(`VENDOR is required (${vendorIdList()}), or --list`);
    const actions = [code !== undefined, values.fault !== undefined, values.clear === true].filter(Boolean).length;
    const scenario = values['no-scenario'] ? null : values.scenario;
    if (actions > 1) throw new CliUsageError('give one of CODE, --fault JSON or --clear');
    if (actions === 0 && scenario === undefined) throw new CliUsageError('give CODE, --fault JSON, --clear, --scenario NAME or --no-scenario');
    const base = (values['base-url'] ?? io.env.PARLEY_SANDBOX_URL ?? '').replace(/\/+$/, '');
    if (!/^https?:\/\/\S+$/.test(base)) throw new CliUsageError('--base-url: expected the http:// URL `parley sandbox` printed (or set PARLEY_SANDBOX_URL)');

    const vendorCatalogue = catalogue().find((c) => c.vendor === vendorArg);
    let fault: unknown;
    if (code !== undefined) {
      if (!vendorCatalogue?.errors.some((e) => e.code === code))
        throw new CliUsageError(
          `${vendorArg} has no error code "${code}" (expected one of ${vendorCatalogue?.errors.map((e) => e.code).join(', ')}; see --list)`,
        );
      fault = { kind: 'vendor-error', code };
    } else if (values.fault !== undefined) {
      try {
        fault = parseFault(JSON.parse(values.fault));
      } catch (err) {
        throw new CliUsageError(`--fault: ${(err as Error).message}`);
      }
    } else if (values.clear) fault = null;

    let status = 0;
    if (fault !== undefined) status = await post(io, `${base}/_sandbox/faults/${vendorArg}`, fault);
    if (status === 0 && scenario !== undefined)
      status = await post(io, `${base}/_sandbox/scenario/${vendorArg}`, scenario === null ? null : { name: scenario });
    return status;
  },
};
