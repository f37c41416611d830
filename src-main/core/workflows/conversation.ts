/**
 * A voice conversation with a vendor session that has already started: the one interface through which compare,
 * case runs, scenarios, history and bundle re-runs, and the CLI speak to any vendor and measure what the caller hears.
 *
 * Who implements it (one opener per vendor, chosen by its transport):
 * - socket vendors (Mindcraft): the socket session itself, in core;
 * - room vendors: headless over LiveKit (Convai, @livekit/rtc-node) or the turn agent in the renderer (the vendor's
 *   RoomSession in a room frame that is not the panel the user looks at; in the CLI, the agent page in headless
 *   Chromium). Sandbox and live rooms go through the same code above the SDK boundary.
 *
 * Every figure is measured at the client on one clock (milliseconds on the session's clock unless named otherwise);
 * vendor-reported figures are kept apart in `vendorFigures`, labelled, and never mixed into the measured ones.
 * A figure that could not be measured is null, with the reason in `why`.
 */
import type { SessionManager } from '../session/manager.ts';
import type { OperationDescriptor, VendorId } from '../vendors/types.ts';

/** What the user says in one turn: a WAV file (absolute path) or a text (sent as text, or spoken by the TTS). */
export interface SpokenInput {
  wav?: string;
  text?: string;
  /** Text turns only: speak the text with the built-in TTS (espeak-ng) instead of sending it as a text message. */
  speak?: boolean;
}

/** How a turn is interrupted: after `afterMs` of audible bot audio, by speaking over it or through the vendor's interrupt path. */
export interface TurnInterrupt {
  afterMs: number;
  by: 'speech' | 'message';
  /** The speech to barge in with (absolute WAV path); the turn's own input when absent. */
  wav?: string;
}

export interface TurnRequest {
  input: SpokenInput;
  interrupt?: TurnInterrupt;
  /** Give up this long after the turn started (the turn then fails with code TURN_TIMEOUT). */
  timeoutMs: number;
}

export type Measured = number | null;

/** What the client measured in one turn. */
export interface TurnMeasurement {
  /** 1-based, in the order of the conversation. */
  turn: number;
  /** Which path the turn took, for the run's report: `socket`, `livekit` (rtc-node), `agent` (renderer turn agent). */
  transport: 'socket' | 'livekit' | 'agent';
  /** The operation's set-up (first turn only; null afterwards). */
  setupMs: Measured;
  /** Session start to the first message from the vendor (first turn only). */
  firstServerEventMs: Measured;
  /** The turn's start (first sample sent, or text sent) to the first audible bot sample at the player. */
  firstAudioMs: Measured;
  /** End of the user's speech (last audible sample sent; for text, the message sent) to the first audible bot sample. */
  responseLatencyMs: Measured;
  /** First to last audible sample of the answer, in seconds. */
  botAudioS: Measured;
  /** Interrupted turns: the barge-in (speech start, or the interrupt message sent) to the bot's last audible sample. */
  interruptionRecoveryMs: Measured;
  /** What the vendor recognised of the user's speech (final transcript), and what the bot said (its text). */
  recognisedText: string | null;
  botText: string | null;
  /** The bot's audio of this turn as received, a file in the session's folder: WAV, or mp3 where the vendor sends mp3 (absent when there was none). */
  botAudioFile?: string;
  /** Figures the vendor reported about this turn, by the vendor's own names (labelled "reported" wherever shown). */
  vendorFigures: Record<string, number>;
  /** Why a measured figure is null, by its name. */
  why: Record<string, string>;
}

export interface VoiceConversation {
  /** One turn: say the input, wait for the answer to end (or interrupt it), and report what was measured. */
  turn(request: TurnRequest): Promise<TurnMeasurement>;
  /** A vendor action between turns (Mindcraft stop output, Tencent ControlAIConversation, a Convai client message). */
  action(id: string, args: Record<string, unknown>): Promise<unknown>;
  /** Leave the room / close the socket. The session itself is stopped by the caller. Safe to call twice. */
  close(): Promise<void>;
}

/** What an opener throws when the session ended before there was anything to talk to: the session's record says why. */
export class NoConversationError extends Error {
  readonly code = 'NO_CONVERSATION';
}

export type ConversationOpener = (manager: SessionManager, sessionId: string, vendor: VendorId, op: OperationDescriptor) => Promise<VoiceConversation>;
