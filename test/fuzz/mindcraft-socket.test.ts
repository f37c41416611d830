import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../src-main/core/session/manager.ts';
import { SessionDirectory, readEvents } from '../../src-main/core/session/event-store.ts';
import { mindcraft } from '../../src-main/core/vendors/mindcraft/index.ts';
import type { Profile } from '../../src-main/core/profiles/types.ts';
import type { VendorError } from '../../src-main/core/vendors/types.ts';
import { binary, BIG_RUNS, hugeString, invalidUtf8, TEN_MB, textFrames } from './support/arbitraries.ts';

/**
 * Mindcraft frames over a real WebSocket, into the real client (Conversation) through the session engine: text
 * frames of any content, binary where text is expected, text frames that are not UTF-8 (which ws rejects) and
 * 10 MB frames. The session never crashes the process or hangs: it goes on or ends with an error event, within its
 * timeout, and the record is complete.
 */
type Frame = { text: string } | { bytes: Uint8Array; asText: boolean };

const TIMEOUTS = { connectMs: 1000, responseMs: 600, idleMs: 2000 };
// Valid frames that keep the turn open (agent_stop would end it, and a finished turn has no watchdog to run).
const VALID = [
  JSON.stringify({ socket_status: 1004, socket_data: { text: 'hi', is_final: true } }),
  JSON.stringify({ socket_status: 1003, agent_output: { output_type: 'emotion', emotion_output: 'happy' } }),
];

let wss: WebSocketServer;
let next: Frame = { text: '{}' };
let manager: SessionManager;

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 * 1024 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws: WebSocket) => {
    const frame = next;
    ws.once('message', () => {
      // The first client message is the text turn's start (the API key went in the upgrade's Authorization
      // header): a 1008 the client does not wait for, then the fuzzed frame, then silence.
      ws.send(JSON.stringify({ socket_status: 1008, socket_message: 'connected_with_token' }));
      if ('text' in frame) ws.send(frame.text);
      else ws.send(Buffer.from(frame.bytes), { binary: !frame.asText });
    });
  });
  manager = new SessionManager(new SessionDirectory(mkdtempSync(join(tmpdir(), 'parley-fuzz-mc-'))), async () => 'mc-key');
});
afterAll(async () => {
  await manager.stopAll();
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

async function run(frame: Frame): Promise<{ kinds: string[]; errors: VendorError[]; contiguous: boolean; ended: boolean }> {
  next = frame;
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  const profile: Profile = {
    id: 'mc',
    name: 'mc',
    vendor: 'mindcraft',
    target: 'live',
    timeouts: TIMEOUTS,
    settings: { ...mindcraft.defaultSettings('live'), endpoint: url },
    createdAt: '',
    updatedAt: '',
  };
  const op = mindcraft.operations[0]!;
  const { sessionId, done } = await manager.start({
    vendor: mindcraft,
    operation: op,
    profile,
    payload: { ...op.example, asr_text: 'fuzz' },
    sandboxUrl: undefined,
  });
  const timer = setTimeout(() => void manager.stop(sessionId), TIMEOUTS.connectMs + TIMEOUTS.responseMs + 5000);
  await done;
  clearTimeout(timer);
  const { events, badLines } = readEvents(manager.directory.eventsFile(sessionId));
  return {
    kinds: events.map((e) => e.kind),
    errors: events.filter((e) => e.kind === 'error').map((e) => e.data as VendorError),
    contiguous: badLines === 0 && events.every((e, i) => e.seq === i + 1),
    ended: events.at(-1)?.kind === 'session.end',
  };
}

function expectSettled(r: Awaited<ReturnType<typeof run>>): void {
  expect(r.contiguous).toBe(true);
  expect(r.ended).toBe(true);
  // Ended by itself, not by the test's safety stop (connect + response timeouts + 5 s): that bounds how long a hostile
  // frame can hold a session without a wall-clock figure, which a busy machine stretches.
  expect(r.kinds).not.toContain('session.stop');
  for (const e of r.errors) expect(typeof e.code === 'string' && e.code.length > 0 && typeof e.message === 'string').toBe(true);
}

describe('Mindcraft socket: hostile frames through the real client', () => {
  it('text frames of any content: a bad frame ends the session with BAD_FRAME, a good one with the turn watchdog', async () => {
    await fc.assert(
      fc.asyncProperty(textFrames(VALID), async (text) => {
        const r = await run({ text });
        expectSettled(r);
        expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 30 },
    );
  });

  it('binary where text is expected, and text frames that are not UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          binary.map((bytes) => ({ bytes, asText: false })),
          invalidUtf8.map((bytes) => ({ bytes, asText: true })),
        ),
        async (frame) => {
          const r = await run(frame);
          expectSettled(r);
          if (!frame.asText) expect(r.kinds).toContain('ws.binary');
          else expect(r.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('10 MB frames (text garbage, a JSON frame with a huge field, binary)', async () => {
    const big = hugeString(TEN_MB);
    const frames: Frame[] = [
      { text: big },
      { text: JSON.stringify({ socket_status: 1004, socket_data: { text: big } }) },
      { bytes: new Uint8Array(TEN_MB), asText: false },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...frames), async (frame) => expectSettled(await run(frame))),
      { numRuns: BIG_RUNS },
    );
  });
});
