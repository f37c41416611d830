import type { JsonSchema, Localized } from '../schema.ts';
import type { NewEvent, SessionEvent } from '../events.ts';
import type { Profile } from '../profiles/types.ts';
import type { SandboxHost } from '../sandbox/host.ts';
import type { HttpExchange, HttpRequestSpec } from '../http.ts';
import type { CliCommand } from '../cli/command.ts';
import type { RoomSdk } from '../room-sdks.ts';
import type { ConversationOpener } from '../workflows/conversation.ts';

/** The id of a registered vendor (vendors/registry.ts). */
export type VendorId = string;
/** A vendor id is also a URL path segment (sandbox routes), a file-name part (session ids) and an event-kind prefix. */
export const VENDOR_ID_PATTERN = '^[a-z][a-z0-9-]{1,31}$';

/** A credential a vendor needs. Secret ones live in the OS keychain, the others in the profile JSON. */
export interface CredentialField {
  /** Name used in `{{secret:NAME}}` and in the keychain account (`<profileId>/<name>`). */
  name: string;
  label: Localized;
  secret: boolean;
  description?: Localized;
}

/** What a running operation can do. Built by the session engine; vendors never touch files or the keychain directly. */
export interface SessionContext {
  readonly sessionId: string;
  readonly vendor: VendorId;
  readonly operation: string;
  readonly profile: Profile;
  /** Base URL of this vendor's sandbox when `profile.target` is `sandbox` (else undefined). */
  readonly sandboxUrl: string | undefined;
  /**
   * The payload as the user built it with its `{{secret:…}}` references resolved: it holds secrets in clear. What is
   * sent is built from it; what is recorded or shown is built from payloadWithRefs. JSON-string fields are still objects.
   */
  readonly resolvedPayloadWithSecrets: Record<string, unknown>;
  /** The payload with references left in place: safe to show and store. */
  readonly payloadWithRefs: Record<string, unknown>;
  readonly signal: AbortSignal;
  /** Per-profile timeouts in ms. */
  readonly timeouts: { connectMs: number; responseMs: number; idleMs: number };
  /** Append an event (redacted before it is stored or forwarded). */
  emit(event: NewEvent): SessionEvent;
  /** Report an error event with a vendor code/message/request id where there is one. */
  fail(error: VendorError): SessionEvent;
  /** Value of a credential field from the keychain (profile) or the environment (CLI); registered for redaction. */
  credential(name: string): Promise<string>;
  /** Register a derived secret (a signature key, a token minted here) so it is redacted everywhere. */
  addSecret(value: string): void;
  /** Send an HTTP request and record `http.request`/`http.response` events (headers redacted). */
  http(request: HttpRequestSpec): Promise<HttpExchange>;
  /** Write an artifact (audio, capture) into the session folder; returns its file name relative to that folder. */
  writeFile(name: string, bytes: Uint8Array): Promise<string>;
  /** Called for `session.send` actions (socket sessions): the vendor registers its handler here. */
  onAction(handler: (action: string, data: unknown) => Promise<unknown> | unknown): void;
}

/** An error as the vendor reported it. `code`/`message`/`requestId` are the vendor's own. */
export interface VendorError {
  code: string;
  message: string;
  requestId?: string;
  httpStatus?: number;
  /** Where in the payload the error points (JSON pointer), e.g. from a 422 `loc`. */
  field?: string;
  details?: unknown;
}

/** Result of an operation run. For socket/room sessions `run` resolves when the session is over. */
export interface OperationOutcome {
  ok: boolean;
  summary: string;
  result?: unknown;
  error?: VendorError;
}

/** A signed request shown in the inspector, with secrets masked. */
export interface RequestInspection {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Vendor-specific steps, e.g. TC3 canonicalRequest / stringToSign / signature. */
  steps: { label: string; value: string }[];
  warnings: string[];
  /** Socket sessions (method WEBSOCKET): the text messages sent first, in order (credentials masked), for copy as code. */
  messages?: string[];
}

