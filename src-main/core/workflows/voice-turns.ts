/**
 * The one way to open a voice conversation with a started session, for cases, compare, re-runs and scenarios in the
 * app and the CLI: derived from the vendor's descriptor (`voiceTurns`, vendors/types.ts), nothing listed here.
 * - `core` vendors open their own conversation (Mindcraft's socket session, Convai's room joined headless);
 * - `agent` vendors (Tencent, NetEase) go through the turn agent (turn-agent.ts), which needs a page that runs room
 *   turns: the app's window, or the CLI's headless Chromium, launched on the first turn that needs it.
 * A path that takes speech only hears a text turn spoken by the built-in TTS (espeak-ng) first: the WAV is made in
 * core, kept in the session's own folder (so it travels with the record), and sent as the turn's speech.
 */
import type { SessionManager } from '../session/manager.ts';
import { vendorById } from '../vendors/registry.ts';
import type { VendorId } from '../vendors/types.ts';
import { speakText } from '../voice/node/tts.ts';
import type { ConversationOpener, TurnRequest, VoiceConversation } from './conversation.ts';

/** The vendor's conversation opener, or null when it has no voice-turn path. */
export function conversationOpener(vendor: VendorId): ConversationOpener | null {
  const path = vendorById(vendor).voiceTurns;
  if (!path) return null;
  if (path.via === 'core' && path.text) return path.open;
  const open: ConversationOpener = path.via === 'core' ? path.open : async (...args) => (await import('./turn-agent.ts')).agentConversation(...args);
  return async (manager, sessionId, v, op) => speakingText(manager, sessionId, await open(manager, sessionId, v, op));
}

/**
 * Whether a voice conversation with this vendor can be held by this engine: it has a path, and an `agent` path has
 * a page listening or one to launch. Without it a room run measures up to the control plane.
 */
export async function canTalkHere(manager: SessionManager, vendor: VendorId): Promise<boolean> {
  const path = vendorById(vendor).voiceTurns;
  if (!path) return false;
  if (path.via === 'core') return true;
  const { turnAgents } = await import('./turn-agent.ts');
  return turnAgents(manager).available;
}

/** Every vendor's opener that has one, by id (what the scenario runner is given). */
export function conversationOpeners(vendors: readonly { id: VendorId }[]): Partial<Record<VendorId, ConversationOpener>> {
  const out: Partial<Record<VendorId, ConversationOpener>> = {};
  for (const { id } of vendors) {
    const open = conversationOpener(id);
    if (open) out[id] = open;
  }
  return out;
}

export function noVoiceTurnPath(vendor: string): string {
  return `no voice-turn path for ${vendor}: its descriptor names no voiceTurns, so its turns cannot be spoken`;
}

/** A conversation whose text turns are spoken by the built-in TTS, for a path that takes speech only. */
function speakingText(manager: SessionManager, sessionId: string, conversation: VoiceConversation): VoiceConversation {
  return {
    async turn(request: TurnRequest) {
      const text = request.input.text;
      if (request.input.wav || !text) return conversation.turn(request);
      const spoken = await speakText(text, { cacheDir: manager.directory.artifactsDir(sessionId) });
      manager.record(sessionId, [
        {
          kind: 'turn.tts',
          dir: 'local',
          summary: `text spoken by the built-in TTS (${spoken.voice}, ${spoken.seconds.toFixed(1)} s): this path takes speech only`,
          data: { text, voice: spoken.voice, seconds: spoken.seconds },
        },
      ]);
      return conversation.turn({ ...request, input: { wav: spoken.file } });
    },
    action: (id, args) => conversation.action(id, args),
    close: () => conversation.close(),
  };
}
