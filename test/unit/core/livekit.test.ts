import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLiveKitServer, liveKitConfig, PINNED_LIVEKIT_VERSION, SANDBOX_LIVEKIT_KEYS } from '../../../src-main/core/livekit/server.ts';
import { AudioMeter, speechBounds } from '../../../src-main/core/livekit/audio-meter.ts';

function executable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('findLiveKitServer', () => {
  it('PARLEY_LIVEKIT_SERVER first, then PATH, then the cached build; a wrong variable is named, never skipped', () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-lk-find-'));
    const named = executable(join(root, 'named'), 'my-livekit');
    const onPath = executable(join(root, 'bin'), 'livekit-server');
    const cached = executable(join(root, 'cache', PINNED_LIVEKIT_VERSION), 'livekit-server');
    const env = { PATH: join(root, 'bin'), PARLEY_LIVEKIT_CACHE: join(root, 'cache') };
    expect(findLiveKitServer({ ...env, PARLEY_LIVEKIT_SERVER: named })).toEqual({ found: true, path: named, source: 'env' });
    expect(findLiveKitServer(env)).toEqual({ found: true, path: onPath, source: 'path' });
    expect(findLiveKitServer({ ...env, PATH: '/nowhere' })).toEqual({ found: true, path: cached, source: 'cache' });
    expect(findLiveKitServer({ ...env, PARLEY_LIVEKIT_SERVER: join(root, 'missing') })).toEqual({
      found: false,
      reason: `PARLEY_LIVEKIT_SERVER=${join(root, 'missing')} is not a file; point it at a livekit-server binary`,
    });
    const none = findLiveKitServer({ PATH: '/nowhere', PARLEY_LIVEKIT_CACHE: join(root, 'empty') });
    expect(none.found).toBe(false);
    expect(!none.found && none.reason).toMatch(
      /^livekit-server is not installed: install it with LiveKit's installer .* or run scripts\/livekit-server\.sh, or set PARLEY_LIVEKIT_SERVER/,
    );
  });

  it('the server config: loopback only, development mode, the sandbox keys, the given ports, ICE on 127.0.0.1', () => {
    const yaml = liveKitConfig(SANDBOX_LIVEKIT_KEYS, { http: 4100, rtcTcp: 4101, rtcUdp: 4102 });
    for (const line of [
      'port: 4100',
      'bind_addresses: [127.0.0.1]',
      'development: true',
      `keys: { "parley-sandbox": "${SANDBOX_LIVEKIT_KEYS.apiSecret}" }`,
      '  tcp_port: 4101',
      '  udp_port: 4102',
      '  use_external_ip: false',
      '  node_ip: 127.0.0.1',
    ])
      expect(yaml.split('\n')).toContain(line);
  });
});

describe('AudioMeter: when the bot is audible at the player', () => {
  const tone = (ms: number, amplitude = 3000) => Int16Array.from({ length: 16 * ms }, (_, i) => Math.round(amplitude * Math.sin((i + 1) / 3)));
  const quiet = (ms: number) => new Int16Array(16 * ms);

  it('finds the first audible sample inside a frame, to the sample, and spans across pauses between words', () => {
    const m = new AudioMeter(700);
    m.played(quiet(10), 16000, 1000);
    const frame = new Int16Array(160);
    frame.set(tone(5), 80);
    m.played(frame, 16000, 1010);
    for (let i = 0; i < 30; i++) m.played(i < 10 ? tone(10) : quiet(10), 16000, 1020 + 10 * i);
    expect(m.firstAfter(0)).toBeCloseTo(1015, 3);
    m.played(tone(10), 16000, 1700);
    expect(m.all).toHaveLength(1);
    m.played(tone(10), 16000, 3000);
    expect(m.all).toHaveLength(2);
    expect(m.firstAfter(1800)).toBeCloseTo(3000, 3);
  });

  it('chunks that arrive together play back to back, not at once', () => {
    const m = new AudioMeter();
    m.played(tone(100), 16000, 500);
    m.played(tone(100), 16000, 500);
    expect(m.all[0]!.start).toBeCloseTo(500, 3);
    expect(m.all[0]!.end).toBeCloseTo(700, 0);
  });

  it('speechBounds: the first and last audible samples of a recording; null for silence', () => {
    const s = new Int16Array(1000);
    s[100] = 2000;
    s[700] = -2000;
    expect(speechBounds(s)).toEqual({ start: 100, end: 701 });
    expect(speechBounds(new Int16Array(50))).toBeNull();
  });
});
