import { parseArgs } from 'node:util';
import { parseTarget, runOperation, parseBaseUrl, failureLine, envCredential } from '../../cli/run.ts';
import { readBodyBytes, readJsonBody } from '../../cli/read-body.ts';
import { CliUsageError, type CliCommand, type CliIO } from '../../cli/command.ts';
import { ACTIONS, API_VERSION, SCHEMAS, regionWarning, type TencentAction } from './common/schemas.ts';
import { signTc3 } from './tc3.ts';
import { genUserSig, DEFAULT_USERSIG_EXPIRE_S } from './usersig.ts';
import { fromWire } from '../../payload.ts';

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value)))
    throw new CliUsageError(`${flag}: expected a positive integer, got "${value}"`);
  return Number(value);
}

/** A region name; one outside the document's four is sent anyway, with a warning on stderr when `io` is given. */
function region(value: string | undefined, io?: CliIO): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z]+(-[a-z0-9]+)+$/.test(value)) throw new CliUsageError(`--region: expected a region name like ap-guangzhou, got "${value}"`);
  const warning = regionWarning(value);
  if (warning && io) io.stderr(`warning: ${warning}\n`);
  return value;
}

export const tencentSignCommand: CliCommand = {
  words: ['sign', 'tencent'],
  usage: 'parley sign tencent --action A --timestamp T --region R [--host H] [--version V] --body FILE',
  summary:
    'Sign a request with TC3-HMAC-SHA256 using PARLEY_TENCENT_SECRET_ID / PARLEY_TENCENT_SECRET_KEY and print {canonicalRequest, stringToSign, signature, authorization, headers}. The body file is signed byte for byte.',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        action: { type: 'string' },
        timestamp: { type: 'string' },
        region: { type: 'string' },
        host: { type: 'string' },
        version: { type: 'string' },
        body: { type: 'string' },
      },
    });
    for (const flag of ['action', 'timestamp', 'region', 'body'] as const) if (!values[flag]) throw new CliUsageError(`--${flag} is required`);
    const timestamp = positiveInt('--timestamp', values.timestamp)!;
    const host = values.host ?? 'trtc.tencentcloudapi.com';
    if (!/^[a-z0-9.-]+(:\d+)?$/i.test(host)) throw new CliUsageError(`--host: expected a host name like trtc.tencentcloudapi.com, got "${host}"`);
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(values.action!))
      throw new CliUsageError(`--action: expected an API action name like StartAIConversation, got "${values.action}"`);
    const body = readBodyBytes(values.body!, io);
    // Any region is signed as given (the signer is not TRTC-only); the service is the host's first label.
    const signed = signTc3({
      secretId: envCredential(io, 'tencent', 'SECRET_ID'),
      secretKey: envCredential(io, 'tencent', 'SECRET_KEY'),
      host,
      service: host.split('.')[0]!,
      action: values.action!,
      version: values.version ?? API_VERSION,
      region: values.region,
      timestamp,
      body,
    });
    const headers = { Host: host, ...signed.headers };
    io.stdout(
      JSON.stringify(
        {
          canonicalRequest: signed.canonicalRequest,
          stringToSign: signed.stringToSign,
          signature: signed.signature,
          authorization: signed.authorization,
          headers,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  },
};

export const usersigCommand: CliCommand = {
  words: ['usersig'],
  usage: 'parley usersig --sdk-app-id N --user-id U [--expire SECONDS]',
  summary: `Print a TRTC UserSig (TLS sig v2) for a user, signed with PARLEY_TENCENT_SDK_SECRET_KEY (default lifetime ${DEFAULT_USERSIG_EXPIRE_S} s = 180 days).`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: { 'sdk-app-id': { type: 'string' }, 'user-id': { type: 'string' }, expire: { type: 'string' } },
    });
    const sdkAppId = positiveInt('--sdk-app-id', values['sdk-app-id']);
    if (sdkAppId === undefined) throw new CliUsageError('--sdk-app-id is required');
    if (!values['user-id']) throw new CliUsageError('--user-id is required');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(values['user-id']))
      throw new CliUsageError(`--user-id: expected 1-32 characters of [A-Za-z0-9_-], got "${values['user-id']}"`);
    const expireSeconds = positiveInt('--expire', values.expire);
    io.stdout(genUserSig({ sdkAppId, userId: values['user-id'], secretKey: envCredential(io, 'tencent', 'SDK_SECRET_KEY'), expireSeconds }) + '\n');
    return 0;
  },
};

export const tencentCallCommand: CliCommand = {
  words: ['tencent'],
  usage: `parley tencent ACTION --body FILE [--target sandbox|live] [--region R] [--profile NAME] [--base-url URL] [--send-anyway] [--out DIR]`,
  summary: `Send a signed TRTC call (ACTION: ${ACTIONS.join(', ')}) and print Tencent's JSON response; exit 1 on an error response. The body is the API parameters as JSON (LLMConfig/TTSConfig as JSON strings or objects).`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        body: { type: 'string' },
        target: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'base-url': { type: 'string' },
        'send-anyway': { type: 'boolean' },
        out: { type: 'string' },
      },
    });
    const action = positionals[0];
    if (positionals.length !== 1 || !action) throw new CliUsageError(`expected one ACTION (${ACTIONS.join(', ')})`);
    if (!(ACTIONS as readonly string[]).includes(action)) throw new CliUsageError(`ACTION: expected one of ${ACTIONS.join(', ')}, got "${action}"`);
    if (!values.body) throw new CliUsageError('--body FILE is required (the API parameters as JSON)');
    const target = parseTarget(values.target);
    const baseUrl = parseBaseUrl(values['base-url']);
    const settings: Record<string, unknown> = {};
    if (region(values.region, io)) settings.region = values.region;
    // The file may hold the wire form (json-string fields as strings): back to objects for schema validation.
    const payload = fromWire(SCHEMAS[action as TencentAction], readJsonBody(values.body, io), (field) => {
      throw new CliUsageError(`--body: ${field} is a string but not valid JSON`);
    }) as Record<string, unknown>;

    const run = await runOperation({
      vendorId: 'tencent',
      operationId: action,
      payload,
      io,
      target: { target, profile: values.profile, baseUrl, settings },
      outDir: values.out,
      sendAnyway: values['send-anyway'],
    });
    const { outcome } = run;
    const vendorResponse = outcome.ok ? outcome.result : (outcome.error?.details as Record<string, unknown> | undefined);
    if (vendorResponse) io.stdout(JSON.stringify({ Response: vendorResponse }, null, 2) + '\n');
    io.stderr(`record: ${run.sessionFile}\n`);
    if (outcome.ok) return 0;
    io.stderr(`tencent ${action} failed: ${failureLine(outcome)}\n`);
    return 1;
  },
};

export const tencentCommands: CliCommand[] = [tencentSignCommand, usersigCommand, tencentCallCommand];
