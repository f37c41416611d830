import { VENDORS } from '../core/vendors/registry.ts';

/**
 * The only places a link in Parley may open: each registered vendor's documentation and console hosts (its
 * descriptor's `docsHosts`), in the system browser, over https. Exact host match (no subdomain wildcards) so a
 * typo-squatted or user-controlled subdomain cannot sneak in.
 */
export function externalLinkHosts(): string[] {
  return [...new Set(VENDORS.flatMap((v) => v.docsHosts))];
}

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false;
  return externalLinkHosts().includes(url.hostname);
}
