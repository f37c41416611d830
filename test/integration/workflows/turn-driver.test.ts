import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SessionManager } from '../../../src-main/core/session/manager.ts';
import { SessionDirectory } from '../../../src-main/core/session/event-store.ts';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import type { OperationDescriptor, VendorDescriptor } from '../../../src-main/core/vendors/types.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import { createSessionRunner } from '../../../src-main/core/workflows/session-runner.ts';
import { resourcePath } from '../../../src-main/core/resources.ts';
import { readFileSync } from 'node:fs';

// A socket vendor built only for this test, over a real loopback WebSocket: no wait_turn action, so the generic
// driver must find the end of the turn in the event stream; the workflows must work for any descriptor.
const chat: OperationDescriptor = {
  id: 'chat',
  title: { en: 'Chat', zh: '对话' },
  transport: 'socket',
  schema: { type: 'object' },
  example: {},
  actions: [
    { id: 'send_wav', title: { en: 'WAV', zh: 'WAV' } },
    { id: 'text', title: { en: 'Text', zh: '文本' } },
  ],
  async run(ctx) {
    const ws = new WebSocket(`${ctx.sandboxUrl!.replace('http', 'ws')}/socket`);
    await new Promise((r) => ws.once('open', r));
    ctx.emit({ kind: 'ws.open', dir: 'in', summary: 'open' });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'stop') ctx.emit({ kind: 'test.agent_stop', dir: 'in', summary: 'agent stop' });
      else if (m.type === 'audio') ctx.emit({ kind: 'audio.segment', dir: 'in', summary: 'audio', data: { audio_seconds: 0.5 } });
      else ctx.emit({ kind: 'test.llm', dir: 'in', summary: m.text, data: { text: m.text } });
    });
    ctx.onAction(async (action, data) => {
      const d = data as { path?: string; text?: string };
      if (action === 'send_wav') {
        const bytes = readFileSync(d.path!);
        ws.send(bytes);
        ctx.emit({ kind: 'ws.binary', dir: 'out', summary: `${bytes.length} B` });
      } else ws.send(JSON.stringify({ text: d.text }));
      ctx.emit({ kind: 'test.upload_done', dir: 'out', summary: 'done' });
      return { ok: true };
    });
    if (!ctx.signal.aborted) await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    ws.close();
    return { ok: true, summary: 'stopped' };
  },
};
const vendor = {
  id: 'mindcraft',
  title: { en: 'Test socket vendor', zh: '测试' },
  color: '#7fd36b',
  docsHosts: [],
  credentials: [],
  settingsSchema: {},
  defaultSettings: () => ({}),
  operations: [chat],
  mountSandbox: () => undefined,
  sandboxCredentials: {},
} satisfies VendorDescriptor;
const profile: Profile = { id: 'p', name: 'socket test', vendor: 'mindcraft', target: 'sandbox', settings: {}, createdAt: '', updatedAt: '' };

describe('generic turn driver over a real socket', () => {
  const host = new SandboxHost();
  let run: ReturnType<typeof createSessionRunner>;
  beforeAll(async () => {
    host.ws('mindcraft', '/socket', (socket) => {
      socket.onMessage((data, binary) => {
        void (async () => {
          if (binary) {
            await new Promise((r) => setTimeout(r, 30));
            await socket.send({ text: 'Hi there' });
            await socket.send({ type: 'audio' });
            await socket.send({ type: 'stop' });
          } else {
            const m = JSON.parse(data.toString());
            await socket.send({ text: `echo: ${m.text}` });
            await socket.send({ type: 'stop' });
          }
        })();
      });
    });
    await host.start();
    const sessions = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-turn-'))), async () => undefined);
    run = createSessionRunner({ sessions, resolveProfile: () => profile, sandboxUrlFor: async () => host.vendorUrl('mindcraft'), vendorOf: () => vendor });
  });
  afterAll(() => host.close());

  it('sends the WAV, waits for the agent-stop event, stops the session and derives the figures', async () => {
    const r = await run({ vendor: 'mindcraft', operation: 'chat', payload: {}, input: { wav: resourcePath('utterances', 'hello-weather-en.wav') } });
    expect(r.driveError).toBeUndefined();
    expect(r.outcome).toMatchObject({ ok: true, summary: 'stopped' });
    const kinds = r.events.map((e) => e.kind);
    expect(kinds.indexOf('test.agent_stop')).toBeLessThan(kinds.indexOf('session.stop'));
    expect(kinds).toContain('audio.segment');
  });

  it('a text turn works the same way', async () => {
    const r = await run({ vendor: 'mindcraft', operation: 'chat', payload: {}, input: { text: 'hello' } });
    expect(r.events.find((e) => e.kind === 'test.llm')?.summary).toBe('echo: hello');
  });

  it('an input the operation cannot take is a TURN error in the record, and the session still ends', async () => {
    const noText: OperationDescriptor = { ...chat, id: 'wav_only', actions: [{ id: 'send_wav', title: { en: 'WAV', zh: 'WAV' } }] };
    const v2 = { ...vendor, operations: [noText] };
    const sessions = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-turn-'))), async () => undefined);
    const run2 = createSessionRunner({ sessions, resolveProfile: () => profile, sandboxUrlFor: async () => host.vendorUrl('mindcraft'), vendorOf: () => v2 });
    const r = await run2({ vendor: 'mindcraft', operation: 'wav_only', payload: {}, input: { text: 'hello' } });
    expect(r.driveError).toMatch(/takes no text input/);
    expect(r.events.find((e) => e.kind === 'error')?.data).toMatchObject({ code: 'TURN' });
    expect(sessions.isLive(r.sessionId)).toBe(false);
  });
});
