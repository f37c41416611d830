import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SandboxHost } from '../../../src-main/core/sandbox/host.ts';
import { sendHttp, TransportError } from '../../../src-main/core/http.ts';

describe('SandboxHost with fault injection', () => {
  const host = new SandboxHost();
  beforeAll(async () => {
    host.http('demo', 'POST', '/echo', (req) => ({ status: 200, body: { got: JSON.parse(req.body.toString()), key: req.headers['x-api-key'] } }));
    host.ws('demo', '/socket', (sock) => {
      sock.onMessage(async (data) => {
        for (let i = 0; i < 5; i++) await sock.send({ i, echo: data.toString() });
      });
    });
    await host.start();
  });
  afterAll(() => host.close());

  const post = (timeoutMs = 2000) =>
    sendHttp({
      method: 'POST',
      url: `${host.vendorUrl('demo')}/echo`,
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: '{"a":1}',
      timeoutMs,
    });

  it('routes HTTP under the vendor prefix', async () => {
    host.setFault('demo', null);
    const ex = await post();
    expect(ex.status).toBe(200);
    expect(ex.json).toEqual({ got: { a: 1 }, key: 'k' });
  });

  it('passes every status through as the server sent it, a 407 from a proxy included', async () => {
    host.setFault('demo', { kind: 'status', status: 407, body: 'Proxy Authentication Required' });
    const ex = await post();
    host.setFault('demo', null);
    expect(ex.status).toBe(407);
    expect(ex.bodyText).toBe('Proxy Authentication Required');
  });

  it('answers unknown routes with 404 and the route named', async () => {
    const ex = await sendHttp({ method: 'GET', url: `${host.vendorUrl('demo')}/nope` });
    expect(ex.status).toBe(404);
    expect(ex.bodyText).toContain('GET /demo/nope');
  });

  it('injects status, malformed, delay, hang and reset faults, each a distinct outcome', async () => {
    host.setFault('demo', { kind: 'status', status: 503 });
    expect((await post()).status).toBe(503);

    host.setFault('demo', { kind: 'malformed' });
    const bad = await post();
    expect(bad.status).toBe(200);
    expect(bad.json).toBeUndefined();

    host.setFault('demo', { kind: 'delay', ms: 300 });
    const slow = await post();
    expect(slow.durationMs).toBeGreaterThanOrEqual(290);

    host.setFault('demo', { kind: 'hang' });
    await expect(post(300)).rejects.toMatchObject({ code: 'timeout' });

    host.setFault('demo', { kind: 'reset' });
    const err = await post().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('connection_reset');
    host.setFault('demo', null);
  });

  it('sets faults over HTTP through the control endpoint and rejects bad ones with the field named', async () => {
    const ok = await sendHttp({ method: 'POST', url: `${host.baseUrl}/_sandbox/faults/demo`, body: '{"kind":"status","status":429}' });
    expect(ok.status).toBe(200);
    expect((await post()).status).toBe(429);
    const bad = await sendHttp({ method: 'POST', url: `${host.baseUrl}/_sandbox/faults/demo`, body: '{"kind":"status","status":42}' });
    expect(bad.status).toBe(400);
    expect(bad.bodyText).toContain('fault.status');
    await sendHttp({ method: 'POST', url: `${host.baseUrl}/_sandbox/faults/demo`, body: 'null' });
    expect((await post()).status).toBe(200);
  });

  it('drops a WebSocket mid-stream after N frames, and sends a malformed frame when told', async () => {
    const collect = () =>
      new Promise<{ frames: string[]; code: number }>((resolve) => {
        const ws = new WebSocket(`${host.vendorUrl('demo').replace('http', 'ws')}/socket`);
        const frames: string[] = [];
        ws.on('open', () => ws.send('hi'));
        ws.on('message', (d) => {
          frames.push(d.toString());
          if (frames.length === 5) ws.close();
        });
        ws.on('close', (code) => resolve({ frames, code }));
      });
    host.setFault('demo', { kind: 'drop', afterFrames: 2 });
    const dropped = await collect();
    expect(dropped.frames).toHaveLength(2);
    expect(dropped.code).toBe(1011);

    host.setFault('demo', { kind: 'malformed', afterFrames: 1 });
    const malformed = await collect();
    expect(() => JSON.parse(malformed.frames[1]!)).toThrow();
    expect(JSON.parse(malformed.frames[0]!)).toEqual({ i: 0, echo: 'hi' });
    host.setFault('demo', null);
  });
});
