/**
 * Configuration: the Worker's bindings (or `process.env`) parsed and validated into a typed,
 * frozen object (once per isolate: see context.ts). Problems name the variable and what is wrong, never its value.
 */

import { type ProxyMatcher, parseTrustProxy } from '../http/client-address.ts'
import { isLoopbackHost } from '../http/site.ts'
import { type CookiePolicy, deriveCookiePolicy } from './cookie-policy.ts'
import type { EnvBindings } from './env.ts'
import { type MailConfig, parseMailConfig } from './mail.ts'
import { type OperatorSettings, parseOperatorSettings } from './operator.ts'
import { createOriginMatcher, type OriginPattern, parseOriginPattern } from './origins.ts'
import { type PagesConfig, parsePagesConfig } from './pages.ts'
import { type ProvidersConfig, parseProviders } from './providers.ts'
import { parseSecrets, type SigningSecret } from './secrets.ts'

export interface ConfigProblem {
  variable: string
  problem: string
}

export interface Config {
  /** Known signing secrets, current first. */
  readonly secrets: readonly SigningSecret[]
  /** Origin of `BETTER_AUTH_URL`, e.g. `https://auth.example.com`. */
  readonly baseURL: string
  readonly databaseUrl: string
  readonly neonHttpEndpoint: string | undefined
  /** How long one database round trip may take before it is abandoned (DATABASE_TIMEOUT_MS). */
  readonly databaseTimeoutMs: number
  readonly trustedOrigins: readonly OriginPattern[]
  /** Whether an origin is in TRUSTED_ORIGINS: CORS with credentials, callback URLs. */
  readonly isTrustedOrigin: (origin: string | null | undefined) => boolean
  /** Whether an origin may act with the session cookie: the service's own, or a trusted one. */
  readonly isOwnOrTrustedOrigin: (origin: string | null | undefined) => boolean
  readonly cookies: CookiePolicy
  readonly jwt: { readonly ttlSeconds: number; readonly issuer: string; readonly audience: string }
  /** The service's rate limits and sign-in throttling (src/limits/), shared through the database. */
  readonly rateLimit: boolean
  /** Whether an address is a proxy named in TRUST_PROXY (Node: whose X-Forwarded-For hop to take). */
  readonly trustProxy: ProxyMatcher
  /** HEALTH_TOKEN, CRON_SECRET and AUTH_EVENT_RETENTION_DAYS (see operator.ts). */
  readonly operator: OperatorSettings
  /**
   * Seconds a signed session cookie cache answers session checks without the database (BetterAuth's
   * `session.cookieCache`); 0 disables it. Also the longest a session revoked elsewhere is still seen.
   */
  readonly sessionCacheSeconds: number
  readonly mail: MailConfig
  /** Sign-in providers (GitHub, Google, OpenID Connect) and the account linking policy. */
  readonly providers: ProvidersConfig
  /** The hosted pages: on or off, and their theme (PAGES, BRAND_COLOR, LOGO_URL). */
  readonly pages: PagesConfig
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] }

const DEFAULT_JWT_TTL_SECONDS = 15 * 60
const DEFAULT_DATABASE_TIMEOUT_MS = 2500

function parseDatabaseTimeout(value: string | undefined, problems: ConfigProblem[]): number {
  if (!value?.trim()) return DEFAULT_DATABASE_TIMEOUT_MS
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN
  if (!(ms >= 100 && ms <= 30_000)) {
    problems.push({
      variable: 'DATABASE_TIMEOUT_MS',
      problem: 'must be a whole number of milliseconds from 100 to 30000',
    })
    return DEFAULT_DATABASE_TIMEOUT_MS
  }
  return ms
}
const DEFAULT_SESSION_CACHE_SECONDS = 60
const MAX_SESSION_CACHE_SECONDS = 3600
const TTL_PATTERN = /^(\d+)\s*(s|m|h)?$/

function parseUrl(
  variable: string,
  value: string | undefined,
  problems: ConfigProblem[],
  schemes: string[],
): URL | undefined {
  if (!value?.trim()) {
    problems.push({ variable, problem: 'is missing' })
    return undefined
  }
  try {
    const url = new URL(value.trim())
    if (schemes.includes(url.protocol)) return url
    problems.push({ variable, problem: `must use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}` })
  } catch {
    problems.push({ variable, problem: 'is not a valid URL' })
  }
  return undefined
}

function durationSeconds(value: string): number {
  const match = TTL_PATTERN.exec(value.trim())
  return match ? Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(match[2] ?? 's') as 's' | 'm' | 'h'] : NaN
}

function parseSessionCacheTtl(value: string | undefined, problems: ConfigProblem[]): number {
  if (!value?.trim()) return DEFAULT_SESSION_CACHE_SECONDS
  const seconds = durationSeconds(value)
  if (!(seconds >= 0 && seconds <= MAX_SESSION_CACHE_SECONDS)) {
    problems.push({
      variable: 'SESSION_CACHE_TTL',
      problem: 'must be a duration between 0 (off) and 1h, e.g. 60, 30s or 5m',
    })
    return DEFAULT_SESSION_CACHE_SECONDS
  }
  return seconds
}

