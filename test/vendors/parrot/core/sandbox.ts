import { randomUUID } from 'node:crypto';
import type { SandboxHost } from '../../../../src-main/core/sandbox/host.ts';
import type { VendorErrorEntry } from '../../../../src-main/core/sandbox/faults.ts';
import { blockingErrors, findingLine, validatePayload, warningsOf } from '../../../../src-main/core/payload.ts';
import { talkSchema } from './common/schema.ts';

export const SANDBOX_API_KEY = 'parrot-sandbox-key-0001';
const ref = 'test/vendors/parrot/PROTOCOL.md#errors';
export const PARROT_ERRORS: VendorErrorEntry[] = [
  { code: 'RATE_LIMITED', meaning: 'too many turns', kind: 'documented', ref, when: 'instead of the answer to the next say' },
  { code: 'UNAUTHORIZED', meaning: 'wrong API key (close 4001)', kind: 'documented', ref, when: 'at the next hello' },
];

/** The Parrot sandbox: test/vendors/parrot/PROTOCOL.md on loopback, refusing only what that page says it refuses. */
export function mountParrotSandbox(host: SandboxHost): void {
  host.declareErrors('parrot', PARROT_ERRORS);
  host.ws('parrot', '/v1/talk', (socket) => {
    let config: Record<string, unknown> | null = null;
    let turn = 0;
    const hello = setTimeout(() => socket.close(4408, 'no hello within 5 s'), 5000);
    socket.onClose(() => clearTimeout(hello));
    socket.onMessage(async (data) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      } catch {
        return socket.close(4400, 'not JSON');
      }
      const fault = host.fault('parrot');
      if (!config) {
        clearTimeout(hello);
        if (m.type !== 'hello' || m.key !== SANDBOX_API_KEY || (fault?.kind === 'vendor-error' && fault.code === 'UNAUTHORIZED'))
          return socket.close(4001, 'unauthorized');
        const given = m.config && typeof m.config === 'object' ? (m.config as Record<string, unknown>) : {};
        const findings = validatePayload({ schema: talkSchema }, given);
        for (const w of warningsOf(findings)) host.note('parrot', `hello.config: ${findingLine(w)}`);
        const refused = blockingErrors(findings)[0];
        if (refused) return socket.close(4400, refused.message.slice(0, 120));
        config = given;
        return socket.send({ type: 'welcome', session: randomUUID() });
      }
      if (m.type !== 'say' || typeof m.text !== 'string') return;
      turn++;
      if (fault?.kind === 'vendor-error' && fault.code === 'RATE_LIMITED') return socket.send({ type: 'error', code: 'RATE_LIMITED', message: 'slow down' });
      await socket.send({ type: 'heard', text: m.text });
      const reply = config.voice === 'high' ? m.text.toUpperCase() : m.text.toLowerCase();
      const repeat = typeof config.repeat === 'number' ? config.repeat : 1;
      for (let seq = 1; seq <= repeat; seq++) await socket.send({ type: 'reply', seq, text: reply });
      await socket.send({ type: 'done', turn });
    });
  });
}
