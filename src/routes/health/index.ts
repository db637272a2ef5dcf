/**
 * Health routes. `GET /health` is liveness only (no I/O). `GET /health/auth` reports what
 * decides whether sessions can work, in two levels (see levels.ts): to anyone, the status, the
 * secret's presence and length, database reachability and latency, and the cookie mode; with
 * `Authorization: Bearer <HEALTH_TOKEN>`, everything: secret sources and fingerprints, migrations,
 * cookie attributes and warnings, JWT settings and signing keys, trusted origins, configuration
 * problems. 503 when anything is broken, whatever the level.
 */
import { Hono } from 'hono/tiny'
import type { EnvBindings } from '../../config/env.ts'
import type { Config, ConfigProblem } from '../../config/index.ts'
import { redirectURI } from '../../config/providers.ts'
import { parseSecrets, type SigningSecret } from '../../config/secrets.ts'
import type { ContextResult, ServiceContext } from '../../context.ts'
import { TIMED_OUT, within } from '../../deadline.ts'
import { errorResponse } from '../../errors.ts'
import { HEADERS } from '../../http/headers.ts'
import { type OperatorAccess, operatorAccess } from '../../http/operator-bearer.ts'
import { checkSigningKey, type SigningKeyState } from '../../tokens/signing-key.ts'
import { type DatabaseHealth, probeDatabase } from './database.ts'
import { anonymousReport, configuredHealthToken } from './levels.ts'

/** The database probe gives up here so the whole answer stays within 3 s. */
export const DATABASE_PROBE_TIMEOUT_MS = 2500

interface SecretReport {
  version: number | null
  source: SigningSecret['source']
  length: number
  fingerprint: string
}

/** Resolves to null when `promise` fails or takes longer than `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  const result = await within(
    promise.catch(() => null),
    ms,
  )
  return result === TIMED_OUT ? null : result
}

async function describeSecrets(service: ServiceContext): Promise<SecretReport[]> {
  const fingerprints = await service.secretFingerprints
  return service.config.secrets.map((s, index) => ({
    version: s.version,
    source: s.source,
    length: s.value.length,
    fingerprint: fingerprints[index]!,
  }))
}

function describeCookies(config: Config, sessionCookieName: string) {
  const { cookies } = config
  return {
    mode: cookies.mode,
    modeSource: cookies.modeSource,
    name: sessionCookieName,
    attributes: {
      sameSite: cookies.sameSite === 'none' ? 'None' : 'Lax',
      secure: cookies.secure,
      partitioned: cookies.partitioned,
      httpOnly: true,
      domain: cookies.domain ?? null,
      path: '/',
    },
    crossSiteOrigins: cookies.crossSiteOrigins,
    warnings: cookies.warnings,
    bearer: { header: HEADERS.sessionToken, accepts: 'Authorization: Bearer <token>' },
  }
}

function isHealthy(config: Config, db: DatabaseHealth): boolean {
  return (
    db.reachable && db.migrations?.pending.length === 0 && !config.cookies.warnings.some((w) => w.level === 'error')
  )
}

/** The mail transport, the verification mode in force and why, and this isolate's delivery counts. */
function describeMail({ config, mailer }: ServiceContext) {
  const { mail } = config
  return {
    transport: mail.transport?.kind ?? null,
    from: mail.from ?? null,
    emailVerification: mail.emailVerification,
    emailVerificationSource: mail.emailVerificationSource,
    passwordResetSeconds: mail.passwordResetSeconds,
    deliveries: mailer ? { ...mailer.stats } : null,
  }
}

/** The enabled sign-in providers, each with the redirect URI to register in its console. */
function describeProviders(config: Config) {
  const { providers } = config
  return {
    enabled: providers.enabled.map((id) => ({
      id,
      redirectURI: redirectURI(config.baseURL, id),
      ...(id === 'oidc' && providers.oidc ? { issuer: providers.oidc.issuer } : {}),
    })),
    accountLinking: providers.accountLinking,
  }
}

