/**
 * Scenario sessions on the one session runner (workflows/session-runner.ts): the runner starts the vendor's session
 * (validation, profile, credentials, its own ids, the sandbox), `use` holds it while the conversation runs, then it is
 * stopped and its outcome reported, redacted. The app and the CLI differ only in the runner they pass.
 */
import type { RunToEnd } from '../workflows/session-runner.ts';
import type { ScenarioSessions } from './runner.ts';

export function runnerScenarioSessions(runner: RunToEnd): ScenarioSessions {
  return async (req, use) => {
    let failure: unknown;
    let used = false;
    const r = await runner({
      vendor: req.vendor,
      operation: req.operation,
      payload: req.payload,
      profile: req.profile,
      target: req.target,
      ownIds: true,
      drive: async (manager, sessionId, op) => {
        used = true;
        try {
          await use(manager, sessionId, op);
        } catch (err) {
          failure = err;
        } finally {
          if (manager.isLive(sessionId)) await manager.stop(sessionId);
        }
      },
    });
    // What the conversation threw is the scenario's to report, as if the session had been used directly.
    if (used && failure !== undefined) throw failure;
    return { sessionId: r.sessionId, profileName: r.profileName, outcome: r.outcome, sessionFile: r.sessionFile };
  };
}
