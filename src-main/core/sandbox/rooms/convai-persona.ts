/**
 * The Convai sandbox character in a loopback sandbox room, for machines without livekit-server: the same
 * ConvaiSandboxBot the LiveKit character runs (vendors/convai/sandbox-bot.ts builds every RTVI message, data chunk and
 * client-message response), carried by the room service instead of a LiveKit participant:
 * - its data-channel messages go to every member as `data` messages (the bytes the LiveKit character publishes with
 *   publishData, reliable), a member's `data` messages are its client messages;
 * - its track carries what the ConvaiSandboxBot puts on it (nothing with `tts-toggle` off), and there is no track at
 *   all with `audio_routing: "data_only"`, as the LiveKit character publishes none then;
 * - it speaks in 10 ms frames, as the LiveKit character does, so chunk durations come out the same;
 * - it leaves when the last user has left, or when nobody joined within `idleMs` (the LiveKit character's rules).
 */
import type { SandboxBot } from '../../voice/bot.ts';
import { ConvaiSandboxBot, type ConvaiRoomOptions } from '../../vendors/convai/sandbox-bot.ts';
import type { BotSettings } from '../../voice/bot.ts';
import type { BotSpec, RoomHandle, RoomPersona } from './service.ts';
import { fromBase64, toBase64 } from './wire.ts';

/** The LiveKit character's frame length (sandbox-participant.ts): every rounded chunk duration is whole frames. */
export const CONVAI_FRAME_MS = 10;

export interface ConvaiCharacterSpec {
  /** The character's identity in the room. */
  identity: string;
  room: ConvaiRoomOptions;
  settings: Partial<BotSettings>;
  /** The character leaves a room nobody joined after this long. */
  idleMs: number;
}

export function convaiBotSpec(spec: ConvaiCharacterSpec): BotSpec {
  return {
    botUserId: spec.identity,
    settings: spec.settings,
    frameMs: CONVAI_FRAME_MS,
    track: spec.room.audioRouting === 'data_only' ? 'none' : 'persona',
    persona: (bot, room) => convaiPersona(bot, room, spec),
  };
}

function convaiPersona(bot: SandboxBot, room: RoomHandle, spec: ConvaiCharacterSpec): RoomPersona {
  const encoder = new TextEncoder();
  const convai = new ConvaiSandboxBot({
    bot,
    room: spec.room,
    note: (message) => room.note(message),
    transport: {
      send: (message) => room.broadcast({ ev: 'data', user: spec.identity, data: toBase64(encoder.encode(JSON.stringify(message))) }),
      ...(spec.room.audioRouting === 'data_only' ? {} : { audioFrame: (samples: Int16Array) => room.sendAudio(samples) }),
    },
  });
  const idle = setTimeout(() => {
    room.note(`nobody joined within ${spec.idleMs / 1000} s: the character leaves`);
    room.leave();
  }, spec.idleMs);
  const joined = (user: string) => {
    clearTimeout(idle);
    convai.userJoined(user);
  };
  // Members already in the room when the character arrives (a /connect after the user joined).
  setTimeout(() => room.members().forEach(joined), 0);

  return {
    onEnter: joined,
    onLeave(user) {
      convai.userLeft(user);
      if (convai.userCount === 0) room.leave();
    },
    onUserAudio: (user) => convai.heardFrom(user),
    onMessage(user, m) {
      if (m.op !== 'data') return room.note(`${user}: ${m.op} is not a LiveKit data message; ignored`);
      convai.receive(fromBase64(m.data), user);
    },
    close() {
      clearTimeout(idle);
      convai.close();
    },
  };
}
