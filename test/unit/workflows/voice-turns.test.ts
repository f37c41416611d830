import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.ts';
import type { SessionManager } from '../../../src-main/core/session/manager.ts';
import { BUILT_IN_VENDORS, registerVendor, vendorById } from '../../../src-main/core/vendors/registry.ts';
import type { OperationDescriptor } from '../../../src-main/core/vendors/types.ts';
import type { ConversationOpener, TurnRequest } from '../../../src-main/core/workflows/conversation.ts';
import { conversationOpener, conversationOpeners, noVoiceTurnPath } from '../../../src-main/core/workflows/voice-turns.ts';

describe('voice turns: one opener per vendor, from its descriptor', () => {
  it('every built-in vendor has its path; the room vendors without a conversation of their own go through the turn agent', () => {
    expect(Object.fromEntries(BUILT_IN_VENDORS.map((v) => [v.id, v.voiceTurns?.via]))).toEqual({
      convai: 'core',
      netease: 'agent',
      mindcraft: 'core',
      tencent: 'agent',
    });
    const openers = conversationOpeners(BUILT_IN_VENDORS);
    expect(Object.keys(openers).sort()).toEqual(['convai', 'mindcraft', 'netease', 'tencent']);
    for (const v of BUILT_IN_VENDORS) expect(typeof conversationOpener(v.id)).toBe('function');
    expect(noVoiceTurnPath('parrot')).toMatch(/^no voice-turn path for parrot: /);
  });

  it('the registry refuses a turn-agent path without a room, and an opener that is not a function', () => {
    const base = vendorById('mindcraft');
    expect(() => registerVendor({ ...base, id: 'no-room', voiceTurns: { via: 'agent' } })).toThrow(
      /no-room: voiceTurns: the turn agent joins the vendor's room/,
    );
    expect(() => registerVendor({ ...base, id: 'no-open', voiceTurns: { via: 'core', open: 'open' as unknown as ConversationOpener, text: true } })).toThrow(
      /no-open: voiceTurns: open must be a function/,
    );
  });

  it('a path that takes speech only hears text spoken by the built-in TTS, the WAV in the session folder; twice, the same file', async () => {
    const heard: TurnRequest[] = [];
    registerVendor({
      ...vendorById('mindcraft'),
      id: 'listener',
      voiceTurns: {
        via: 'core',
        text: false,
        open: async () => ({
          turn: async (request) => {
            heard.push(request);
            return { turn: heard.length } as never;
          },
          action: async () => undefined,
          close: async () => undefined,
        }),
      },
    });
    const folder = mkdtempSync(join(tmpdir(), 'voice-turns-'));
    const recorded: NewEvent[] = [];
    const manager = {
      directory: { artifactsDir: () => folder },
      record: (_id: string, events: NewEvent[]) => recorded.push(...events),
    } as unknown as SessionManager;
    const conversation = await conversationOpener('listener')!(manager, 's1', 'listener', {} as OperationDescriptor);
    await conversation.turn({ input: { text: 'Tell me a short joke, please.' }, timeoutMs: 1000 });
    await conversation.turn({ input: { text: 'Tell me a short joke, please.' }, timeoutMs: 1000 });
    await conversation.turn({ input: { wav: '/given.wav' }, timeoutMs: 1000 });
    expect(heard).toHaveLength(3);
    const wav = heard[0]!.input.wav!;
    expect(wav.startsWith(folder)).toBe(true);
    expect(heard[0]!.input.text).toBeUndefined();
    expect(readFileSync(wav).subarray(0, 4).toString()).toBe('RIFF');
    expect(heard[1]!.input.wav).toBe(wav);
    expect(heard[2]!.input).toEqual({ wav: '/given.wav' });
    expect(recorded.filter((e) => e.kind === 'turn.tts')).toHaveLength(2);
    expect(recorded[0]!.data).toMatchObject({ text: 'Tell me a short joke, please.', voice: 'en-us' });
  });
});
