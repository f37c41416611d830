import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMicrophone } from '../../src-renderer/src/audio/speech-input.ts';
import { until } from './support/mount.ts';

/**
 * Speech from the microphone (the socket vendors' path; rooms capture in the room frame, test/renderer/rooms). The
 * renderer project runs Chromium with its fake microphone; a refusal is what Chromium reports when Parley's
 * permission handler (or macOS) says no.
 */
afterEach(() => vi.restoreAllMocks());

describe('startMicrophone', () => {
  it('refused: rejects with what to do, before a single frame', async () => {
    vi.spyOn(navigator.mediaDevices, 'getUserMedia').mockRejectedValue(new DOMException('Permission denied', 'NotAllowedError'));
    const frames: unknown[] = [];
    await expect(startMicrophone({ sampleRate: 16000, onFrame: (f) => frames.push(f) })).rejects.toMatchObject({
      code: 'MICROPHONE_DENIED',
      message: expect.stringContaining('System Settings → Privacy & Security → Microphone'),
    });
    expect(frames).toEqual([]);
  });

  it('a muted track (the system switched the microphone off) is refused too, and released', async () => {
    const real = await navigator.mediaDevices.getUserMedia({ audio: true });
    const track = real.getAudioTracks()[0]!;
    Object.defineProperty(track, 'muted', { value: true });
    vi.spyOn(navigator.mediaDevices, 'getUserMedia').mockResolvedValue(real);
    await expect(startMicrophone({ sampleRate: 16000, onFrame: () => undefined })).rejects.toMatchObject({ code: 'MICROPHONE_SILENT' });
    expect(track.readyState).toBe('ended');
  });

  it('granted: 20 ms PCM16 frames at the asked rate', async () => {
    const frames: Int16Array[] = [];
    const mic = await startMicrophone({ sampleRate: 16000, frameMs: 20, onFrame: (f) => frames.push(f) });
    try {
      await until(() => frames.length >= 5);
      expect(frames[0]!.length).toBe(320);
    } finally {
      mic.stop();
    }
  });
});