/** A health answer: its body, 200 when healthy, else 503. */
type HealthAnswer = { body: object; status: 200 | 503 }

/** With an invalid configuration there is no context: the secret as the environment holds it, and the problems. */
function configInvalidHealth(env: EnvBindings, problems: ConfigProblem[], access: OperatorAccess): HealthAnswer {
  const [current] = parseSecrets(env, { allowShort: true }).secrets
  const secret = { present: current !== undefined, length: current?.value.length ?? 0 }
  if (access === 'anonymous') {
    return { body: anonymousReport({ healthy: false, secret, database: null, mode: null }), status: 503 }
  }
  return {
    body: {
      status: 'error',
      level: 'full',
      config: { valid: false, problems },
      secret: { ...secret, source: current?.source ?? null },
    },
    status: 503,
  }
}

async function anonymousHealth({ config, database }: ServiceContext): Promise<HealthAnswer> {
  const db = await probeDatabase(database, DATABASE_PROBE_TIMEOUT_MS)
  const healthy = isHealthy(config, db)
  const secret = { present: true, length: config.secrets[0]!.value.length }
  return {
    body: anonymousReport({ healthy, secret, database: db, mode: config.cookies.mode }),
    status: healthy ? 200 : 503,
  }
}

async function fullHealth(service: ServiceContext): Promise<HealthAnswer> {
  const { config, database, auth } = service
  const [secrets, db, context] = await Promise.all([
    describeSecrets(service),
    probeDatabase(database, DATABASE_PROBE_TIMEOUT_MS),
    auth.$context,
  ])
  const remainingMs = Math.max(0, DATABASE_PROBE_TIMEOUT_MS - db.latencyMs)
  // Keys this deployment cannot decrypt are named, not fatal: it signs with a key of its own.
  const signingKey: SigningKeyState | null =
    db.reachable && db.migrations?.pending.length === 0
      ? await settledWithin(
          checkSigningKey(
            database.db,
            context.secretConfig,
            config.secrets.map((s) => s.value),
          ),
          remainingMs,
        )
      : null
  const current = secrets[0]!
  const healthy = isHealthy(config, db)
  const body = {
    status: healthy ? 'ok' : 'error',
    level: 'full',
    config: { valid: true, problems: [] },
    secret: {
      present: true,
      length: current.length,
      source: current.source,
      version: current.version,
      fingerprint: current.fingerprint,
      versions: secrets,
    },
    database: db,
    cookies: describeCookies(config, context.authCookies.sessionToken.name),
    jwt: { issuer: config.jwt.issuer, audience: config.jwt.audience, ttlSeconds: config.jwt.ttlSeconds, signingKey },
    mail: describeMail(service),
    providers: describeProviders(config),
    baseURL: config.baseURL,
    trustedOrigins: config.trustedOrigins.map((o) => o.value),
  }
  return { body, status: healthy ? 200 : 503 }
}

/**
 * Mounts the health routes. They answer even when the configuration is invalid, so they take the
 * context resolver rather than a resolved context.
 */
export function healthRoutes(resolveContext: (env: EnvBindings) => ContextResult) {
  const routes = new Hono<{ Bindings: EnvBindings }>()

  routes.get('/health', (c) => c.json({ status: 'ok' }))

  routes.get('/health/auth', async function authHealth(c) {
    c.header(HEADERS.cacheControl, 'no-store')
    const result = resolveContext(c.env)
    const access = await operatorAccess(
      c.req.raw.headers,
      result.ok ? result.service.config.operator.healthToken : configuredHealthToken(c.env),
    )
    if (access === 'refused') return errorResponse('INVALID_HEALTH_TOKEN')
    const { body, status } = !result.ok
      ? configInvalidHealth(c.env, result.problems, access)
      : access === 'anonymous'
        ? await anonymousHealth(result.service)
        : await fullHealth(result.service)
    return c.json(body, status)
  })

  return routes
}
