/**
 * "Continue conversation" memory: the last character_session_id per profile and character.
 *
 * Decision: it lives in the profile's own settings (`settings.conversations[character_id]`), i.e. in
 * profiles.json next to the other profile settings. It is not a secret, belongs to exactly one profile (a
 * different API key is a different Convai account, so its sessions mean nothing elsewhere), is deleted with
 * the profile, and needs no new contract operation: the renderer saves it with `profiles.save` after a 200,
 * the CLI with the profile store when `--profile` is given. Sessions of the sandbox and live targets never
 * mix because they are different profiles.
 *
 * Pure functions over a settings object, so the renderer (which must not import node modules) uses them too.
 */
export interface RememberedConversation {
  character_session_id: string;
  updated_at: string;
}

export type ConversationMemory = Record<string, RememberedConversation>;

export function conversationsOf(settings: Record<string, unknown> | undefined): ConversationMemory {
  const c = settings?.conversations;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as ConversationMemory) : {};
}

export function rememberedSession(settings: Record<string, unknown> | undefined, characterId: string): RememberedConversation | undefined {
  return conversationsOf(settings)[characterId];
}

/** New settings with this character's session remembered (the input is not modified). */
export function rememberSession(settings: Record<string, unknown>, characterId: string, characterSessionId: string, now = new Date()): Record<string, unknown> {
  return {
    ...settings,
    conversations: { ...conversationsOf(settings), [characterId]: { character_session_id: characterSessionId, updated_at: now.toISOString() } },
  };
}

/** New settings without this character's session ("new conversation" and forget). */
export function forgetSession(settings: Record<string, unknown>, characterId: string): Record<string, unknown> {
  const rest = { ...conversationsOf(settings) };
  delete rest[characterId];
  return { ...settings, conversations: rest };
}

/** The payload for "continue conversation" (remembered id set) or "new conversation" (id removed). */
export function withConversation(payload: Record<string, unknown>, characterSessionId: string | undefined): Record<string, unknown> {
  const out = { ...payload };
  if (characterSessionId) out.character_session_id = characterSessionId;
  else delete out.character_session_id;
  return out;
}