function parseTtl(value: string | undefined, problems: ConfigProblem[]): number {
  if (!value?.trim()) return DEFAULT_JWT_TTL_SECONDS
  const seconds = durationSeconds(value)
  if (!(seconds >= 30 && seconds <= 24 * 3600)) {
    problems.push({ variable: 'JWT_TTL', problem: 'must be a duration between 30s and 24h, e.g. 900, 15m or 1h' })
    return DEFAULT_JWT_TTL_SECONDS
  }
  return seconds
}

function parseBaseUrl(value: string | undefined, problems: ConfigProblem[]): URL | undefined {
  const baseUrl = parseUrl('BETTER_AUTH_URL', value, problems, ['http:', 'https:'])
  if (baseUrl && baseUrl.pathname !== '/' && baseUrl.pathname !== '') {
    problems.push({
      variable: 'BETTER_AUTH_URL',
      problem: 'must be an origin without a path (the auth routes live at /api/auth)',
    })
  }
  return baseUrl
}

function parseTrustedOrigins(value: string | undefined, problems: ConfigProblem[]): OriginPattern[] {
  const trustedOrigins: OriginPattern[] = []
  for (const entry of (value ?? '').split(',').filter((e) => e.trim())) {
    const parsed = parseOriginPattern(entry)
    if (parsed.ok) trustedOrigins.push(parsed.pattern)
    else problems.push({ variable: 'TRUSTED_ORIGINS', problem: parsed.problem })
  }
  return trustedOrigins
}

function parseRateLimit(value: string | undefined, problems: ConfigProblem[]): boolean {
  const setting = (value?.trim() || 'on').toLowerCase()
  if (setting !== 'on' && setting !== 'off') problems.push({ variable: 'RATE_LIMIT', problem: 'must be on or off' })
  return setting !== 'off'
}

function parseCookiePolicy(
  env: EnvBindings,
  baseUrl: URL | undefined,
  trustedOrigins: OriginPattern[],
  problems: ConfigProblem[],
): CookiePolicy | undefined {
  if (!baseUrl) return undefined
  const derived = deriveCookiePolicy({
    serviceUrl: baseUrl,
    origins: trustedOrigins,
    cookieDomain: env.COOKIE_DOMAIN,
    forcedMode: env.COOKIE_MODE,
  })
  problems.push(...derived.problems)
  return derived.policy
}

/**
 * Parses and validates the environment. Pure: no caching, no logging.
 *
 * @example
 * const result = parseConfig({ BETTER_AUTH_SECRET: '…', BETTER_AUTH_URL: 'http://localhost:8787', DATABASE_URL: '…' })
 * if (!result.ok) console.log(result.problems)
 */
export function parseConfig(env: EnvBindings): ConfigResult {
  const problems: ConfigProblem[] = []
  const baseUrl = parseBaseUrl(env.BETTER_AUTH_URL, problems)
  const databaseUrl = parseUrl('DATABASE_URL', env.DATABASE_URL, problems, ['postgres:', 'postgresql:'])
  const neonHttpEndpoint = env.NEON_HTTP_ENDPOINT?.trim()
    ? parseUrl('NEON_HTTP_ENDPOINT', env.NEON_HTTP_ENDPOINT, problems, ['http:', 'https:'])
    : undefined
  const { secrets, problems: secretProblems } = parseSecrets(env, {
    allowShort: baseUrl ? isLoopbackHost(baseUrl.hostname) : false,
  })
  problems.push(...secretProblems)
  const trustedOrigins = parseTrustedOrigins(env.TRUSTED_ORIGINS, problems)
  const operator = parseOperatorSettings(env, secrets, problems)
  const jwtTtl = parseTtl(env.JWT_TTL, problems)
  const databaseTimeoutMs = parseDatabaseTimeout(env.DATABASE_TIMEOUT_MS, problems)
  const sessionCacheSeconds = parseSessionCacheTtl(env.SESSION_CACHE_TTL, problems)
  const rateLimit = parseRateLimit(env.RATE_LIMIT, problems)
  const trustProxy = parseTrustProxy(env.TRUST_PROXY)
  if (!trustProxy.ok) problems.push({ variable: 'TRUST_PROXY', problem: trustProxy.problem })
  const mail = parseMailConfig(env, problems)
  const providers = parseProviders(env)
  const pages = parsePagesConfig(env, problems)
  problems.push(...providers.problems)
  const cookies = parseCookiePolicy(env, baseUrl, trustedOrigins, problems)

  if (problems.length > 0 || !baseUrl || !databaseUrl || !cookies || !trustProxy.ok) return { ok: false, problems }
  const origin = baseUrl.origin
  const isTrustedOrigin = createOriginMatcher(trustedOrigins)
  const config: Config = {
    secrets,
    baseURL: origin,
    databaseUrl: databaseUrl.toString(),
    neonHttpEndpoint: neonHttpEndpoint?.toString(),
    databaseTimeoutMs,
    trustedOrigins,
    isTrustedOrigin,
    isOwnOrTrustedOrigin: (candidate) => candidate === origin || isTrustedOrigin(candidate),
    cookies,
    jwt: {
      ttlSeconds: jwtTtl,
      issuer: env.JWT_ISSUER?.trim() || origin,
      audience: env.JWT_AUDIENCE?.trim() || origin,
    },
    rateLimit,
    trustProxy: trustProxy.matcher,
    operator,
    sessionCacheSeconds,
    mail,
    providers: providers.config,
    pages,
  }
  return { ok: true, config: Object.freeze(config) }
}
