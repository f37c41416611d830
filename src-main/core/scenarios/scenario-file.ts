/**
 * Scenarios: version 2 of the case file (`<name>.parley-case.json`). One file holds several turns of one conversation
 * and the vendors it runs against; each turn says an utterance (a library utterance, a WAV with its reference text,
 * or a text sent or spoken by the TTS), waits for the answer or interrupts it, and states what it expects. Steps
 * between turns pause or send a vendor's own action.
 *
 * Version 1 files (one turn, one vendor) are still read: `readScenarioOrCase` returns them as they are, and
 * `migrateCase` turns one into a one-turn scenario in memory (the editor opens it so). A migrated file is written
 * back only when the user saves it, and only as a new file unless they choose to overwrite.
 *
 * Decisions where the issue is silent:
 * - A turn's recognition limit is written `maxCer` for languages scored by CER (Chinese, Japanese) and `maxWer` for
 *   the others (voice/accuracy.ts metricForLanguage); the wrong one for the turn's language is an error naming it.
 * - Rates are fractions (0.1 = 10 %), as the figures are reported.
 * - A vendor action step names the action per vendor; a vendor it does not name skips it (and the report says so).
 */
import { basename, dirname, resolve } from 'node:path';
import type { JsonSchema } from '../schema.ts';
import { validateSchema } from '../payload.ts';
// Parley's own file schema: compiled by Node on first use (the build generates validators for vendor schemas only).
import '../validation/node-compiler.ts';
import { MiB, readRegularFile } from '../paths.ts';
import { metricForLanguage, type ScoringMetric } from '../voice/accuracy.ts';
import { CASE_SUFFIX, parseCase, type CaseFile } from '../workflows/case-file.ts';
import type { VendorId } from '../vendors/types.ts';
import { VENDORS } from '../vendors/registry.ts';

export const SCENARIO_VERSION = 2;

/** What the user says: one of a library utterance, a WAV file with its reference text, or a text. */
export interface ScenarioSay {
  /** An utterance id: the scenario folder's own library (utterances/utterances.json) first, then the shipped one. */
  utterance?: string;
  /** A WAV file, relative to the scenario file's folder. */
  wav?: string;
  /** What is said in `wav` (the reference text recognition is scored against); the text itself for a text turn. */
  reference?: string;
  text?: string;
  /** Text turns: speak the text with the built-in TTS (espeak-ng) instead of sending it as a text message. */
  speak?: boolean;
  /** BCP 47 language of what is said ("zh", "en"); from the library or guessed from the reference when absent. */
  language?: string;
}

export interface ScenarioInterrupt {
  /** Interrupt after this many ms of audible bot audio. */
  afterMs: number;
  by: 'speech' | 'message';
  /** The speech to barge in with: an utterance id; the turn's own speech when absent. */
  utterance?: string;
}

export interface TurnExpectations {
  /** Upper bounds, ms, on what the client measured. */
  responseLatencyMs?: number;
  firstAudioMs?: number;
  interruptionRecoveryMs?: number;
  /** Upper bound on the recognised text's CER (Chinese, Japanese) against the reference, 0.1 = 10 %. */
  maxCer?: number;
  /** Upper bound on the recognised text's WER (other languages) against the reference. */
  maxWer?: number;
  /** A regular expression (JavaScript syntax, case-insensitive) the bot's text must match. */
  botText?: string;
  /** Event kinds that must appear in the session record during this turn. */
  eventKinds?: string[];
  /** The vendor error code this turn must end with (a negative test). */
  errorCode?: string;
}

export interface SayStep {
  say: ScenarioSay;
  interrupt?: ScenarioInterrupt;
  expect?: TurnExpectations;
  /** Give up on the turn after this long (default 60 s). */
  timeoutMs?: number;
  /** A label for reports ("greeting"); "turn N" otherwise. */
  name?: string;
}

export interface PauseStep {
  pauseMs: number;
}

export interface ActionStep {
  /** The action per vendor: Mindcraft `stop_output`, Tencent `ControlAIConversation`, a Convai client message. */
  action: Partial<Record<VendorId, { id: string; args?: Record<string, unknown> }>>;
}

export type ScenarioStep = SayStep | PauseStep | ActionStep;

export interface ScenarioTarget {
  operation: string;
  payload: Record<string, unknown>;
  profile?: string;
}

export interface Scenario {
  version: 2;
  name: string;
  /** The vendors this scenario runs against, each with its operation and payload. */
  vendors: Partial<Record<VendorId, ScenarioTarget>>;
  steps: ScenarioStep[];
  /** Set on a scenario made from a version 1 file in memory; never written. */
  migratedFrom?: 1;
}

