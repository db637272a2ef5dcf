/**
 * `GET /health/session`: the diagnosis of the credentials this request carries (see
 * diagnostics/session.ts). Called from the frontend with credentials, so it sits behind CORS like
 * the auth routes, and before the credential upgrade, so it can say which secret signed them.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { HEADERS } from '../http/headers.ts'

/**
 * @example
 * app.route('/', sessionHealthRoutes())
 */
export function sessionHealthRoutes() {
  const routes = new Hono<AppEnv>()
  routes.get('/health/session', async function sessionHealth(c) {
    c.header(HEADERS.cacheControl, 'no-store')
    return c.json(await c.var.service.diagnoseSession(c.req.raw.headers))
  })
  return routes
}
