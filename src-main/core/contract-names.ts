/**
 * The names of the contract's operations and push channels, with no run-time imports: the sandboxed preload bundles
 * this file, and contract.ts itself pulls in ajv (through payload.ts), which must not reach the preload.
 * A new operation in contract.ts fails the type check below until it is listed here (and the IPC surface snapshot in
 * test/unit/app changes with it, so a new channel is always a reviewed change).
 */
import type { OpName, PushEvents } from './contract.ts';

export const OP_NAME_LIST = [
  'app.info',
  'app.notices',
  'app.dismissNotice',
  'dialog.open',
  'dialog.save',
  'vendors.list',
  'profiles.list',
  'profiles.save',
  'profiles.delete',
  'secrets.status',
  'secrets.set',
  'secrets.delete',
  'payload.validate',
  'payload.inspect',
  'session.start',
  'session.send',
  'session.stop',
  'session.list',
  'session.events',
  'session.record',
  'session.readFile',
  'room.join',
  'agent.ready',
  'agent.claim',
  'agent.finish',
  'room.credential',
  'sandbox.info',
  'sandbox.fault',
  'cases.list',
  'cases.save',
  'cases.duplicate',
  'cases.rename',
  'cases.delete',
  'cases.run',
  'scenarios.list',
  'scenarios.read',
  'scenarios.save',
  'scenarios.utterances',
  'scenarios.utteranceAudio',
  'scenarios.addUtterance',
  'scenarios.run',
  'history.query',
  'history.detail',
  'history.rerun',
  'history.indexStatus',
  'compare.start',
  'compare.get',
  'compare.list',
  'compare.csv',
  'bundle.export',
  'bundle.import',
  'bundle.rerun',
  'bundle.restoreScenario',
  'code.snippets',
  'pins.get',
  'pins.set',
] as const satisfies readonly OpName[];

export const PUSH_CHANNEL_LIST = ['session.events', 'session.state'] as const satisfies readonly (keyof PushEvents)[];

type Unlisted = Exclude<OpName, (typeof OP_NAME_LIST)[number]>;
type UnlistedPush = Exclude<keyof PushEvents, (typeof PUSH_CHANNEL_LIST)[number]>;
/** Compile-time completeness check: `true` only when every operation and push channel is listed above. */
export const CONTRACT_NAMES_COMPLETE: [Unlisted | UnlistedPush] extends [never] ? true : { unlisted: Unlisted | UnlistedPush } = true;