const ID = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' } as const;
const ms = (max: number) => ({ type: 'number', minimum: 0, maximum: max }) as const;
const rate = { type: 'number', minimum: 0, maximum: 10 } as const;

const SAY_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    utterance: ID,
    wav: { type: 'string', minLength: 1, maxLength: 1024 },
    reference: { type: 'string', minLength: 1, maxLength: 2000 },
    text: { type: 'string', minLength: 1, maxLength: 2000 },
    speak: { type: 'boolean' },
    language: { type: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' },
  },
};

const TARGET_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['operation', 'payload'],
  additionalProperties: false,
  properties: {
    operation: { type: 'string', minLength: 1, maxLength: 120 },
    payload: { type: 'object' },
    profile: { type: 'string', minLength: 1, maxLength: 120 },
  },
};

/** The registered vendors' ids, in registry order: the vendors a scenario may name. */
const vendorIds = (): VendorId[] => VENDORS.map((v) => v.id);

let scenarioSchemaFor: { ids: string; schema: JsonSchema } | undefined;
/** The scenario file's schema for the vendors registered now (built once per vendor list: a test may add one). */
export function scenarioSchema(): JsonSchema {
  const ids = vendorIds().join(',');
  if (scenarioSchemaFor?.ids !== ids) scenarioSchemaFor = { ids, schema: buildScenarioSchema(vendorIds()) };
  return scenarioSchemaFor.schema;
}

const buildScenarioSchema = (ids: VendorId[]): JsonSchema => ({
  type: 'object',
  required: ['version', 'name', 'vendors', 'steps'],
  additionalProperties: false,
  properties: {
    version: { const: SCENARIO_VERSION },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    vendors: { type: 'object', additionalProperties: false, properties: Object.fromEntries(ids.map((v) => [v, TARGET_SCHEMA])) },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          say: SAY_SCHEMA,
          name: { type: 'string', minLength: 1, maxLength: 120 },
          timeoutMs: { type: 'number', minimum: 1000, maximum: 600_000 },
          interrupt: {
            type: 'object',
            required: ['afterMs', 'by'],
            additionalProperties: false,
            properties: { afterMs: ms(120_000), by: { enum: ['speech', 'message'] }, utterance: ID },
          },
          expect: {
            type: 'object',
            additionalProperties: false,
            properties: {
              responseLatencyMs: ms(600_000),
              firstAudioMs: ms(600_000),
              interruptionRecoveryMs: ms(600_000),
              maxCer: rate,
              maxWer: rate,
              botText: { type: 'string', minLength: 1, maxLength: 500 },
              eventKinds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 120 }, maxItems: 100 },
              errorCode: { type: 'string', minLength: 1, maxLength: 200 },
            },
          },
          pauseMs: ms(600_000),
          action: {
            type: 'object',
            additionalProperties: false,
            properties: Object.fromEntries(
              ids.map((v) => [
                v,
                {
                  type: 'object',
                  required: ['id'],
                  additionalProperties: false,
                  properties: { id: { type: 'string', minLength: 1, maxLength: 120 }, args: { type: 'object' } },
                },
              ]),
            ),
          },
        },
      },
    },
  },
});

export class ScenarioFileError extends Error {
  readonly code = 'SCENARIO_INVALID';
}

export const MAX_SCENARIO_BYTES = 4 * MiB;

export function isSayStep(step: ScenarioStep): step is SayStep {
  return 'say' in step;
}
export function isPauseStep(step: ScenarioStep): step is PauseStep {
  return 'pauseMs' in step;
}
export function isActionStep(step: ScenarioStep): step is ActionStep {
  return 'action' in step;
}

