/**
 * Health routes. `GET /health` is liveness only (no I/O). `GET /health/auth` reports what
 * decides whether sessions can work: the secret (length, source, fingerprint, never the value),
 * the database and its migrations, and the cookie policy. 503 when any of them is broken.
 */
import { Hono } from 'hono/tiny'
import type { EnvBindings } from '../config/env.ts'
import type { Config } from '../config/index.ts'
import { redirectURI } from '../config/providers.ts'
import { parseSecrets, type SigningSecret } from '../config/secrets.ts'
import type { ContextResult, ServiceContext } from '../context.ts'
import { TIMED_OUT, within } from '../deadline.ts'
import { HEADERS } from '../http/headers.ts'
import { checkSigningKey, type SigningKeyState } from '../tokens/signing-key.ts'
import { probeDatabase } from './database.ts'

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

/**
 * Mounts the health routes. They answer even when the configuration is invalid, so they take the
 * context resolver rather than a resolved context.
 *
 * @example
 * app.route('/', healthRoutes(resolveContext))
 */
export function healthRoutes(resolveContext: (env: EnvBindings) => ContextResult) {
  const routes = new Hono<{ Bindings: EnvBindings }>()

  routes.get('/health', (c) => c.json({ status: 'ok' }))

  routes.get('/health/auth', async function authHealth(c) {
    c.header(HEADERS.cacheControl, 'no-store')
    const result = resolveContext(c.env)
    if (!result.ok) {
      const [current] = parseSecrets(c.env, { allowShort: true }).secrets
      return c.json(
        {
          status: 'error',
          config: { valid: false, problems: result.problems },
          secret: {
            present: current !== undefined,
            length: current?.value.length ?? 0,
            source: current?.source ?? null,
          },
        },
        503,
      )
    }
    const { service } = result
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
    const healthy =
      db.reachable && db.migrations?.pending.length === 0 && !config.cookies.warnings.some((w) => w.level === 'error')
    return c.json(
      {
        status: healthy ? 'ok' : 'error',
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
        jwt: {
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
          ttlSeconds: config.jwt.ttlSeconds,
          signingKey,
        },
        providers: describeProviders(config),
        baseURL: config.baseURL,
        trustedOrigins: config.trustedOrigins.map((o) => o.value),
      },
      healthy ? 200 : 503,
    )
  })

  return routes
}
