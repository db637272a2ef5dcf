/**
 * Configuration: the Worker's bindings (or `process.env`) parsed and validated into a typed,
 * frozen object (once per isolate: see context.ts). Problems name the variable and what is wrong, never its value.
 */
import { isLoopbackHost } from '../cookies/site.ts'
import { type CookiePolicy, deriveCookiePolicy } from './cookie-policy.ts'
import type { EnvBindings } from './env.ts'
import { createOriginMatcher, type OriginPattern, parseOriginPattern } from './origins.ts'
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
  readonly trustedOrigins: readonly OriginPattern[]
  /** Whether an origin is in TRUSTED_ORIGINS: CORS with credentials, callback URLs. */
  readonly isTrustedOrigin: (origin: string | null | undefined) => boolean
  /** Whether an origin may act with the session cookie: the service's own, or a trusted one. */
  readonly isOwnOrTrustedOrigin: (origin: string | null | undefined) => boolean
  readonly cookies: CookiePolicy
  readonly jwt: { readonly ttlSeconds: number; readonly issuer: string; readonly audience: string }
  /** BetterAuth's per-IP rate limits (3 sign-in/sign-up attempts per 10 s), kept per isolate. */
  readonly rateLimit: boolean
  /** Sign-in providers (GitHub, Google, OpenID Connect) and the account linking policy. */
  readonly providers: ProvidersConfig
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] }

const DEFAULT_JWT_TTL_SECONDS = 15 * 60
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

function parseTtl(value: string | undefined, problems: ConfigProblem[]): number {
  if (!value?.trim()) return DEFAULT_JWT_TTL_SECONDS
  const match = TTL_PATTERN.exec(value.trim())
  const seconds = match
    ? Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(match[2] ?? 's') as 's' | 'm' | 'h']
    : NaN
  if (!(seconds >= 30 && seconds <= 24 * 3600)) {
    problems.push({ variable: 'JWT_TTL', problem: 'must be a duration between 30s and 24h, e.g. 900, 15m or 1h' })
    return DEFAULT_JWT_TTL_SECONDS
  }
  return seconds
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
  const baseUrl = parseUrl('BETTER_AUTH_URL', env.BETTER_AUTH_URL, problems, ['http:', 'https:'])
  if (baseUrl && baseUrl.pathname !== '/' && baseUrl.pathname !== '') {
    problems.push({
      variable: 'BETTER_AUTH_URL',
      problem: 'must be an origin without a path (the auth routes live at /api/auth)',
    })
  }
  const databaseUrl = parseUrl('DATABASE_URL', env.DATABASE_URL, problems, ['postgres:', 'postgresql:'])
  const neonHttpEndpoint = env.NEON_HTTP_ENDPOINT?.trim()
    ? parseUrl('NEON_HTTP_ENDPOINT', env.NEON_HTTP_ENDPOINT, problems, ['http:', 'https:'])
    : undefined

  const { secrets, problems: secretProblems } = parseSecrets(env, {
    allowShort: baseUrl ? isLoopbackHost(baseUrl.hostname) : false,
  })
  problems.push(...secretProblems)

  const trustedOrigins: OriginPattern[] = []
  for (const entry of (env.TRUSTED_ORIGINS ?? '').split(',').filter((e) => e.trim())) {
    const parsed = parseOriginPattern(entry)
    if (parsed.ok) trustedOrigins.push(parsed.pattern)
    else problems.push({ variable: 'TRUSTED_ORIGINS', problem: parsed.problem })
  }

  const jwtTtl = parseTtl(env.JWT_TTL, problems)
  const rateLimitSetting = (env.RATE_LIMIT?.trim() || 'on').toLowerCase()
  if (rateLimitSetting !== 'on' && rateLimitSetting !== 'off') {
    problems.push({ variable: 'RATE_LIMIT', problem: 'must be on or off' })
  }
  const providers = parseProviders(env)
  problems.push(...providers.problems)
  let cookies: CookiePolicy | undefined
  if (baseUrl) {
    const derived = deriveCookiePolicy({
      serviceUrl: baseUrl,
      origins: trustedOrigins,
      cookieDomain: env.COOKIE_DOMAIN,
      forcedMode: env.COOKIE_MODE,
    })
    problems.push(...derived.problems)
    cookies = derived.policy
  }

  if (problems.length > 0 || !baseUrl || !databaseUrl || !cookies) return { ok: false, problems }
  const origin = baseUrl.origin
  const isTrustedOrigin = createOriginMatcher(trustedOrigins)
  const config: Config = {
    secrets,
    baseURL: origin,
    databaseUrl: databaseUrl.toString(),
    neonHttpEndpoint: neonHttpEndpoint?.toString(),
    trustedOrigins,
    isTrustedOrigin,
    isOwnOrTrustedOrigin: (candidate) => candidate === origin || isTrustedOrigin(candidate),
    cookies,
    jwt: {
      ttlSeconds: jwtTtl,
      issuer: env.JWT_ISSUER?.trim() || origin,
      audience: env.JWT_AUDIENCE?.trim() || origin,
    },
    rateLimit: rateLimitSetting !== 'off',
    providers: providers.config,
  }
  return { ok: true, config: Object.freeze(config) }
}
