import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp, type HttpExchange } from '../../src-main/core/http.ts';
import type { VendorError } from '../../src-main/core/vendors/types.ts';
import { parseConnectResponse } from '../../src-main/core/vendors/convai/client.ts';
import { parseTaskResponse } from '../../src-main/core/vendors/netease/client.ts';
import { parseResponse } from '../../src-main/core/vendors/tencent/client.ts';
import { BIG_RUNS, binary, deepJson, invalidUtf8, jsonValue, mutatedJson, RUNS, TEN_MB, truncated } from './support/arbitraries.ts';

/**
 * The HTTP answer parser of each vendor client, fed through the real HTTP stack (a loopback server answers with
 * the fuzzed status and bytes, sendHttp decodes them as in a session): never throws, every answer is either the
 * documented success or a VendorError with a code and a message, and an HTTP error keeps its status.
 */
type Parsed = { ok: true } | { ok: false; error: VendorError };

interface ClientCase {
  vendor: string;
  /** A documented success body. */
  success: unknown;
  parse(ex: HttpExchange): Parsed;
}

const CLIENTS: ClientCase[] = [
  {
    vendor: 'convai',
    success: { session_id: 's1', character_session_id: 'c1', room_url: 'wss://lk.example', room_name: 'r1', token: 't.o.k', end_user_id: null },
    parse: (ex) => parseConnectResponse(ex),
  },
  {
    vendor: 'netease',
    success: { code: 200, requestId: 'req-1', cid: 42, result: { taskId: 'task-1' } },
    parse: (ex) => parseTaskResponse(ex, 'server', 'room-1'),
  },
  {
    vendor: 'tencent',
    success: { Response: { TaskId: 'task-1', RequestId: 'req-1' } },
    parse: (ex) => parseResponse(ex),
  },
];

interface Planned {
  status: number;
  body: Uint8Array;
}

let planned: Planned = { status: 200, body: new Uint8Array() };
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(planned.status, { 'content-type': 'application/json', 'x-request-id': 'fuzz-req' });
      res.end(planned.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const encode = (text: string) => new TextEncoder().encode(text);

/** Statuses a server or a proxy may answer with (1xx and 101 are not final answers fetch can return). */
const status = fc.oneof(fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 413, 422, 429, 500, 502, 503, 504), fc.integer({ min: 200, max: 599 }));

function bodies(success: unknown): fc.Arbitrary<Uint8Array> {
  const valid = JSON.stringify(success);
  return fc.oneof(
    jsonValue.map((v) => encode(JSON.stringify(v) ?? '')),
    mutatedJson(success).map((v) => encode(JSON.stringify(v) ?? '')),
    truncated(valid).map(encode),
    invalidUtf8,
    binary,
    deepJson.map(encode),
    fc.constantFrom('', 'null', '<html><body>502 Bad Gateway</body></html>', '\ufeff' + valid).map(encode),
  );
}

async function exchange(p: Planned): Promise<HttpExchange> {
  planned = p;
  return sendHttp({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 10_000 });
}

function expectStructured(parsed: Parsed, p: Planned): void {
  expect(typeof parsed.ok).toBe('boolean');
  if (!parsed.ok) {
    expect(typeof parsed.error.code === 'string' && parsed.error.code.length > 0, `error code ${JSON.stringify(parsed.error.code)}`).toBe(true);
    expect(typeof parsed.error.message).toBe('string');
    if (parsed.error.requestId !== undefined) expect(typeof parsed.error.requestId).toBe('string');
    // The one-line message is not the whole 10 MB body. (Details too deep to serialise are the session engine's
    // job: session-record.test.ts.)
    expect(parsed.error.message.length).toBeLessThan(10_000);
  }
  if (p.status >= 400 && !parsed.ok && parsed.error.httpStatus !== undefined) expect(parsed.error.httpStatus).toBe(p.status);
}

describe.each(CLIENTS)('HTTP answers to the $vendor client', (client) => {
  it('accepts the documented success body', async () => {
    const ex = await exchange({ status: 200, body: encode(JSON.stringify(client.success)) });
    expect(client.parse(ex).ok).toBe(true);
  });

  it('random, mutated, truncated, non-UTF-8, binary and deeply nested bodies with any status: a result or a structured error', async () => {
    await fc.assert(
      fc.asyncProperty(status, bodies(client.success), async (s, body) => {
        const p = { status: s, body };
        const ex = await exchange(p);
        const parsed = client.parse(ex);
        expectStructured(parsed, p);
      }),
      { numRuns: RUNS },
    );
  });

  it('a 10 MB body (JSON string, garbage, or a valid answer padded with a huge field)', async () => {
    const huge = 'y'.repeat(TEN_MB);
    const cases = fc.constantFrom(encode(JSON.stringify(huge)), encode(huge), encode(JSON.stringify({ ...(client.success as object), padding: huge })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 500), cases, async (s, body) => {
        const p = { status: s, body };
        expectStructured(client.parse(await exchange(p)), p);
      }),
      { numRuns: BIG_RUNS },
    );
  });
});
