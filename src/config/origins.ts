/**
 * Trusted origins: parsed once from `TRUSTED_ORIGINS`, shared by CORS and BetterAuth.
 *
 * An entry is an exact origin (`https://docs.example.com`) or a wildcard over
 * subdomains (`https://*.example.com`, one or more labels, as BetterAuth matches it).
 * A wildcard must stay within one registrable domain: over a public suffix (`*.vercel.app`,
 * `*.co.uk`, Public Suffix List with its private section) it would trust everyone's sites.
 */
import { getDomain } from 'tldts'

/** A normalised origin entry: `value` is what BetterAuth receives as a trusted origin. */
export interface OriginPattern {
  /** Normalised text, e.g. `https://docs.example.com` or `https://*.example.com`. */
  readonly value: string
  readonly protocol: 'http:' | 'https:'
  /** Exact hostname, or the suffix after `*.` for a wildcard. */
  readonly host: string
  readonly port: string
  readonly wildcard: boolean
}

export type OriginParseResult = { ok: true; pattern: OriginPattern } | { ok: false; problem: string }

const WILDCARD_PREFIX = '*.'

/**
 * True when hosts under `host` can belong to other sites: `host` is itself a public suffix
 * (`vercel.app`, `co.uk`), or a suffix rule starts right below it (`*.compute.amazonaws.com`).
 */
function spansOtherSites(host: string): boolean {
  const site = getDomain(host, { allowPrivateDomains: true })
  return site === null || getDomain(`x.${host}`, { allowPrivateDomains: true }) !== site
}

/**
 * Parses one allowlist entry, normalising scheme and host case and a trailing slash.
 *
 * @example
 * parseOriginPattern('HTTPS://Docs.Example.com/') // { ok: true, pattern: { value: 'https://docs.example.com', ... } }
 */
export function parseOriginPattern(entry: string): OriginParseResult {
  const text = entry.trim()
  const schemeEnd = text.indexOf('://')
  // Not echoed: a value without a scheme may be anything, a secret pasted into the wrong variable included.
  if (schemeEnd < 0)
    return {
      ok: false,
      problem: `an entry of ${text.length} characters is not an origin (expected scheme://host[:port])`,
    }
  const scheme = text.slice(0, schemeEnd).toLowerCase()
  let rest = text.slice(schemeEnd + 3)
  const wildcard = rest.startsWith(WILDCARD_PREFIX)
  if (wildcard) rest = rest.slice(WILDCARD_PREFIX.length)
  if (rest.includes('*'))
    return {
      ok: false,
      problem: `"${text}" may use a wildcard only as a whole first label (https://*.example.com), not within a label`,
    }

  let url: URL
  try {
    url = new URL(`${scheme}://${wildcard ? 'wildcard.' : ''}${rest}`)
  } catch {
    return { ok: false, problem: `"${text}" is not a valid origin` }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: `"${text}" must use http or https` }
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    return { ok: false, problem: `"${text}" must be an origin only, without path, query or credentials` }
  }
  const host = wildcard ? url.hostname.slice('wildcard.'.length) : url.hostname
  if (wildcard && !host.includes('.')) {
    return { ok: false, problem: `"${text}" is too broad: a wildcard needs a domain with at least two labels` }
  }
  if (wildcard && spansOtherSites(host)) {
    return {
      ok: false,
      problem: `"${text}" is a wildcard over the public suffix ${host}: every site under it belongs to someone else, so anyone could deploy a frontend there and be trusted. List exact origins, or use a wildcard under a domain you own (https://*.preview.example.com)`,
    }
  }
  const authority = `${wildcard ? WILDCARD_PREFIX : ''}${host}${url.port ? `:${url.port}` : ''}`
  return {
    ok: true,
    pattern: { value: `${url.protocol}//${authority}`, protocol: url.protocol, host, port: url.port, wildcard },
  }
}

/**
 * Builds a predicate that answers whether a request's `Origin` header is trusted.
 *
 * @example
 * const isTrusted = createOriginMatcher(patterns)
 * isTrusted('https://a.example.com') // true for https://*.example.com
 */
export function createOriginMatcher(
  patterns: readonly OriginPattern[],
): (origin: string | null | undefined) => boolean {
  const exact = new Set(patterns.filter((p) => !p.wildcard).map((p) => p.value))
  const wildcards = patterns.filter((p) => p.wildcard)

  return function isTrustedOrigin(origin) {
    if (!origin) return false
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return false
    }
    if (exact.has(url.origin)) return true
    return wildcards.some(
      (p) => p.protocol === url.protocol && p.port === url.port && url.hostname.endsWith(`.${p.host}`),
    )
  }
}
