/**
 * `GET /health/session`: the diagnosis of the credentials this request carries (see
 * session-diagnosis.ts). It sits before the credential upgrade, so it can say which secret signed
 * them, and answers its own CORS:
 *
 * - a trusted origin (or none, or the service's own) gets the service's credentialed CORS and the
 *   diagnosis of its credentials, like the auth routes;
 * - any other origin gets CORS without credentials (`Access-Control-Allow-Origin: *`) and only
 *   `origin_not_trusted`, whatever it sends: a page on an untrusted origin can learn why it has no
 *   session, and nothing about any session.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../../context.ts'
import { HEADERS } from '../../http/headers.ts'
import { originNotTrusted, type SessionDiagnosis } from '../../session-diagnosis.ts'

export const SESSION_HEALTH_PATH = '/health/session'

/** The request's Origin when it is neither trusted nor the service's own, else null. */
function untrustedOrigin(c: Context<AppEnv>): string | null {
  const origin = c.req.header(HEADERS.origin)
  return origin !== undefined && !c.var.service.config.isOwnOrTrustedOrigin(origin) ? origin : null
}

/**
 * CORS for an untrusted origin: readable without credentials; a preflight allows no header (so no
 * `Authorization`) and no credentials, only what a simple GET needs anyway.
 */
const publicCors: MiddlewareHandler = async function publicCors(c, next) {
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Vary', 'Origin')
  if (c.req.method === 'OPTIONS') return c.body(null, 204)
  await next()
}

/** Mounted before the service's CORS middleware, which it is given for trusted origins. */
export function sessionHealthRoutes(cors: MiddlewareHandler<AppEnv>) {
  const routes = new Hono<AppEnv>()
  routes.use(SESSION_HEALTH_PATH, async function sessionHealthCors(c, next) {
    return untrustedOrigin(c) ? publicCors(c, next) : cors(c, next)
  })
  routes.get(SESSION_HEALTH_PATH, async function sessionHealth(c) {
    c.header(HEADERS.cacheControl, 'no-store')
    const origin = untrustedOrigin(c)
    const diagnosis: SessionDiagnosis = origin
      ? { status: 'no_credentials', credential: null, causes: [originNotTrusted(origin)] }
      : await c.var.service.diagnoseSession(c.req.raw.headers, c.var.credentials)
    return c.json(diagnosis)
  })
  return routes
}
