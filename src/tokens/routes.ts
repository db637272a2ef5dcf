/**
 * The JWKS, at BetterAuth's `/api/auth/jwks` and the conventional `/.well-known/jwks.json`,
 * with a Cache-Control that downstream caches can honour. A cache may serve keys up to
 * `max-age` old; tokens signed by a new key carry an unknown `kid`, which makes jose refetch.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app.ts'

export const JWKS_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=60'

/**
 * @example
 * app.route('/', jwksRoutes())
 */
export function jwksRoutes() {
  const routes = new Hono<AppEnv>()
  routes.get('/.well-known/jwks.json', async function wellKnownJwks(c) {
    const jwks = await c.var.runtime.auth.api.getJwks()
    return c.json(jwks, 200, { 'Cache-Control': JWKS_CACHE_CONTROL })
  })
  routes.get('/api/auth/jwks', async function jwks(c, next) {
    await next()
    if (c.res.ok) c.res.headers.set('Cache-Control', JWKS_CACHE_CONTROL)
  })
  return routes
}