export interface OperationDescriptor {
  id: string;
  title: Localized;
  description?: Localized;
  /** http: one request/response. socket: a long-lived socket driven by actions. room: control-plane call, then the renderer joins a room. */
  transport: 'http' | 'socket' | 'room';
  schema: JsonSchema;
  /** Ready-to-send payload (from the vendor doc) used as the form's starting value. */
  example: Record<string, unknown>;
  /** Actions accepted by `session.send` while the session runs (socket sessions). */
  actions?: { id: string; title: Localized; schema?: JsonSchema }[];
  run(ctx: SessionContext): Promise<OperationOutcome>;
  /** Build and sign the request without sending it, for the inspector. */
  inspect?(ctx: InspectContext): Promise<RequestInspection>;
  /** Extra checks JSON Schema cannot express (e.g. interruptWords required when interruptMode is 4). */
  validate?: PayloadRule;
  /**
   * Room operations that start a vendor-side task (a bot that keeps running, and billing, until told to stop): end
   * it when the session is stopped (StopAIConversation, task/close). Runs inside the session after the stop, so its
   * events land in the same record; `result` is the control-plane result of the run.
   */
  closeTask?(ctx: SessionContext, result: unknown): Promise<OperationOutcome>;
  /**
   * Ids in the payload that name one vendor task and must differ between runs started by Parley itself (compare,
   * case runs, re-runs): a second run with the same RoomId / SessionId / cname is refused while the first task lives.
   * Returns the payload for this run and the fields it changed.
   */
  perRunIds?(payload: Record<string, unknown>, runId: string): { payload: Record<string, unknown>; changed: { path: string; from: unknown; to: unknown }[] };
}

/** A vendor's payload rules beyond JSON Schema, by operation id: plain code the renderer imports too (its VendorUi). */
export type PayloadRules = Readonly<Record<string, PayloadRule>>;
/** Checks of one operation's payload that JSON Schema cannot express (the operation's `validate`). */
export type PayloadRule = (payload: Record<string, unknown>) => PayloadError[];

export interface InspectContext {
  profile: Profile;
  sandboxUrl: string | undefined;
  payload: Record<string, unknown>;
  credential(name: string): Promise<string>;
  /** Mask a secret for display: keeps the last four characters. */
  mask(value: string): string;
  now: () => number;
}

/**
 * One finding about a payload. Vendor payloads follow the fidelity rule (docs/vendors/README.md): a constraint the
 * vendor documents is an `error` (the user may still "send anyway"); a constraint Parley only inferred, and a field
 * the vendor's documentation does not list, is a `warning` and the request goes out.
 */
export interface PayloadError {
  /** JSON pointer of the field, '' for the whole payload. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Where the rule comes from (absent for Parley's own rules and for fields the documentation does not list). */
  source?: ConstraintSource;
}

/** The `x-source` annotation of a schema node: whether its constraints are in the vendor's document, and where. */
export interface ConstraintSource {
  kind: 'documented' | 'inferred';
  /** `docs/vendors/<vendor>.md#<anchor>`: the entry that states the fact and cites the vendor's own page. */
  ref: string;
}

/**
 * Everything shared code knows about a vendor. A vendor is its folders (here and under src-renderer/src/vendors) plus
 * one line in registry.ts; every list of vendors (contract, profiles, case files, bundles, sidebar, log filter, CLI,
 * external links, room-frame CSP) is derived from the registered descriptors. `Id` keeps the literal id, so the
 * renderer's registry is checked against the built-in ones by the type checker.
 */
