/**
 * `/api/auth/*`: BetterAuth's handler. Credentials from older secrets are re-signed before it
 * (credentials/upgrade.ts), null sessions are reported by its own hooks (diagnostics/).
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../context.ts'
import { handleNotFound } from '../errors.ts'

/**
 * @example
 * app.route('/', authRoutes())
 */
export function authRoutes() {
  const routes = new Hono<AppEnv>()
  routes.on(['GET', 'POST'], '/api/auth/*', async function betterAuth(c) {
    const response = await c.var.service.auth.handler(c.req.raw)
    // BetterAuth answers paths it does not know with an empty 404; ours are JSON.
    if (response.status === 404 && !response.headers.get('content-type')) return handleNotFound(c)
    return response
  })
  return routes
}
