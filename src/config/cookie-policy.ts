/**
 * Cookie policy: which cookie mode the deployment needs, derived once from configuration.
 *
 * Browsers decide "same-site" by scheme plus registrable domain (eTLD+1 from the Public
 * Suffix List, private section included, so `a.github.io` and `b.github.io` are two sites).
 */
import { getDomain } from 'tldts'
import { isLoopbackHost, siteOf } from '../http/site.ts'
import type { OriginPattern } from './origins.ts'

export type CookieMode = 'same-site' | 'cross-site'

/** What BetterAuth is told about cookies, and what `/health/auth` reports. */
export interface CookiePolicy {
  readonly mode: CookieMode
  /** `auto` when derived, otherwise the `COOKIE_MODE` that forced it. */
  readonly modeSource: 'auto' | 'COOKIE_MODE'
  /** True when the cookie carries `Secure` and so the `__Secure-` name prefix. */
  readonly secure: boolean
  readonly sameSite: 'lax' | 'none'
  readonly partitioned: boolean
  readonly domain: string | undefined
  /** Frontend origins on another site than the service (the reason for cross-site mode). */
  readonly crossSiteOrigins: readonly string[]
  /**
   * Valid configuration that still leaves some trusted frontend without a working session cookie.
   * `/health/auth` answers 503 for an `error`, and reports a `warning`; the doctor names both.
   */
  readonly warnings: readonly CookieWarning[]
}

export interface CookieWarning {
  /**
   * `cross_site_lax_cookie`: a forced same-site mode facing frontends on other sites (the same code
   * as the `/health/session` cause those frontends see). `loopback_origin`: a deployment that is not
   * on loopback trusting a loopback frontend, which it ignores when choosing the cookie mode.
   */
  readonly code: 'cross_site_lax_cookie' | 'loopback_origin'
  readonly level: 'error' | 'warning'
  readonly message: string
  readonly fix: string
}

export interface CookiePolicyProblem {
  variable: 'COOKIE_DOMAIN' | 'COOKIE_MODE' | 'BETTER_AUTH_URL'
  problem: string
}

function isWithinDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`)
}

/**
 * Derives the cookie policy for a service URL and its trusted frontends.
 *
 * @example
 * deriveCookiePolicy({ serviceUrl: new URL('https://auth.example.com'), origins, cookieDomain: undefined, forcedMode: undefined })
 * // { policy: { mode: 'same-site', sameSite: 'lax', secure: true, ... }, problems: [] }
 */
export function deriveCookiePolicy(input: {
  serviceUrl: URL
  origins: readonly OriginPattern[]
  cookieDomain: string | undefined
  forcedMode: string | undefined
}): { policy: CookiePolicy; problems: CookiePolicyProblem[] } {
  const { serviceUrl } = input
  const problems: CookiePolicyProblem[] = []
  const serviceSite = siteOf(serviceUrl.protocol, serviceUrl.hostname)
  // A developer's http://localhost:3000 trusted by a deployment elsewhere must not turn production's
  // cookies cross-site (nor fail COOKIE_DOMAIN): such origins are set aside, and named in a warning.
  const loopbackOrigins = isLoopbackHost(serviceUrl.hostname) ? [] : input.origins.filter((o) => isLoopbackHost(o.host))
  const origins = input.origins.filter((o) => !loopbackOrigins.includes(o))

  // A wildcard never spans a public suffix (config/origins refuses it), so its host names its one site.
  const crossSiteOrigins = origins
    .filter((origin) => siteOf(origin.protocol, origin.host) !== serviceSite)
    .map((origin) => origin.value)

  let mode: CookieMode = crossSiteOrigins.length > 0 ? 'cross-site' : 'same-site'
  let modeSource: CookiePolicy['modeSource'] = 'auto'
  const forced = input.forcedMode?.trim().toLowerCase()
  if (forced && forced !== 'auto') {
    if (forced === 'same-site' || forced === 'cross-site') {
      mode = forced
      modeSource = 'COOKIE_MODE'
    } else {
      problems.push({ variable: 'COOKIE_MODE', problem: 'must be auto, same-site or cross-site' })
    }
  }

  const crossSiteReason = crossSiteOrigins.length > 0 ? crossSiteOrigins.join(', ') : 'COOKIE_MODE=cross-site'
  const httpsOrLocal = serviceUrl.protocol === 'https:' || isLoopbackHost(serviceUrl.hostname)
  if (mode === 'cross-site' && !httpsOrLocal) {
    problems.push({
      variable: 'BETTER_AUTH_URL',
      problem: `must be https: cross-site cookies (${crossSiteReason}) need SameSite=None; Secure`,
    })
  }

  const domain = input.cookieDomain?.trim().toLowerCase().replace(/^\./, '') || undefined
  if (domain) {
    if (mode === 'cross-site') {
      problems.push({
        variable: 'COOKIE_DOMAIN',
        problem: `cannot be used with cross-site cookies (${crossSiteReason}): a partitioned cookie has no Domain`,
      })
    } else if (getDomain(domain, { allowPrivateDomains: true }) === null) {
      problems.push({
        variable: 'COOKIE_DOMAIN',
        problem: `"${domain}" is a public suffix; browsers reject cookies for it`,
      })
    } else {
      const outside = [serviceUrl.hostname, ...origins.map((o) => o.host)].filter((h) => !isWithinDomain(h, domain))
      if (outside.length > 0) {
        problems.push({ variable: 'COOKIE_DOMAIN', problem: `"${domain}" is not a parent of ${outside.join(', ')}` })
      }
    }
  }

  const warnings: CookieWarning[] = []
  if (mode === 'same-site' && crossSiteOrigins.length > 0) {
    const [first, ...more] = crossSiteOrigins
    warnings.push({
      code: 'cross_site_lax_cookie',
      level: 'error',
      message: `COOKIE_MODE=same-site makes the session cookie SameSite=Lax, but ${more.length > 0 ? `${crossSiteOrigins.join(', ')} are` : `${first} is`} on another site: browsers never send that cookie there, so get-session from ${more.length > 0 ? 'them' : 'it'} is always null`,
      fix: "Unset COOKIE_MODE (auto uses SameSite=None; Secure; Partitioned for them), move those frontends onto the service's registrable domain, or have them send the bearer token.",
    })
  }

  if (loopbackOrigins.length > 0) {
    const listed = loopbackOrigins.map((o) => o.value).join(', ')
    warnings.push({
      code: 'loopback_origin',
      level: 'warning',
      message: `TRUSTED_ORIGINS lists ${listed} on a deployment at ${serviceUrl.origin}: a page on your machine cannot keep this deployment's session cookie, and it plays no part in choosing the cookie mode`,
      fix: `Remove ${listed} from TRUSTED_ORIGINS here, and run the service locally (npm run dev) for frontend development.`,
    })
  }

  const crossSite = mode === 'cross-site'
  const policy: CookiePolicy = {
    mode,
    modeSource,
    secure: crossSite || serviceUrl.protocol === 'https:',
    sameSite: crossSite ? 'none' : 'lax',
    partitioned: crossSite,
    domain: crossSite ? undefined : domain,
    crossSiteOrigins,
    warnings,
  }
  return { policy, problems }
}
