/**
 * The sandbox rooms of Tencent and NetEase over their real wire (a loopback WebSocket per member): the control plane
 * puts the bot in the room, the bot hears real speech (a shipped utterance at real-time pace), answers in the
 * vendor's documented messages with real audio, and stops on the vendor's interrupt. Every flow runs twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import type { VendorDescriptor } from '../../../src-main/core/vendors/types.ts';
import { tencent } from '../../../src-main/core/vendors/tencent/index.ts';
import { SANDBOX_CREDENTIALS, TencentSandbox } from '../../../src-main/core/vendors/tencent/sandbox.ts';
import { genUserSig } from '../../../src-main/core/vendors/tencent/usersig.ts';
import { decodeCustomMessage, interruptMessage } from '../../../src-main/core/vendors/tencent/common/room-messages.ts';
import { netease } from '../../../src-main/core/vendors/netease/index.ts';
import { MODE_EXAMPLES } from '../../../src-main/core/vendors/netease/common/schema.ts';
import {
  SANDBOX_APP_KEY,
  SANDBOX_APP_SECRET,
  SANDBOX_TOKEN,
  mountNeteaseSandbox,
  type NeteaseSandboxState,
} from '../../../src-main/core/vendors/netease/sandbox.ts';
import { parseAsrCaptions } from '../../../src-main/core/vendors/netease/common/room-events.ts';
import { tencentRoomKey } from '../../../src-main/core/sandbox/rooms/tencent-persona.ts';
import { NETEASE_SANDBOX_BOT_UID } from '../../../src-main/core/sandbox/rooms/netease-persona.ts';
import { fromBase64, roomSocketUrl, toBase64 } from '../../../src-main/core/sandbox/rooms/wire.ts';
import { Member, sleep, until } from './room-member.ts';
import { shippedVoice } from '../../../src-main/core/voice/node/shipped.ts';

const APP = Number(SANDBOX_CREDENTIALS.SDK_APP_ID);

describe('sandbox rooms (Tencent, NetEase): the bot listens, answers and stops', () => {
  const host = new SandboxHost();
  const trtc = new TencentSandbox();
  let nertc: NeteaseSandboxState;
  let manager: SessionManager;
  const creds: Record<string, string> = { ...SANDBOX_CREDENTIALS, APP_KEY: SANDBOX_APP_KEY, APP_SECRET: SANDBOX_APP_SECRET, TOKEN: SANDBOX_TOKEN };
  const profile = (vendor: VendorDescriptor): Profile => ({
    id: vendor.id,
    name: vendor.id,
    vendor: vendor.id,
    target: 'sandbox',
    settings: vendor.defaultSettings('sandbox'),
    createdAt: '',
    updatedAt: '',
  });

  /** Run a room operation's control plane, leave the task running; returns its result. */
  async function start(vendor: VendorDescriptor, operation: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const op = vendor.operations.find((o) => o.id === operation)!;
    const { sessionId, done } = await manager.start({ vendor, operation: op, profile: profile(vendor), payload, sandboxUrl: host.vendorUrl(vendor.id) });
    await until(
      () => manager.events(sessionId, 0, 10000).events.some((e) => e.kind === 'session.control-plane-done' || e.kind === 'session.end'),
      'control plane',
    );
    const result = manager.controlPlaneResult(sessionId) as Record<string, unknown>;
    await manager.stop(sessionId, { closeTask: false });
    await done;
    return result;
  }

  beforeAll(async () => {
    trtc.mount(host);
    nertc = mountNeteaseSandbox(host);
    await host.start();
    manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-rooms-'))), async (_p, name) => creds[name]!);
  });
  afterAll(() => host.close());

  it('Tencent: StartAIConversation puts the bot in the room; subtitles, states, metrics and audio; 20001 stops it; twice', async () => {
    const roomId = `rooms-${Date.now()}`;
    const botSig = genUserSig({ sdkAppId: APP, userId: 'bot_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY });
    const result = await start(tencent, 'StartAIConversation', {
      SdkAppId: APP,
      RoomId: roomId,
      RoomIdType: 1,
      AgentConfig: { UserId: 'bot_1', UserSig: botSig, TargetUserId: 'user_1', SubtitleMode: 0 },
      STTConfig: { VadSilenceTime: 500 },
      LLMConfig: {
        LLMType: 'openai',
        Model: 'gpt-4o-mini',
        APIKey: '{{secret:LLM_API_KEY}}',
        APIUrl: 'https://llm.example/v1/chat/completions',
        Streaming: true,
      },
      TTSConfig: { TTSType: 'tencent', AppId: 1300000000, SecretId: '{{secret:TTS_SECRET_ID}}', SecretKey: '{{secret:TTS_SECRET_KEY}}', VoiceType: 1008 },
    });
    const key = tencentRoomKey(APP, roomId, true);
    expect(trtc.rooms!.hasBot(key)).toBe(true);

    // A wrong UserSig is refused at the door.
    const intruder = await Member.join(roomSocketUrl(host.vendorUrl('tencent'), key, 'user_1', 'not-a-usersig'));
    expect(intruder.messages[0]).toMatchObject({ ev: 'error', code: 'USERSIG_INVALID' });
    await intruder.close();

    const sig = genUserSig({ sdkAppId: APP, userId: 'user_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY });
    for (const visit of [1, 2]) {
      const user = await Member.join(roomSocketUrl(host.vendorUrl('tencent'), key, 'user_1', sig));
      expect(user.messages[0]).toEqual({ ev: 'joined', users: ['bot_1'], publishing: ['bot_1'] });
      const decoded = () =>
        user.messages
          .flatMap((m) => (m.ev === 'custom' ? [decodeCustomMessage({ userId: m.user, cmdId: m.cmdId, data: fromBase64(m.data) })] : []))
          .flatMap((d) => (d.ok ? [d.message] : []));
      user.send({ op: 'publish' });
      trtc.rooms!.overrideNextTurn(key, { thinkMs: 400 });
      const spokenEnd = await user.speak('hello-weather-en');
      await until(() => user.audible(spokenEnd).length > 5, 'bot audio');
      const firstAudio = user.audible(spokenEnd)[0]!.at;
      // Response latency at the client: VadSilenceTime 500 + think 400 (+ one frame and the socket).
      expect(firstAudio - spokenEnd).toBeGreaterThanOrEqual(850);
      expect(firstAudio - spokenEnd).toBeLessThan(1400);
      const subtitles = decoded().filter((m) => m.type === 'subtitle');
      expect(subtitles.find((m) => m.sender === 'user_1')).toMatchObject({
        text: shippedVoice().utterances.find((u) => u.id === 'hello-weather-en')!.text,
        end: true,
      });
      expect(subtitles.some((m) => m.sender === 'bot_1' && m.end)).toBe(true);
      const metrics = decoded().filter((m) => m.type === 'metric');
      expect(metrics.map((m) => m.metric)).toEqual(expect.arrayContaining(['asr_latency', 'llm_first_token']));
      expect(metrics.find((m) => m.metric === 'llm_first_token')!.value).toBe(400);
      expect(
        decoded()
          .filter((m) => m.type === 'state')
          .map((m) => m.state),
      ).toEqual(expect.arrayContaining([2, 3]));

      // A 20001 with someone else as sender is not obeyed (the server validates the sender); the bot goes on.
      const forged = interruptMessage({ sender: 'someone_else', botUserId: 'bot_1', id: `f-${visit}`, timestamp: Date.now() });
      user.send({ op: 'custom', cmdId: forged.cmdId, data: toBase64(new Uint8Array(forged.data)) });
      const forgedAt = Date.now();
      await sleep(150);
      expect(decoded().some((x) => x.type === 'state' && x.state === 4)).toBe(false);
      expect(user.audio.some((a) => a.at > forgedAt + 60)).toBe(true);
      expect(host.recentNotes('tencent').some((n) => n.message.includes('someone_else'))).toBe(true);

      // The 20001 interrupt: the audio stops within a few frames, state 4 follows.
      const m = interruptMessage({ sender: 'user_1', botUserId: 'bot_1', id: `i-${visit}`, timestamp: Date.now() });
      const sentAt = Date.now();
      user.send({ op: 'custom', cmdId: m.cmdId, data: toBase64(new Uint8Array(m.data)) });
      await until(() => decoded().some((x) => x.type === 'state' && x.state === 4), 'interrupted state');
      await sleep(200);
      expect(user.audio.filter((a) => a.at > sentAt + 100)).toEqual([]);
      user.send({ op: 'unpublish' });
      await user.close();
    }
    await start(tencent, 'StopAIConversation', { TaskId: result.TaskId });
    expect(trtc.rooms!.hasBot(key)).toBe(false);
  });

  it('NetEase: task create puts the bot in cname; captions after startAsrCaptions, ai-data, aiManualInterrupt; twice', async () => {
    const cname = `rooms-${Date.now()}`;
    const payload = { ...structuredClone(MODE_EXAMPLES.parameters), cname } as Record<string, unknown>;
    (payload.data as { asr: Record<string, unknown> }).asr.maxSentenceSilence = 300;
    const created = await start(netease, 'create', payload);
    const key = `${SANDBOX_APP_KEY}/${cname}`;
    expect(nertc.rooms!.hasBot(key)).toBe(true);
    for (const visit of [1, 2]) {
      const user = await Member.join(roomSocketUrl(host.vendorUrl('netease'), key, '10001', SANDBOX_TOKEN));
      expect(user.messages[0]).toMatchObject({ ev: 'joined', users: [NETEASE_SANDBOX_BOT_UID] });
      user.send({ op: 'captions', on: true, source: 'AUTO' });
      user.send({ op: 'publish' });
      nertc.rooms!.overrideNextTurn(key, { thinkMs: 300 });
      const spokenEnd = await user.speak(visit === 1 ? 'hello-weather-en' : 'hello-weather-zh');
      await until(() => user.audible(spokenEnd).length > 5, 'bot audio');
      const captions = () =>
        user.messages.flatMap((m) =>
          m.ev === 'asr-captions' ? parseAsrCaptions(m.list, { localUid: '10001', botUid: NETEASE_SANDBOX_BOT_UID }).captions : [],
        );
      const utterance = shippedVoice().utterances.find((u) => u.id === (visit === 1 ? 'hello-weather-en' : 'hello-weather-zh'))!;
      expect(captions().find((c) => c.speaker === 'user')).toMatchObject({ text: utterance.text, isFinal: true });
      expect(captions().some((c) => c.speaker === 'bot')).toBe(true);
      expect(user.messages.some((m) => m.ev === 'ai-data')).toBe(true);
      const sentAt = Date.now();
      user.send({ op: 'interrupt', uid: NETEASE_SANDBOX_BOT_UID });
      await until(() => user.messages.some((m) => m.ev === 'ai-data' && (m.data.data as string).includes('interrupted')), 'interrupted');
      await sleep(200);
      expect(user.audio.filter((a) => a.at > sentAt + 100)).toEqual([]);
      // The final caption of what the bot said before it was stopped.
      expect(captions().some((c) => c.speaker === 'bot' && c.isFinal)).toBe(true);
      await user.close();
    }
    await start(netease, 'close', { cname, taskId: (created.result as { taskId: string } | undefined)?.taskId ?? created.taskId });
    expect(nertc.rooms!.hasBot(key)).toBe(false);
  });

  it('Tencent MaxIdleTime: with nobody publishing the bot leaves and the task ends; publishing keeps it; twice', async () => {
    for (const round of [1, 2]) {
      const roomId = `idle-${Date.now()}-${round}`;
      const botSig = genUserSig({ sdkAppId: APP, userId: 'bot_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY });
      const result = await start(tencent, 'StartAIConversation', {
        SdkAppId: APP,
        RoomId: roomId,
        RoomIdType: 1,
        AgentConfig: { UserId: 'bot_1', UserSig: botSig, TargetUserId: 'user_1', MaxIdleTime: 1 },
        LLMConfig: {
          LLMType: 'openai',
          Model: 'gpt-4o-mini',
          APIKey: '{{secret:LLM_API_KEY}}',
          APIUrl: 'https://llm.example/v1/chat/completions',
          Streaming: true,
        },
        TTSConfig: { TTSType: 'tencent', AppId: 1300000000, SecretId: '{{secret:TTS_SECRET_ID}}', SecretKey: '{{secret:TTS_SECRET_KEY}}', VoiceType: 1008 },
      });
      const key = tencentRoomKey(APP, roomId, true);
      const user = await Member.join(
        roomSocketUrl(host.vendorUrl('tencent'), key, 'user_1', genUserSig({ sdkAppId: APP, userId: 'user_1', secretKey: SANDBOX_CREDENTIALS.SDK_SECRET_KEY })),
      );
      user.send({ op: 'publish' });
      await sleep(1500);
      expect(trtc.rooms!.hasBot(key)).toBe(true);
      user.send({ op: 'unpublish' });
      await until(() => user.messages.some((m) => m.ev === 'exit' && m.user === 'bot_1'), 'the bot leaving', 5000);
      expect(trtc.rooms!.hasBot(key)).toBe(false);
      expect(trtc.status((trtc as unknown as { tasks: Map<string, Parameters<TencentSandbox['status']>[0]> }).tasks.get(result.TaskId as string)!)).toBe(
        'Stopped',
      );
      await user.close();
    }
  });
});
