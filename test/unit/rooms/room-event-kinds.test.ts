import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOM_EVENT_KINDS, roomEvents } from '../../../src-main/core/room-events.ts';

const ROOT = join(import.meta.dirname, '../../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|vue)$/.test(name) ? [p] : [];
  });
}

describe('room event kinds', () => {
  it('every room.* kind the app records is one of the shared set (no vendor spells the same fact its own way)', () => {
    const known = new Set<string>(Object.values(ROOM_EVENT_KINDS));
    const found = new Map<string, string[]>();
    for (const f of [...files(join(ROOT, 'src-renderer/src')), ...files(join(ROOT, 'src-main/core'))]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/kind: '(room\.[a-z-]+)'/g)) found.set(m[1]!, [...(found.get(m[1]!) ?? []), relative(ROOT, f)]);
    }
    const strays = [...found].filter(([kind]) => !known.has(kind));
    expect(strays).toEqual([]);
  });

  it('builds each fact with one shape', () => {
    expect(roomEvents.participant('bot joined', { id: 'bot_7', change: 'joined', bot: true })).toEqual({
      kind: 'room.participant',
      dir: 'in',
      summary: 'bot joined',
      data: { id: 'bot_7', change: 'joined', bot: true },
    });
    expect(roomEvents.publish('publishing a.wav', { source: 'file', name: 'a.wav' })).toMatchObject({
      kind: 'room.publish',
      dir: 'out',
      data: { source: 'file', name: 'a.wav' },
    });
    expect(roomEvents.unpublish('stopped publishing')).toEqual({ kind: 'room.unpublish', dir: 'out', summary: 'stopped publishing' });
    expect(roomEvents.disconnected('gone')).toEqual({ kind: 'room.disconnected', dir: 'in', summary: 'gone' });
  });
});
