/**
 * Health routes. `GET /health` is liveness only (no I/O). `GET /health/auth` reports what
 * decides whether sessions can work: the secret (length, source, fingerprint, never the value),
 * the database and its migrations, and the cookie policy. 503 when any of them is broken.
 */
import { Hono } from 'hono'
import { type Config, type EnvBindings, loadConfig } from '../config/index.ts'
import { parseSecrets, type SigningSecret, secretFingerprint } from '../config/secrets.ts'
import { resolveRuntime } from '../runtime.ts'
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
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms)
  })
  return Promise.race([promise.catch(() => null), deadline]).finally(() => clearTimeout(timer))
}

const fingerprintsBySecret = new Map<string, Promise<string>>()

function fingerprintOnce(secret: string): Promise<string> {
  let fingerprint = fingerprintsBySecret.get(secret)
  if (!fingerprint) {
    fingerprint = secretFingerprint(secret)
    fingerprintsBySecret.set(secret, fingerprint)
  }
  return fingerprint
}

async function describeSecrets(secrets: readonly SigningSecret[]): Promise<SecretReport[]> {
  return Promise.all(
    secrets.map(async (s) => ({
      version: s.version,
      source: s.source,
      length: s.value.length,
      fingerprint: await fingerprintOnce(s.value),
    })),
  )
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
    bearer: { header: 'set-auth-token', accepts: 'Authorization: Bearer <token>' },
  }
}

/**
 * Mounts the health routes.
 *
 * @example
 * app.route('/', healthRoutes())
 */
export function healthRoutes() {
  const routes = new Hono<{ Bindings: EnvBindings }>()

  routes.get('/health', (c) => c.json({ status: 'ok' }))

  routes.get('/health/auth', async function authHealth(c) {
    c.header('Cache-Control', 'no-store')
    const loaded = loadConfig(c.env)
    if (!loaded.ok) {
      const { secrets } = parseSecrets(c.env, { allowShort: true })
      const [current] = await describeSecrets(secrets)
      return c.json(
        {
          status: 'error',
          config: { valid: false, problems: loaded.problems },
          secret: { present: secrets.length > 0, length: current?.length ?? 0, source: current?.source ?? null },
        },
        503,
      )
    }
    const result = resolveRuntime(c.env)
    if (!result.ok) return c.json({ status: 'error', config: { valid: false, problems: result.problems } }, 503)
    const { config, database, auth } = result.runtime
    const [secrets, db, context] = await Promise.all([
      describeSecrets(config.secrets),
      probeDatabase(database, DATABASE_PROBE_TIMEOUT_MS),
      auth.$context,
    ])
    const remainingMs = Math.max(0, DATABASE_PROBE_TIMEOUT_MS - db.latencyMs)
    const signingKey: SigningKeyState | null =
      db.reachable && db.migrations?.pending.length === 0
        ? await withDeadline(checkSigningKey(result.runtime), remainingMs)
        : null
    const current = secrets[0]!
    const healthy = db.reachable && db.migrations?.pending.length === 0 && signingKey?.decryptable !== false
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
        baseURL: config.baseURL,
        trustedOrigins: config.trustedOrigins.map((o) => o.value),
      },
      healthy ? 200 : 503,
    )
  })

  return routes
}