/** The rules JSON Schema cannot say: one kind per step, one input per turn, the metric matching the language. */
function checkStep(step: Record<string, unknown>, at: string, source: string): void {
  const kinds = ['say', 'pauseMs', 'action'].filter((k) => k in step);
  if (kinds.length !== 1)
    throw new ScenarioFileError(
      `${source}: ${at}: a step is exactly one of "say" (a turn), "pauseMs" or "action", got ${kinds.length ? kinds.join(' and ') : 'none'}`,
    );
  if (!('say' in step)) {
    const extra = ['interrupt', 'expect', 'timeoutMs', 'name'].filter((k) => k in step);
    if (extra.length) throw new ScenarioFileError(`${source}: ${at}/${extra[0]}: only a "say" turn takes ${extra.join(', ')}`);
    return;
  }
  const say = step.say as ScenarioSay;
  const given = (['utterance', 'wav', 'text'] as const).filter((k) => say[k] !== undefined);
  if (given.length !== 1)
    throw new ScenarioFileError(`${source}: ${at}/say: give exactly one of utterance, wav or text, got ${given.length ? given.join(' and ') : 'none'}`);
  if (say.wav !== undefined && say.reference === undefined)
    throw new ScenarioFileError(`${source}: ${at}/say/reference: a WAV turn needs the reference text of what is said in it (recognition is scored against it)`);
  if (say.wav !== undefined && !/\.wav$/i.test(say.wav)) throw new ScenarioFileError(`${source}: ${at}/say/wav: expected a .wav file, got "${say.wav}"`);
  if (say.speak !== undefined && say.text === undefined) throw new ScenarioFileError(`${source}: ${at}/say/speak: only a text turn can be spoken by the TTS`);
  if (say.reference !== undefined && say.utterance !== undefined)
    throw new ScenarioFileError(`${source}: ${at}/say/reference: a library utterance has its own reference text; remove this field`);
  const exp = (step.expect ?? {}) as TurnExpectations;
  if (say.text !== undefined && !say.speak && (exp.maxCer !== undefined || exp.maxWer !== undefined))
    throw new ScenarioFileError(
      `${source}: ${at}/expect/${exp.maxCer !== undefined ? 'maxCer' : 'maxWer'}: a text sent as a message is not recognised; speak it ("speak": true) or remove the limit`,
    );
  if (exp.maxCer !== undefined && exp.maxWer !== undefined)
    throw new ScenarioFileError(`${source}: ${at}/expect: give maxCer (Chinese, Japanese) or maxWer (other languages), not both`);
  if (exp.botText !== undefined) {
    try {
      new RegExp(exp.botText, 'iu');
    } catch (err) {
      throw new ScenarioFileError(`${source}: ${at}/expect/botText: not a regular expression (${(err as Error).message})`);
    }
  }
  if (exp.interruptionRecoveryMs !== undefined && !step.interrupt)
    throw new ScenarioFileError(`${source}: ${at}/expect/interruptionRecoveryMs: this turn does not interrupt the bot; add "interrupt" or remove the budget`);
  if (say.language && (exp.maxCer !== undefined || exp.maxWer !== undefined))
    checkMetric(metricForLanguage(say.language), exp, `${source}: ${at}/expect`, say.language);
}

/** The turn's rate limit must be the metric its language is scored by. */
export function checkMetric(metric: ScoringMetric, exp: TurnExpectations, where: string, language: string): void {
  if (metric === 'cer' && exp.maxWer !== undefined)
    throw new ScenarioFileError(`${where}/maxWer: this turn is in "${language}", scored by CER (characters); write maxCer instead`);
  if (metric === 'wer' && exp.maxCer !== undefined)
    throw new ScenarioFileError(`${where}/maxCer: this turn is in "${language}", scored by WER (words); write maxWer instead`);
}

/**
 * Parse and check a version 2 file's text. Errors name the file and the field (a JSON pointer such as
 * `/steps/2/expect/maxCer`), and never quote the file.
 */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  const value = parseJsonObject(text, source);
  if (value.version !== SCENARIO_VERSION)
    throw new ScenarioFileError(`${source}: /version: expected ${SCENARIO_VERSION} for a scenario (version 1 files are single-turn cases)`);
  const errors = validateSchema(scenarioSchema(), value);
  if (errors.length) throw new ScenarioFileError(`${source}: ${errors.map((e) => e.message).join('; ')}`);
  const s = value as unknown as Scenario;
  if (!Object.keys(s.vendors).length)
    throw new ScenarioFileError(
      `${source}: /vendors: name at least one vendor to run against (${vendorIds().join(', ')}), each with its operation and payload`,
    );
  for (const [i, step] of s.steps.entries())
    if (isActionStep(step) && !Object.keys(step.action).length)
      throw new ScenarioFileError(`${source}: /steps/${i}/action: name the action for at least one vendor, e.g. {"mindcraft": {"id": "stop_output"}}`);
  s.steps.forEach((step, i) => checkStep(step as unknown as Record<string, unknown>, `/steps/${i}`, source));
  if (!s.steps.some(isSayStep)) throw new ScenarioFileError(`${source}: /steps: a scenario needs at least one "say" turn`);
  for (const [i, step] of s.steps.entries())
    if (isActionStep(step))
      for (const v of Object.keys(step.action))
        if (!(v in s.vendors))
          throw new ScenarioFileError(`${source}: /steps/${i}/action/${v}: ${v} is not one of this scenario's vendors (${Object.keys(s.vendors).join(', ')})`);
  return s;
}

