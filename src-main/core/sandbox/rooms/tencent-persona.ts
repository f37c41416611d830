/**
 * The TRTC AI conversation bot in a sandbox room: the shared sandbox bot speaking the documented custom messages
 * (docs/vendors/tencent.md#room-messages), all on cmdId 1 with the envelope `{type, sender, receiver: [], payload}`:
 * - 10000 subtitles, the user's (sender TargetUserId) when recognised, the bot's when it answers: SubtitleMode 0
 *   sends the text so far (a first part with `end: false`, then the whole with `end: true`), SubtitleMode 1 one
 *   message per sentence, each `end: true`; start_time / end_time "HH:MM:SS" since the task started;
 * - 10001 state: 1 listening (task start and after each answer), 2 thinking, 3 speaking, 4 interrupted,
 *   5 finished speaking;
 * - 10020 metrics per round: `asr_latency` (the silence that ended the sentence, VadSilenceTime included, as the
 *   document says) and `llm_first_token` (the think time). Values are the bot's own, labelled reported where shown.
 * The client's 20001 interrupt (cmdId 2) stops the bot when its `sender` is the user who sent it (the document: the
 * server validates the sender) and its `receiver` names the bot; anything else on cmdId 2 is noted and ignored.
 * InterruptMode 1 (no interruption) turns barge-in by speech off; the 20001 message works in both modes.
 */
import { DOWNLINK_CMD_ID, UPLINK_CMD_ID } from '../../vendors/tencent/common/room-messages.ts';
import type { BotSpec, RoomHandle, RoomPersona } from './service.ts';
import type { SandboxBot } from '../../voice/bot.ts';
import { fromBase64, toBase64 } from './wire.ts';

export interface TencentTask {
  taskId: string;
  startedAt: number;
  payload: Record<string, unknown>;
}

/** MaxIdleTime's default, seconds (docs/vendors/tencent.md#agentconfig). */
export const MAX_IDLE_DEFAULT_S = 60;

/** The room a StartAIConversation payload names: numeric and string room ids are different rooms. */
export function tencentRoomKey(sdkAppId: number, roomId: string, stringRoom: boolean): string {
  return `${sdkAppId}/${stringRoom ? 'str' : 'num'}/${roomId}`;
}

const hms = (ms: number): string => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
};

/** Sentences of a reply, punctuation kept (SubtitleMode 1 sends one message per sentence). */
export function sentences(text: string): string[] {
  return text.match(/[^.!?。！？]+[.!?。！？]*\s*/g)?.map((s) => s) ?? [text];
}

/** `onIdle`: the task ends (MaxIdleTime: "the task stops after this long with no stream in the room"). */
export function tencentBotSpec(task: TencentTask, onIdle: () => void = () => undefined): BotSpec {
  const agent = (task.payload.AgentConfig ?? {}) as {
    UserId?: string;
    TargetUserId?: string;
    SubtitleMode?: number;
    InterruptMode?: number;
    MaxIdleTime?: number;
  };
  const stt = (task.payload.STTConfig ?? {}) as { VadSilenceTime?: number };
  const botUserId = String(agent.UserId ?? '');
  const target = String(agent.TargetUserId ?? '');
  return {
    botUserId,
    listensTo: target,
    settings: { silenceMs: typeof stt.VadSilenceTime === 'number' ? stt.VadSilenceTime : 1000, bargeIn: agent.InterruptMode !== 1 },
    idle: { afterMs: (typeof agent.MaxIdleTime === 'number' && agent.MaxIdleTime > 0 ? agent.MaxIdleTime : MAX_IDLE_DEFAULT_S) * 1000, onIdle },
    persona: (bot, room) => tencentPersona(bot, room, { task, botUserId, target, subtitleMode: agent.SubtitleMode === 1 ? 1 : 0 }),
  };
}

function tencentPersona(bot: SandboxBot, room: RoomHandle, o: { task: TencentTask; botUserId: string; target: string; subtitleMode: 0 | 1 }): RoomPersona {
  let seq = 0;
  const roundOf = (turn: number) => `${o.task.taskId.slice(0, 12)}-${turn}`;
  const since = () => Date.now() - o.task.startedAt;
  const send = (type: number, sender: string, payload: Record<string, unknown>) => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type, sender, receiver: [], payload }));
    room.broadcast({ ev: 'custom', user: o.botUserId, cmdId: DOWNLINK_CMD_ID, seq: ++seq, data: toBase64(bytes) });
  };
  const state = (turn: number, value: number) => send(10001, o.botUserId, { roundid: roundOf(turn), timestamp: Date.now(), state: value });
  const metric = (turn: number, name: string, value: number) =>
    send(10020, o.botUserId, { metric: name, value: Math.round(value), tag: { roundid: roundOf(turn) } });
  const speechStart = new Map<number, number>();

  const off = bot.subscribe((e) => {
    switch (e.type) {
      case 'userSpeechStarted':
        speechStart.set(e.turn, since());
        break;
      case 'userSpeechEnded':
        metric(e.turn, 'asr_latency', e.detectedAtMs - e.atMs);
        break;
      case 'recognised': {
        const start = speechStart.get(e.turn) ?? since();
        send(10000, o.target, { text: e.text, start_time: hms(start), end_time: hms(since()), roundid: roundOf(e.turn), end: true });
        break;
      }
      case 'thinking':
        state(e.turn, 2);
        metric(e.turn, 'llm_first_token', e.thinkMs);
        break;
      case 'reply': {
        state(e.turn, 3);
        const at = hms(since());
        const end = hms(since() + e.audioSeconds * 1000);
        const base = { start_time: at, end_time: end, roundid: roundOf(e.turn) };
        if (o.subtitleMode === 1) for (const s of sentences(e.text)) send(10000, o.botUserId, { ...base, text: s, end: true });
        else {
          const half = sentences(e.text)[0] ?? e.text;
          if (half !== e.text) send(10000, o.botUserId, { ...base, text: half, end: false });
          send(10000, o.botUserId, { ...base, text: e.text, end: true });
        }
        break;
      }
      case 'interrupted':
        state(e.turn, 4);
        break;
      case 'botAudioEnded':
        if (!e.interrupted) state(e.turn, 5);
        state(e.turn, 1);
        break;
    }
  });
  // The bot is listening from the start of the task.
  setTimeout(() => state(0, 1), 0);

  return {
    onMessage(user, m) {
      if (m.op !== 'custom') return room.note(`${user}: ${m.op} is not a TRTC message (TRTC rooms carry custom messages)`);
      if (m.cmdId !== UPLINK_CMD_ID) return room.note(`${user}: custom message on cmdId ${m.cmdId} ignored (the bot reads cmdId ${UPLINK_CMD_ID})`);
      let json: { type?: unknown; sender?: unknown; receiver?: unknown };
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(m.data))) as typeof json;
      } catch {
        return room.note(`${user}: cmdId 2 message is not UTF-8 JSON; ignored`);
      }
      if (json.type !== 20001) return room.note(`${user}: cmdId 2 message type ${String(json.type)} ignored (the documented client message is 20001)`);
      if (json.sender !== user)
        return room.note(`${user}: 20001 with sender "${String(json.sender)}" ignored (the server validates the sender: it must be the user who sends it)`);
      if (!Array.isArray(json.receiver) || !json.receiver.includes(o.botUserId))
        return room.note(`${user}: 20001 whose receiver does not name the bot ${o.botUserId}; ignored`);
      bot.interrupt();
    },
    close: () => off(),
  };
}
