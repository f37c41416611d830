/**
 * Every network origin the room frame may connect to (CSP connect-src). The renderer talks to main over IPC; the only
 * network traffic it makes itself is joining a vendor's WebRTC room, so this is the list of hosts the room SDKs dial,
 * read from the SDK sources in node_modules (versions in package-lock.json):
 *
 * - livekit-client (Convai): `/connect` answers with a `room_url` on LiveKit Cloud (`wss://<project>.livekit.cloud`);
 *   the SDK also calls `https://<project>.livekit.cloud/settings/regions` and `/rtc/validate` over https.
 * - trtc-sdk-v5 5.17: schedules over https on schedule.cloud-rtc.com / .net (mainland) and schedule.rtc-web.com / .io,
 *   intl-schedule.cloud-rtc.com (overseas), then opens the signalling socket on the host the schedule returns; the SDK
 *   suffixes bare names with `.rtc.qq.com` and falls back to wss://trtc.rtc.qq.com and wss://webrtc.qq.com.
 * - nertc-web-sdk 5.8: lbs on wecan-lbs.netease.im / wecan-lbs.yunxinvcloud.com / lbs-overseas.yunxinvcloud.com, room
 *   server on roomserver.netease.im / wecan-sdk.yunxinvcloud.com / call-overseas.yunxinvcloud.com, nrtc.netease.im /
 *   wecan-gw.yunxinvcloud.com / nrtc-overseas.yunxinvcloud.com, cloud proxy on ap-prd-jd.netease.im /
 *   supervisor-overseas.yunxinvcloud.com; signalling on the wss host the room server hands out.
 *
 * Each vendor's list is allowed only in the room frame that runs that vendor's SDK (csp.ts), so one vendor's SDK can
 * reach no other vendor's hosts.
 *
 * Reporting hosts: every trtc-sdk-v5 join ends with a key-point report and key-metric stats sent by sendBeacon to
 * yun.tim.qq.com (apisgp.my-imcloud.com for SDKAppIDs below 1400000000), whatever the SDK's options; nertc-web-sdk
 * posts its event reports to statistic.live.126.net / apm.yunxinhi.com (statistic-overseas.yunxinfw.com overseas).
 * They are the vendor's own servers, receiving what that vendor's room already knows, and vendor support asks for
 * these reports when a problem is escalated; blocking them would only turn every join into CSP violations. So each
 * is allowed, for its own vendor only. Dynamic signalling hosts are allowed by the vendor's domain wildcard; if a
 * vendor answers with a bare IP address, joining fails with a CSP violation in the room frame's console (visible,
 * not silent) and the host belongs in this list. Loopback is allowed for the built-in sandbox rooms, which run on
 * 127.0.0.1 only.
 */
export const RTC_CONNECT_SOURCES = {
  convai: ['wss://*.livekit.cloud', 'https://*.livekit.cloud'],
  tencent: [
    'https://schedule.cloud-rtc.com',
    'https://schedule.cloud-rtc.net',
    'https://schedule.rtc-web.com',
    'https://schedule.rtc-web.io',
    'https://intl-schedule.cloud-rtc.com',
    'wss://*.rtc.qq.com',
    'wss://webrtc.qq.com',
    'wss://*.rtc-web.com',
    'wss://*.rtc-web.io',
    'wss://*.cloud-rtc.com',
    // reports (see above)
    'https://yun.tim.qq.com',
    'https://apisgp.my-imcloud.com',
  ],
  netease: [
    'https://wecan-lbs.netease.im',
    'https://roomserver.netease.im',
    'https://nrtc.netease.im',
    'https://ap-prd-jd.netease.im',
    'https://*.yunxinvcloud.com',
    'wss://*.netease.im',
    'wss://*.yunxinvcloud.com',
    // reports (see above)
    'https://statistic.live.126.net',
    'wss://statistic.live.126.net',
    'https://apm.yunxinhi.com',
    'https://statistic-overseas.yunxinfw.com',
  ],
  sandbox: ['ws://127.0.0.1:*', 'http://127.0.0.1:*'],
} as const;

export function rtcConnectSources(): string[] {
  return Object.values(RTC_CONNECT_SOURCES).flat();
}
