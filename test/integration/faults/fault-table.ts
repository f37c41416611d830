/**
 * The fault matrix as data: per vendor, the operation to run, the error body a 4xx carries in that vendor's own
 * shape, and the error code Parley must report for each injected fault. One mechanism (faults.test.ts, and the
 * E2E in test/e2e/faults.test.ts) runs every row.
 */
import type { Fault } from '../../../src-main/core/sandbox/faults.ts';
import type { VendorId } from '../../../src-main/core/vendors/types.ts';

/** Short per-profile timeouts, so every fault ends its session in about a second. */
export const FAULT_TIMEOUTS = { connectMs: 700, responseMs: 700, idleMs: 2000 };
/** A delay well past those timeouts. */
export const DELAY_MS = 2500;
/** The longest a faulted session may take: the largest timeout plus the time to record the end. */
export const END_WITHIN_MS = Math.max(FAULT_TIMEOUTS.connectMs, FAULT_TIMEOUTS.responseMs) + 2500;

export type FaultName = 'delay' | '4xx' | '5xx' | 'malformed' | 'reset' | 'close mid-stream' | 'no answer';

export interface Expected {
  /** The error event's code. */
  code: RegExp;
  /** Something the message must contain (the vendor's own words where it sent any). */
  message?: RegExp;
  requestId?: string;
  httpStatus?: number;
}

export interface VendorFaults {
  vendor: VendorId;
  operation: string;
  /** Extra profile settings. */
  settings?: Record<string, unknown>;
  /** Payload overrides on top of the operation's example. */
  payload?: Record<string, unknown>;
  /** The 4xx answer body in the vendor's own error shape. */
  clientErrorBody: string;
  expect: Record<FaultName, Expected>;
}

/** The fault injected for each column of the matrix (the 4xx body comes from the vendor row). */
export function faultFor(name: FaultName, row: VendorFaults): Fault {
  switch (name) {
    case 'delay':
      return { kind: 'delay', ms: DELAY_MS };
    case '4xx':
      return { kind: 'status', status: 401, body: row.clientErrorBody };
    case '5xx':
      return { kind: 'status', status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>' };
    case 'malformed':
      return { kind: 'malformed', afterFrames: 0 };
    case 'reset':
      return { kind: 'reset' };
    case 'close mid-stream':
      return { kind: 'drop', afterFrames: 0 };
    case 'no answer':
      return { kind: 'hang' };
  }
}

export const FAULT_NAMES: FaultName[] = ['delay', '4xx', '5xx', 'malformed', 'reset', 'close mid-stream', 'no answer'];

const transport = {
  delay: { code: /^timeout$/ },
  reset: { code: /^connection_reset$/ },
  'close mid-stream': { code: /^connection_reset$/ },
  'no answer': { code: /^timeout$/ },
} satisfies Partial<Record<FaultName, Expected>>;

export const VENDOR_FAULTS: VendorFaults[] = [
  {
    vendor: 'convai',
    operation: 'connect',
    clientErrorBody: JSON.stringify({ detail: 'Invalid API key (fault matrix)' }),
    expect: {
      ...transport,
      '4xx': { code: /^401$/, message: /Invalid API key \(fault matrix\)/, httpStatus: 401 },
      '5xx': { code: /^503$/, message: /503 Service Temporarily Unavailable/, httpStatus: 503 },
      malformed: { code: /^BAD_RESPONSE$/, message: /not JSON/, httpStatus: 200 },
    },
  },
  {
    vendor: 'netease',
    operation: 'create',
    clientErrorBody: JSON.stringify({ code: 414, errmsg: 'checksum error (fault matrix)', requestId: 'req-netease-fault' }),
    expect: {
      ...transport,
      '4xx': { code: /^414$/, message: /checksum error \(fault matrix\)/, requestId: 'req-netease-fault', httpStatus: 401 },
      '5xx': { code: /^HTTP_503$/, message: /503 Service Temporarily Unavailable/, httpStatus: 503 },
      malformed: { code: /^MALFORMED_RESPONSE$/, message: /not a JSON object/, httpStatus: 200 },
    },
  },
  {
    vendor: 'tencent',
    operation: 'StartAIConversation',
    clientErrorBody: JSON.stringify({
      Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'signature mismatch (fault matrix)' }, RequestId: 'req-tencent-fault' },
    }),
    expect: {
      ...transport,
      '4xx': { code: /^AuthFailure\.SignatureFailure$/, message: /signature mismatch \(fault matrix\)/, requestId: 'req-tencent-fault', httpStatus: 401 },
      '5xx': { code: /^HTTP 503$/, message: /503 Service Temporarily Unavailable/, httpStatus: 503 },
      malformed: { code: /^MalformedResponse$/, message: /expected \{"Response"/, httpStatus: 200 },
    },
  },
  {
    vendor: 'mindcraft',
    operation: 'chat_bot_v3',
    // A text turn starts as soon as the socket is up, so a server that goes quiet is noticed by the turn watchdog.
    payload: { asr_text: 'fault matrix' },
    clientErrorBody: '',
    expect: {
      // Over the socket, timeouts are the turn watchdog's (no frame within responseMs).
      delay: { code: /^TIMEOUT$/, message: /no message from the server for 700 ms/ },
      '4xx': { code: /^HTTP_401$/, message: /upgrade refused: HTTP 401/, httpStatus: 401 },
      '5xx': { code: /^HTTP_503$/, message: /upgrade refused: HTTP 503/, httpStatus: 503 },
      malformed: { code: /^BAD_FRAME$/, message: /cannot parse/ },
      reset: { code: /^connection_reset$/ },
      'close mid-stream': { code: /^WS_CLOSED_1011$/, message: /dropped mid-stream/ },
      'no answer': { code: /^TIMEOUT$/, message: /no message from the server for 700 ms/ },
    },
  },
];
