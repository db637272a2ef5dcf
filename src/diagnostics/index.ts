/**
 * `GET /health/session`: the diagnosis of the credentials this request carries. Called from the
 * frontend with credentials, so it sits behind CORS like the auth routes.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app.ts'
import { diagnoseSession } from './session.ts'

/**
 * @example
 * app.route('/', diagnosticsRoutes())
 */
export function diagnosticsRoutes() {
  const routes = new Hono<AppEnv>()
  routes.get('/health/session', async function sessionHealth(c) {
    c.header('Cache-Control', 'no-store')
    return c.json(await diagnoseSession(c.var.runtime, c.req.raw))
  })
  return routes
}
