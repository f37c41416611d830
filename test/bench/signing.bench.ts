import { createHash, createHmac } from 'node:crypto';
import { signTc3 } from '../../src-main/core/vendors/tencent/tc3.ts';
import { checkSum } from '../../src-main/core/vendors/netease/checksum.ts';
import { atLeast, opsPerSecond, type Figure } from './figure.ts';

/**
 * Signing throughput against bare crypto loops in the same run. A TC3 signature is 5 HMACs + 2 SHA-256 over
 * short strings, so the baseline is that many bare operations; the budget is half the baseline's rate.
 */
export async function run(): Promise<Figure[]> {
  const body = JSON.stringify({ SdkAppId: 1400000000, RoomId: '1234', AgentConfig: { UserId: 'bot', UserSig: 'x'.repeat(200), TargetUserId: 'user' } });
  let ts = 1_700_000_000;
  const tc3 = opsPerSecond(() => {
    signTc3({
      secretId: 'AKIDbench',
      secretKey: 'bench-secret-key',
      host: 'trtc.tencentcloudapi.com',
      service: 'trtc',
      action: 'StartAIConversation',
      version: '2019-07-22',
      region: 'ap-guangzhou',
      timestamp: ts++,
      body,
    });
  });
  const bareTc3 = opsPerSecond(() => {
    let k: Buffer = createHmac('sha256', 'TC3bench-secret-key').update('2023-11-14').digest();
    k = createHmac('sha256', k).update('trtc').digest();
    k = createHmac('sha256', k).update('tc3_request').digest();
    const h1 = createHash('sha256').update(body).digest('hex');
    const h2 = createHash('sha256').update(`POST\n/\n\ncontent-type:application/json\nhost:trtc\n\n${h1}`).digest('hex');
    createHmac('sha256', k).update(`TC3-HMAC-SHA256\n${ts++}\n2023-11-14/trtc/tc3_request\n${h2}`).digest('hex');
  });
  let n = 0;
  const cs = opsPerSecond(() => {
    checkSum('bench-app-secret', `nonce${n++}`, '1700000000');
  });
  const bareCs = opsPerSecond(() => {
    createHash('sha1')
      .update(`bench-app-secret${'nonce' + n++}1700000000`)
      .digest('hex');
  });
  return [
    atLeast('signing.tc3_per_s', tc3, 'sig/s', Math.round(bareTc3 / 2), {
      baseline: { name: 'bare createHmac/createHash chain', value: Math.round(bareTc3), unit: 'sig/s' },
      note: 'budget: at least half the bare crypto rate',
    }),
    atLeast('signing.netease_checksum_per_s', cs, 'sig/s', Math.round(bareCs / 2), {
      baseline: { name: 'bare createHash(sha1)', value: Math.round(bareCs), unit: 'sig/s' },
      note: 'budget: at least half the bare crypto rate',
    }),
  ];
}
