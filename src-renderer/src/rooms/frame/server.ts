/**
 * The frame's end of the room channel: checks each request, runs it on the vendor's driver one at a time (a leave
 * never overtakes its join), captures the speech to publish (microphone or file), and reads every remote audio track
 * as PCM for the page. One server serves one room visit; the page removes the frame afterwards.
 */
import { openMicrophone, SPEECH_CONSTRAINTS } from '../../audio/microphone.ts';
import { parseRoomRequest, roomError, toRoomError, type FrameMessage, type RoomEvent, type RoomRequest, type RoomRequests } from '../protocol.ts';
import type { DriverContext, DriverFactory, RoomDriver } from './driver.ts';
import { fileTrack, readRemoteAudio } from './media.ts';

interface Published {
  track: MediaStreamTrack;
  stop(): void;
}

/** Serve one room visit on `port`, joining with `factory`'s driver (the frame's SDK). */
export function serveRoom(port: MessagePort, factory: DriverFactory): { close(): void } {
  let driver: RoomDriver | null = null;
  let published: Published | null = null;
  const remote = new Map<string, { participant: string; label: string; stop: () => void }>();
  let queue: Promise<void> = Promise.resolve();

  const post = (message: FrameMessage, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const emit = (event: RoomEvent) => {
    try {
      post({ type: 'event', event });
    } catch (err) {
      post({
        type: 'event',
        event: { type: 'error', code: 'ROOM_EVENT', message: `a ${event.type} event from the SDK could not be passed on: ${(err as Error).message}` },
      });
    }
  };

  const context: DriverContext = {
    event: emit,
    remoteAudio(trackId, participant, label, track) {
      stopRemote(trackId, false);
      const stop = readRemoteAudio(track, (samples, sampleRate) =>
        post({ type: 'event', event: { type: 'audio', trackId, sampleRate, samples } }, [samples.buffer]),
      );
      remote.set(trackId, { participant, label, stop });
      emit({ type: 'track', change: 'subscribed', trackId, participant, label });
    },
    remoteAudioGone: (trackId) => stopRemote(trackId, true),
  };

  function stopRemote(trackId: string, announce: boolean): void {
    const r = remote.get(trackId);
    if (!r) return;
    r.stop();
    remote.delete(trackId);
    if (announce) emit({ type: 'track', change: 'unsubscribed', trackId, participant: r.participant, label: r.label });
  }

  function stopPublished(): void {
    published?.stop();
    published = null;
  }

  function current(): RoomDriver {
    if (!driver) throw roomError('NOT_JOINED', 'join the room first');
    return driver;
  }

  async function publish(source: RoomRequests['publish']['args']['source']): Promise<RoomRequests['publish']['result']> {
    const d = current();
    if (source.kind === 'microphone') {
      const stream = await openMicrophone(SPEECH_CONSTRAINTS).catch((err: { code?: string; message?: string }) => {
        throw roomError(err.code ?? 'MICROPHONE', err.message ?? String(err));
      });
      const track = stream.getAudioTracks()[0]!;
      try {
        await d.publish(track, 'microphone');
      } catch (err) {
        stream.getTracks().forEach((t) => t.stop());
        throw err;
      }
      stopPublished();
      published = { track, stop: () => stream.getTracks().forEach((t) => t.stop()) };
      return { durationS: null };
    }
    const file = await fileTrack(source.bytes).catch((err: Error) => {
      throw roomError('BAD_AUDIO_FILE', `${source.name}: ${err.message}`);
    });
    try {
      await d.publish(file.track, 'file');
    } catch (err) {
      file.stop();
      throw err;
    }
    stopPublished();
    const mine: Published = { track: file.track, stop: file.stop };
    published = mine;
    file.start();
    void file.ended.then(() => {
      if (published === mine) emit({ type: 'publish-ended' });
    });
    return { durationS: file.durationS };
  }

  async function leave(): Promise<null> {
    for (const id of [...remote.keys()]) stopRemote(id, true);
    stopPublished();
    const d = driver;
    driver = null;
    await d?.leave();
    return null;
  }

  async function run(request: RoomRequest): Promise<unknown> {
    switch (request.op) {
      case 'join': {
        const { params } = request.args as RoomRequests['join']['args'];
        if (driver) throw roomError('ALREADY_JOINED', 'already in the room: leave it first');
        const d = factory(context);
        driver = d;
        try {
          return await d.join(params);
        } catch (err) {
          driver = null;
          for (const id of [...remote.keys()]) stopRemote(id, false);
          throw err;
        }
      }
      case 'publish':
        return publish((request.args as RoomRequests['publish']['args']).source);
      case 'unpublish':
        await current().unpublish();
        stopPublished();
        return null;
      case 'send': {
        const { data, channel } = request.args as RoomRequests['send']['args'];
        await current().send(data, channel);
        return null;
      }
      case 'interrupt':
        return current().interrupt((request.args as RoomRequests['interrupt']['args']).target);
      case 'leave':
        return leave();
    }
  }

  async function handle(raw: unknown): Promise<void> {
    const parsed = parseRoomRequest(raw);
    if (!parsed.ok) {
      if (parsed.id !== null) post({ type: 'reply', reply: { id: parsed.id, ok: false, error: parsed.error } });
      return;
    }
    const { id } = parsed.request;
    try {
      const result = await run(parsed.request);
      post({ type: 'reply', reply: { id, ok: true, result: result ?? null } });
    } catch (err) {
      post({ type: 'reply', reply: { id, ok: false, error: toRoomError(err) } });
    }
  }

  port.onmessage = (e: MessageEvent) => {
    queue = queue.then(() => handle(e.data));
  };
  port.start();
  return {
    close() {
      port.onmessage = null;
      void leave().catch(() => undefined);
      port.close();
    },
  };
}
