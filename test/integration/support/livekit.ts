import { findLiveKitServer } from '../../../src-main/core/livekit/server.ts';

/**
 * The livekit-server these tests run the Convai sandbox room on, as the environment of a child process. npm test and
 * CI find or build it (scripts/livekit-server.sh); without one the tests fail here, saying so, rather than skipping.
 */
export function liveKitServer(): string {
  const found = findLiveKitServer();
  if (!found.found) throw new Error(`the LiveKit tests need livekit-server: ${found.reason} (npm test runs scripts/livekit-server.sh, which builds it)`);
  return found.path;
}

export function liveKitEnv(): Record<string, string> {
  return { PARLEY_LIVEKIT_SERVER: liveKitServer() };
}
