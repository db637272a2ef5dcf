/**
 * The JWKS, at BetterAuth's `/api/auth/jwks` and the conventional `/.well-known/jwks.json`, with a
 * Cache-Control that downstream caches can honour. A cache may serve keys up to `max-age` old;
 * tokens signed by a new key carry an unknown `kid`, which makes jose refetch.
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../context.ts'
import { HEADERS } from '../http/headers.ts'

export const JWKS_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=60'

/** Mount before the BetterAuth route, so the middleware wraps it. */
export function jwksRoutes() {
  const routes = new Hono<AppEnv>()
  routes.get('/.well-known/jwks.json', async function wellKnownJwks(c) {
    const jwks = await c.var.service.auth.api.getJwks()
    return c.json(jwks, 200, { [HEADERS.cacheControl]: JWKS_CACHE_CONTROL })
  })
  routes.get('/api/auth/jwks', async function jwksCacheControl(c, next) {
    await next()
    if (c.res.ok) c.res.headers.set(HEADERS.cacheControl, JWKS_CACHE_CONTROL)
  })
  return routes
}
