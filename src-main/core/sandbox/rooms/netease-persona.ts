/**
 * The NetEase RTC-AI bot in a sandbox room: the shared sandbox bot, heard through the NERTC client callbacks
 * (docs/vendors/netease.md#room-and-captions):
 * - `asr-captions` `AsrCaption[]` `{srcUid, timestamp, language, text, isFinal}`, only to members that started
 *   captions (startAsrCaptions), as the SDK delivers them: the user's caption when the bot has recognised the
 *   utterance (final), the bot's when it starts to answer (its first sentence, partial) and when its audio ends
 *   (the whole text, final; also when interrupted, since the audio that was heard was transcribed);
 * - `ai-data` `{type, data, uid}`: the payload schema is not documented anywhere retrievable, so the sandbox sends one
 *   inferred kind, `{type: "agent_state", data: {state}, uid}` with state listening, thinking, speaking or
 *   interrupted; the console keeps ai-data as received, so nothing depends on this shape.
 * aiManualInterrupt(uid) stops the bot when `uid` is the bot's, empty or 0 (the SDK then picks the first remote
 * stream, the bot here). data.asr.maxSentenceSilence (ms, 0 = the system default, 500 ms here) ends an utterance.
 */
import type { SandboxBot } from '../../voice/bot.ts';
import { sentences } from './tencent-persona.ts';
import type { BotSpec, RoomHandle, RoomPersona } from './service.ts';

/** The bot's uid in every sandbox room (NERTC uids are numbers up to 19 digits; the profile's botUid may name it). */
export const NETEASE_SANDBOX_BOT_UID = '900000001';
/** What maxSentenceSilence 0 ("system default") means in the sandbox. */
export const NETEASE_DEFAULT_SILENCE_MS = 500;

export function neteaseBotSpec(payload: Record<string, unknown>): BotSpec {
  const data = (payload.data ?? {}) as { asr?: { maxSentenceSilence?: unknown } };
  const asr = data.asr ?? {};
  const silence = typeof asr.maxSentenceSilence === 'number' && asr.maxSentenceSilence > 0 ? asr.maxSentenceSilence : NETEASE_DEFAULT_SILENCE_MS;
  return {
    botUserId: NETEASE_SANDBOX_BOT_UID,
    settings: { silenceMs: Math.min(silence, 60_000) },
    persona: (bot, room) => neteasePersona(bot, room),
  };
}

function neteasePersona(bot: SandboxBot, room: RoomHandle): RoomPersona {
  const captioned = new Set<string>();
  const replies = new Map<number, { text: string; language: string }>();
  const caption = (srcUid: string, text: string, language: string, isFinal: boolean) =>
    // AsrCaption.srcUid is a number in the SDK's types.d.ts.
    room.broadcast(
      { ev: 'asr-captions', list: [{ srcUid: /^\d+$/.test(srcUid) ? Number(srcUid) : srcUid, timestamp: Date.now(), language, text, isFinal }] },
      (u) => captioned.has(u),
    );
  const agentState = (state: string) =>
    room.broadcast({ ev: 'ai-data', data: { type: 'agent_state', data: JSON.stringify({ state }), uid: NETEASE_SANDBOX_BOT_UID } });

  const off = bot.subscribe((e) => {
    switch (e.type) {
      case 'recognised':
        caption(room.lastSpeaker() ?? room.members()[0] ?? '', e.text, e.language, true);
        break;
      case 'thinking':
        agentState('thinking');
        break;
      case 'reply':
        replies.set(e.turn, { text: e.text, language: e.language });
        agentState('speaking');
        caption(NETEASE_SANDBOX_BOT_UID, sentences(e.text)[0] ?? e.text, e.language, false);
        break;
      case 'interrupted':
        agentState('interrupted');
        break;
      case 'botAudioEnded': {
        const reply = replies.get(e.turn);
        replies.delete(e.turn);
        if (reply) caption(NETEASE_SANDBOX_BOT_UID, reply.text, reply.language, true);
        agentState('listening');
        break;
      }
    }
  });

  return {
    onMessage(user, m) {
      if (m.op === 'captions') {
        if (m.on) captioned.add(user);
        else captioned.delete(user);
        return;
      }
      if (m.op === 'interrupt') {
        if (m.uid === '' || m.uid === '0' || m.uid === NETEASE_SANDBOX_BOT_UID) bot.interrupt();
        else room.note(`${user}: aiManualInterrupt(${m.uid}) names no bot in this room (the bot is ${NETEASE_SANDBOX_BOT_UID}); ignored`);
        return;
      }
      room.note(`${user}: ${m.op} is not a NERTC client call; ignored`);
    },
    onEnter: () => undefined,
    close: () => off(),
  };
}
