/**
 * Sites as browsers define them for cookies: scheme plus registrable domain (eTLD+1 from the
 * Public Suffix List, private section included, so `a.github.io` and `b.github.io` are two sites).
 * https://developer.mozilla.org/en-US/docs/Glossary/Site
 */
import { getDomain } from 'tldts'

/** Scheme plus registrable domain; hosts with no registrable domain (localhost, IPs) stand alone. */
export function siteOf(protocol: string, host: string): string {
  return `${protocol}//${getDomain(host, { allowPrivateDomains: true }) ?? host}`
}

/**
 * Whether two origins are on different sites, so that a browser treats requests between them as
 * cross-site (third-party cookies). An origin that does not parse counts as cross-site.
 *
 * @example
 * isCrossSite('https://docs.example.com', 'https://auth.example.com') // false
 * isCrossSite('https://a.github.io', 'https://b.github.io') // true
 */
export function isCrossSite(origin: string, other: string): boolean {
  try {
    const a = new URL(origin)
    const b = new URL(other)
    return siteOf(a.protocol, a.hostname) !== siteOf(b.protocol, b.hostname)
  } catch {
    return true
  }
}

/** Hosts that are the machine itself: `localhost` (and its subdomains), 127.0.0.1, [::1]. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]'
}