function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ScenarioFileError(`${source}: not JSON, so not a Parley case file (is it damaged?)`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ScenarioFileError(`${source}: not a Parley case file (expected a JSON object with version, name, ...)`);
  return value as Record<string, unknown>;
}

/** A version 1 case or a version 2 scenario, by the file's `version`. */
export type CaseOrScenario = { version: 1; case: CaseFile } | { version: 2; scenario: Scenario };

export function parseCaseOrScenario(text: string, source = 'case'): CaseOrScenario {
  const value = parseJsonObject(text, source);
  if (value.version === SCENARIO_VERSION) return { version: 2, scenario: parseScenario(text, source) };
  return { version: 1, case: parseCase(text, source) };
}

export function readCaseOrScenario(path: string): CaseOrScenario {
  return parseCaseOrScenario(readRegularFile(path, MAX_SCENARIO_BYTES, basename(path)).toString('utf8'), basename(path));
}

/**
 * A version 1 case as a one-turn scenario (in memory). Its turn keeps what a v1 case checks per turn (error code,
 * event kinds); the status and the latency budgets of the whole session stay with the v1 runner and are carried in
 * `legacyChecks` so the editor can say they exist.
 */
export function migrateCase(c: CaseFile): Scenario & { legacyChecks: { status?: number; latencyBudgetsMs?: Record<string, number> } } {
  const say: ScenarioSay = c.input?.wav ? { wav: c.input.wav, reference: c.input.text ?? '' } : { text: c.input?.text ?? '' };
  if (say.wav !== undefined && !say.reference) delete say.reference;
  const expect: TurnExpectations = {};
  if (c.expectations?.errorCode) expect.errorCode = c.expectations.errorCode;
  if (c.expectations?.eventKinds?.length) expect.eventKinds = c.expectations.eventKinds;
  const budgets = c.expectations?.latencyBudgetsMs ?? {};
  if (budgets.turn_latency_ms !== undefined) expect.responseLatencyMs = budgets.turn_latency_ms;
  if (budgets.first_audio_ms !== undefined) expect.firstAudioMs = budgets.first_audio_ms;
  return {
    version: 2,
    name: c.name,
    vendors: { [c.vendor]: { operation: c.operation, payload: c.payload, ...(c.profile ? { profile: c.profile } : {}) } },
    steps: c.input?.wav || c.input?.text ? [{ say, ...(Object.keys(expect).length ? { expect } : {}) }] : [],
    migratedFrom: 1,
    legacyChecks: {
      ...(c.expectations?.status !== undefined ? { status: c.expectations.status } : {}),
      ...(Object.keys(budgets).length ? { latencyBudgetsMs: budgets } : {}),
    },
  };
}

/** Stable serialisation, fixed key order, two-space indent, trailing newline (small diffs in git). */
export function serializeScenario(s: Scenario): string {
  const vendors: Scenario['vendors'] = {};
  for (const v of vendorIds()) {
    const t = s.vendors[v];
    if (t) vendors[v] = { operation: t.operation, ...(t.profile ? { profile: t.profile } : {}), payload: t.payload };
  }
  const steps = s.steps.map((step): ScenarioStep => {
    if (isPauseStep(step)) return { pauseMs: step.pauseMs };
    if (isActionStep(step)) return { action: step.action };
    const say = Object.fromEntries(
      (['utterance', 'wav', 'reference', 'text', 'speak', 'language'] as const).filter((k) => step.say[k] !== undefined).map((k) => [k, step.say[k]]),
    );
    return {
      ...(step.name ? { name: step.name } : {}),
      say,
      ...(step.interrupt ? { interrupt: step.interrupt } : {}),
      ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
      ...(step.expect && Object.keys(step.expect).length ? { expect: step.expect } : {}),
    };
  });
  const out = { version: SCENARIO_VERSION, name: s.name, vendors, steps };
  // What is written must read back: a scenario the editor built is checked like a file.
  const text = JSON.stringify(out, null, 2) + '\n';
  parseScenario(text, s.name || 'scenario');
  return text;
}

/** Absolute path of a step's WAV (relative to the scenario file's folder). */
export function resolveScenarioPath(scenarioFile: string | undefined, file: string): string {
  return scenarioFile ? resolve(dirname(scenarioFile), file) : resolve(file);
}

export { CASE_SUFFIX };
