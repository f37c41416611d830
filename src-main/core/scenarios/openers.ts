/**
 * Which vendors have a voice-turn path, and how to open it: one ConversationOpener per vendor (loaded when used:
 * Convai's starts the LiveKit worker). A vendor missing here has no voice turns yet, and the scenario runner says
 * so for each of its turns instead of running them.
 */
import type { ConversationOpener } from '../workflows/conversation.ts';
import type { VendorId } from '../vendors/types.ts';

/** How long joining a room (or getting the socket ready) may take before the first turn. */
export const OPEN_TIMEOUT_MS = 60_000;

export const CONVERSATION_OPENERS: Partial<Record<VendorId, ConversationOpener>> = {
  mindcraft: async (...args) => (await import('../vendors/mindcraft/conversation.ts')).openMindcraftConversation(...args),
  convai: async (manager, sessionId) => {
    const { joinConvaiRoom } = await import('../vendors/convai/livekit-turn.ts');
    const room = await joinConvaiRoom(manager, sessionId, { timeoutMs: OPEN_TIMEOUT_MS });
    if (!room) throw new Error('/connect failed, so there is no room to talk in (the session record says why)');
    return room;
  },
};

export function noVoiceTurnPath(vendor: string): string {
  return `no voice-turn path for ${vendor} yet: its turns need the room turn agent, which this build does not have`;
}
