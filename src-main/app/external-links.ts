/**
 * The only places a link in Parley may open: vendor documentation and consoles, in the system browser, over https.
 * Exact host match (no subdomain wildcards) so a typo-squatted or user-controlled subdomain cannot sneak in.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  // Convai
  'docs.convai.com',
  'convai.com',
  'www.convai.com',
  // NetEase Yunxin
  'doc.yunxin.163.com',
  'yunxin.163.com',
  // Mindcraft (its API reference is published on apifox)
  'mindcraft.com.cn',
  'www.mindcraft.com.cn',
  'apifox.com',
  // Tencent Cloud TRTC
  'cloud.tencent.com',
  'console.cloud.tencent.com',
  'www.tencentcloud.com',
  'trtc.io',
  // LiveKit (the SDK Convai rooms use)
  'docs.livekit.io',
];

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false;
  return EXTERNAL_LINK_HOSTS.includes(url.hostname);
}
