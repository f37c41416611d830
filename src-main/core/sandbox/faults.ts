/** Faults a sandbox can be told to inject, per vendor. Shared by the HTTP and WebSocket paths of the host. */
export type Fault =
  /** Wait this long before answering (HTTP) or before each frame (WebSocket). */
  | { kind: 'delay'; ms: number }
  /** Answer every HTTP request with this status and a body (sent as JSON when it parses as JSON, else as text). */
  | { kind: 'status'; status: number; body?: string }
  /** HTTP: a 200 with a body that is not JSON. WebSocket: a text frame that is not JSON, after `afterFrames` frames. */
  | { kind: 'malformed'; afterFrames?: number }
  /** WebSocket: close with 1011 after this many server frames. HTTP: destroy the socket after the headers. */
  | { kind: 'drop'; afterFrames?: number }
  /** Destroy the TCP connection without an answer. */
  | { kind: 'reset' }
  /** Accept the request or socket and never answer. */
  | { kind: 'hang' }
  /** Answer with one of the vendor's own error codes, in its own body shape and content type (see the catalogue). */
  | { kind: 'vendor-error'; code: string }
  /** The sandbox bot mishears: it recognises the speech (and answers it) but reports about half of the words wrong. */
  | { kind: 'mishear' };

export const FAULT_KINDS = ['delay', 'status', 'malformed', 'drop', 'reset', 'hang', 'vendor-error', 'mishear'] as const;

/** One error code a vendor sandbox can produce on demand (README "Rehearsing vendor errors"). */
export interface VendorErrorEntry {
  code: string;
  meaning: string;
  /** documented: the vendor's page lists the code; inferred: seen in the vendor's own clients or chosen here. */
  kind: 'documented' | 'inferred';
  /** docs/vendors/<vendor>.md#<anchor> */
  ref: string;
  /** When the sandbox sends it once injected (which call or which moment of the socket). */
  when: string;
}

/** A named sandbox behaviour beyond the document's (extra status messages ...), off by default. */
export interface SandboxScenario {
  name: string;
  description: string;
  /** Always true today: every scenario adds behaviour no vendor document describes. */
  inferred: true;
}

export function parseFault(value: unknown): Fault | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') throw new Error('fault: expected an object like {"kind":"delay","ms":500}');
  const f = value as Record<string, unknown>;
  switch (f.kind) {
    case 'delay':
      if (typeof f.ms !== 'number' || f.ms < 0) throw new Error('fault.ms: expected a number of milliseconds ≥ 0');
      return { kind: 'delay', ms: f.ms };
    case 'status':
      if (typeof f.status !== 'number' || f.status < 100 || f.status > 599) throw new Error('fault.status: expected an HTTP status 100-599');
      return { kind: 'status', status: f.status, body: typeof f.body === 'string' ? f.body : undefined };
    case 'malformed':
    case 'drop':
      return { kind: f.kind, afterFrames: typeof f.afterFrames === 'number' ? f.afterFrames : 0 };
    case 'reset':
    case 'hang':
    case 'mishear':
      return { kind: f.kind };
    case 'vendor-error':
      if (typeof f.code !== 'string' && typeof f.code !== 'number')
        throw new Error('fault.code: expected one of the vendor\'s error codes, e.g. {"kind":"vendor-error","code":"FailedOperation.NotAbility"}');
      return { kind: 'vendor-error', code: String(f.code) };
    default:
      throw new Error(`fault.kind: expected one of ${FAULT_KINDS.join(', ')}`);
  }
}
