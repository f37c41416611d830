import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFrameMessage, parseRoomRequest, ROOM_OPS } from '../../src-renderer/src/rooms/protocol.ts';
import { jsonValue, RUNS } from './support/arbitraries.ts';

/**
 * The room channel's two checks (src-renderer/src/rooms/protocol.ts): the frame's check of what the page asks and
 * the page's check of what the frame (closed-source SDK code) sends. Whatever arrives, neither throws; a request is
 * either accepted as one of the six operations or refused with a BAD_ARGUMENTS reason; a frame message is either one
 * the page understands or dropped.
 */
const anything = fc.oneof(
  jsonValue,
  fc.constant(undefined),
  fc.constant(null),
  fc.float32Array({ maxLength: 8 }).map((a) => a),
  fc.uint8Array({ maxLength: 8 }).map((a) => a),
  fc.constant(new ArrayBuffer(4)),
);
const requestLike = fc.record(
  {
    id: fc.oneof(fc.integer(), fc.string(), fc.constant(undefined)),
    op: fc.oneof(fc.constantFrom(...ROOM_OPS), fc.string()),
    args: fc.oneof(anything, fc.dictionary(fc.constantFrom('vendor', 'params', 'source', 'data', 'channel', 'target', 'x'), anything)),
  },
  { requiredKeys: [] },
);
const eventLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom('connection', 'participant', 'track', 'audio', 'level', 'message', 'publish-ended', 'error'), fc.string()),
    state: anything,
    reason: anything,
    change: fc.oneof(fc.constantFrom('joined', 'left', 'subscribed', 'unsubscribed'), anything),
    id: anything,
    sid: anything,
    trackId: anything,
    participant: anything,
    label: anything,
    sampleRate: fc.oneof(fc.constantFrom(16000, 48000), anything),
    samples: anything,
    level: anything,
    name: anything,
    from: anything,
    topic: anything,
    data: anything,
    code: anything,
    message: anything,
  },
  { requiredKeys: [] },
);
const frameLike = fc.oneof(
  anything,
  fc.record(
    {
      type: fc.constantFrom('ready', 'reply', 'event', 'other'),
      event: eventLike,
      reply: fc.record({ id: anything, ok: anything, result: anything, error: anything }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
);

describe('room channel checks', () => {
  it('a request is accepted as a known operation or refused with a reason, never thrown', () => {
    fc.assert(
      fc.property(fc.oneof(anything, requestLike), (raw) => {
        const parsed = parseRoomRequest(raw);
        if (parsed.ok) {
          expect(ROOM_OPS).toContain(parsed.request.op);
          expect(Number.isSafeInteger(parsed.request.id)).toBe(true);
          if (parsed.request.op === 'join') expect(typeof (parsed.request.args as { params: unknown }).params).toBe('object');
        } else {
          expect(parsed.error).toMatchObject({ name: 'RoomError', code: 'BAD_ARGUMENTS' });
          expect(parsed.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a frame message is understood or dropped, never thrown; what is understood has the promised types', () => {
    fc.assert(
      fc.property(frameLike, (raw) => {
        const m = parseFrameMessage(raw);
        if (!m || m.type !== 'event') return;
        const e = m.event;
        if (e.type === 'audio') {
          expect(e.samples).toBeInstanceOf(Float32Array);
          expect(e.sampleRate).toBeGreaterThanOrEqual(8000);
        }
        if (e.type === 'level') expect(Number.isFinite(e.level)).toBe(true);
        if ('message' in e) expect(typeof e.message).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });
});