export interface VendorDescriptor<Id extends string = string> {
  id: Id;
  title: Localized;
  /** The vendor's hue in the sidebar, the panel and the log's kind chips (a #rrggbb colour readable on the dark background). */
  color: string;
  /** Hosts of the vendor's documentation and console that links may open (https, exact host match). */
  docsHosts: string[];
  /** The secret and non-secret values a profile needs; the CLI reads each from PARLEY_<VENDOR>_<NAME> (credentialEnvName). */
  credentials: CredentialField[];
  /** Non-secret profile settings (endpoint, region, variant, auth method ...). */
  settingsSchema: JsonSchema;
  /** Settings of a new profile for this target. */
  defaultSettings(target: 'sandbox' | 'live'): Record<string, unknown>;
  operations: OperationDescriptor[];
  /** Registers the vendor's routes on the shared loopback host, under `/<vendor>` (before the host starts). */
  mountSandbox(host: SandboxHost): void;
  /**
   * Credentials the sandbox accepts. Public demo values, not secrets of anyone's, but handled as secrets
   * (keychain, redaction) so the sandbox exercises the same paths as live mode.
   */
  sandboxCredentials: Record<string, string>;
  /** Room vendors: the RTC SDK's network needs, for the room frame's Content-Security-Policy (src-main/app/csp.ts). */
  room?: RoomFrameSpec;
  /** Room vendors: the parameters for the console's own user to join the room of a running session. */
  roomJoin?(ctx: RoomJoinContext): Promise<RoomJoinInfo<Id, object>>;
  /**
   * Room vendors: a short-lived room credential for any user id of this profile (TRTC UserSig for the bot's
   * AgentConfig.UserSig), minted in main from a keychain secret. Like roomJoin's, it is handed to the renderer.
   */
  mintRoomCredential?(ctx: RoomCredentialContext, request: RoomCredentialRequest): Promise<RoomCredential>;
  /**
   * How Parley holds a voice conversation with a running session of this vendor: the one place a vendor names its
   * voice-turn path, which cases, compare, re-runs and scenarios (app and CLI) all open (workflows/voice-turns.ts).
   * Absent: the vendor has no voice conversation (a socket session still takes the generic send_wav / text /
   * wait_turn actions in single-turn runs). The registry requires it of every built-in room vendor.
   */
  voiceTurns?: VoiceTurns;
  /**
   * `parley …` commands of this vendor's own (signing helpers, a command shaped for its protocol). Loaded when the CLI
   * runs, not with the descriptor: they are built on the CLI's session runner, which reads this registry.
   */
  cli?: () => Promise<CliCommand[]>;
}

/**
 * A vendor's voice-turn path:
 * - `core`: the vendor's own conversation in core (its socket session, or a headless room client), loaded when used;
 *   `text` says whether a turn may send text as text (else text is spoken by the built-in TTS first); `usesAgent`
 *   says when that conversation goes through the turn agent after all (so the CLI has its page up first);
 * - `agent`: the turn agent, a page running the vendor's renderer room code (the app's window; in the CLI, headless
 *   Chromium); it takes speech only, so text turns are spoken by the built-in TTS in core. Needs `room`.
 */
export type VoiceTurns =
  | {
      via: 'core';
      open: ConversationOpener;
      text: boolean;
      /** Whether its conversation hands the room to the turn agent on this target (Convai's loopback sandbox room). */
      usesAgent?: (target: 'sandbox' | 'live') => boolean;
    }
  | { via: 'agent' };

/** What the room frame running a vendor's RTC SDK may do beyond Parley's defaults (each need found by joining under the policy). */
export interface RoomFrameSpec {
  /** The RTC SDK its rooms run on (the room frame's driver). */
  sdk: RoomSdk;
  /** Every origin the SDK connects to (CSP connect-src), with why, next to the list. Loopback is always allowed for the sandbox rooms. */
  connectSources: readonly string[];
  /** The SDK evaluates strings (Function(), eval): script-src 'unsafe-eval' in its frame only. */
  evalScripts?: boolean;
  /** The SDK loads AudioWorklet code from blob: URLs: script-src blob:. */
  blobScripts?: boolean;
}

/** Parameters the renderer needs to join a vendor's RTC room for a running session (minted in main, per join). */
/**
 * A room vendor's join information. Each vendor declares its own `params` (ConvaiJoinParams, …); what room.join answers
 * is the union of the built-in vendors' (BuiltInRoomJoinInfo in registry.ts), which the renderer tells apart by `vendor`.
 */
export interface RoomJoinInfo<Id extends string = VendorId, Params extends object = Record<string, unknown>> {
  vendor: Id;
  /** SDK-specific join parameters (LiveKit url+token, TRTC sdkAppId/userId/userSig/roomId, NERTC appkey/channel/uid/token). */
  params: Params;
  /** Credential values inside `params` that the renderer must not store or log. */
  sensitive: string[];
}

export interface RoomCredentialRequest {
  userId: string;
  expireSeconds?: number;
}

export interface RoomCredential {
  credential: string;
  expiresAt: string;
  /** Non-secret values that belong with it (e.g. the SdkAppId the UserSig was issued for). */
  params: Record<string, unknown>;
}

export interface RoomCredentialContext {
  profile: Profile;
  credential(name: string): Promise<string>;
}

export interface RoomJoinContext {
  profile: Profile;
  /** The control-plane result of the session (connect response, StartAIConversation result ...). */
  result: unknown;
  payload: Record<string, unknown>;
  credential(name: string): Promise<string>;
  /** Sandbox profiles: the vendor's sandbox base URL, whose room service the sandbox SDK in the room frame joins. */
  sandboxUrl?: string;
}
